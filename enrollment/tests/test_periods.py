import datetime
from decimal import Decimal

import pytest

from enrollment.periods import (
    add_months,
    age_on,
    expiry_month_label,
    fee_per_member,
    twelve_month_period,
    whole_months,
)

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 4, 1), D(2027, 3, 31)),
        (D(2026, 1, 1), D(2026, 12, 31)),
        (D(2026, 12, 15), D(2027, 12, 14)),
        (D(2026, 1, 31), D(2027, 1, 30)),
    ],
)
def test_a_main_period_is_twelve_months_ending_the_day_before_the_anniversary(start, end):
    assert twelve_month_period(start) == (start, end)


def test_adding_months_clamps_to_the_end_of_a_short_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2027, 12, 31), 2) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 15), 14) == D(2028, 1, 15)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 4, 1), D(2027, 3, 31), 12),  # a whole main period
        (D(2026, 12, 1), D(2027, 3, 31), 4),  # exactly four months
        (D(2026, 12, 15), D(2027, 3, 31), 4),  # 3.5 months → rounded up
        (D(2026, 12, 2), D(2027, 3, 31), 4),  # 3 months and 30 days → 4
        (D(2027, 1, 1), D(2027, 3, 31), 3),
        (D(2027, 3, 31), D(2027, 3, 31), 1),  # a single day is one started month
        (D(2026, 4, 1), D(2026, 4, 30), 1),
        (D(2026, 4, 1), D(2026, 5, 1), 2),  # one month and one day
    ],
)
def test_whole_months_counts_every_started_month(start, end, months):
    assert whole_months(start, end) == months


@pytest.mark.parametrize(
    ("fee", "shares", "months", "amount"),
    [
        ("30", 1, 12, "30.00"),
        ("30", 1, 4, "10.00"),
        ("26", 3, 5, "32.50"),
        ("20", 2, 12, "40.00"),
        ("20", 1, 1, "1.67"),  # 1.666… rounded half up to the cent
        ("90", 1, 7, "52.50"),
        ("26", 1, 1, "2.17"),
    ],
)
def test_the_fee_per_member_is_shares_times_yearly_fee_times_months_over_twelve(fee, shares, months, amount):
    result = fee_per_member(fee_per_share=Decimal(fee), shares=shares, months=months)
    assert isinstance(result, Decimal)
    assert result == Decimal(amount)
    assert str(result) == amount


def test_age_on_counts_a_birthday_on_the_day_itself():
    born = D(2010, 4, 1)
    assert age_on(born, D(2026, 3, 31)) == 15
    assert age_on(born, D(2026, 4, 1)) == 16
    assert age_on(born, D(2026, 4, 2)) == 16


def test_age_on_turns_sixty_on_the_sixtieth_birthday():
    born = D(1966, 12, 31)
    assert age_on(born, D(2026, 12, 30)) == 59
    assert age_on(born, D(2026, 12, 31)) == 60


def test_a_leap_day_birthday_counts_in_a_leap_year():
    born = D(2008, 2, 29)
    assert age_on(born, D(2024, 2, 28)) == 15
    assert age_on(born, D(2024, 2, 29)) == 16


def test_the_expiry_month_is_named_in_chinese():
    assert expiry_month_label(D(2027, 3, 31)) == "2027年3月"
