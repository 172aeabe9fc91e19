"""Plausible date ranges: a date a person types is checked before any arithmetic is done with it."""

import datetime

from django.utils import timezone

from core.errors import DomainError

EARLIEST_DATE = datetime.date(1900, 1, 1)


def shift_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_bounds(*, years_back: int | None, years_ahead: int, today: datetime.date | None = None):
    """(earliest, latest) around today; years_back=None means 1900-01-01."""
    today = today or timezone.localdate()
    earliest = EARLIEST_DATE if years_back is None else shift_years(today, -years_back)
    return earliest, shift_years(today, years_ahead)


def check_date(day: datetime.date, *, label: str, earliest: datetime.date, latest: datetime.date) -> None:
    """DomainError naming the range when DAY is outside [earliest, latest]."""
    if not earliest <= day <= latest:
        raise DomainError(f"{label}应在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间")
