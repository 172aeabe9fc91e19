"""Coverage periods (保期) and fees — pure functions over dates and Decimals."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from core.money import yuan


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def twelve_month_period(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """A main period: 2026-04-01 → 2027-03-31; 2024-02-29 → 2025-02-28."""
    return start, add_months(start - datetime.timedelta(days=1), 12)


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """Whole months from start to end (inclusive), any started month counted: 12-15 → 03-31 is 4."""
    stop = end + datetime.timedelta(days=1)
    months = (stop.year - start.year) * 12 + (stop.month - start.month)
    if add_months(start, months) < stop:
        months += 1
    while months > 0 and add_months(start, months - 1) >= stop:
        months -= 1
    return max(months, 1)


def fee_per_member(*, fee_per_share: Decimal, shares: int, months: int) -> Decimal:
    """One member's fee for one plan: 份 × yearly fee × months / 12, rounded to the cent."""
    return yuan(Decimal(fee_per_share) * shares * months / 12)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def expiry_month_label(period_end: datetime.date) -> str:
    return f"{period_end.year}年{period_end.month}月"


@dataclass(frozen=True)
class MainRenewal:
    """The renewal rule of 主保期参保 for a unit whose paid period still runs (SPEC §6.2): the new period
    follows the current one without a gap, and it may be 上报'd only in the calendar month in which the
    current period ends. services.resolve_period, the 上报 check and the form's hint all read it here."""

    current_start: datetime.date
    current_end: datetime.date

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return twelve_month_period(self.current_end + datetime.timedelta(days=1))

    @property
    def submit_month(self) -> str:
        return expiry_month_label(self.current_end)

    def may_submit_on(self, day: datetime.date) -> bool:
        return (day.year, day.month) == (self.current_end.year, self.current_end.month)
