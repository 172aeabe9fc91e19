from decimal import Decimal

import pytest

from core.money import rmb_upper, yuan


@pytest.mark.parametrize(
    ("amount", "upper"),
    [
        ("0", "零元整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("100000", "壹拾万元整"),
        ("1005.07", "壹仟零伍元零柒分"),
        ("20.50", "贰拾元伍角"),
        ("10010000", "壹仟零壹万元整"),
        ("0.05", "伍分"),
        ("100000001", "壹亿零壹元整"),
        ("101000000", "壹亿零壹佰万元整"),
        ("1010", "壹仟零壹拾元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("10.05", "壹拾元零伍分"),
        ("0.50", "伍角"),
        ("2", "贰元整"),
    ],
)
def test_amounts_are_written_in_chinese_capitals_as_on_a_bank_form(amount, upper):
    assert rmb_upper(Decimal(amount)) == upper


def test_capitals_accept_ints_and_strings_as_well_as_decimals():
    assert rmb_upper(100000) == rmb_upper("100000.00") == "壹拾万元整"


def test_capitals_round_to_the_cent_before_spelling():
    assert rmb_upper(Decimal("0.005")) == "壹分"
    assert rmb_upper(Decimal("0.004")) == "零元整"


def test_a_negative_amount_is_spelled_with_fu():
    assert rmb_upper(Decimal("-3.50")) == "负叁元伍角"


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("2.345", "2.35"), ("2.344", "2.34"), ("0.005", "0.01"), ("10", "10.00"), ("-1.005", "-1.01")],
)
def test_yuan_rounds_half_up_to_two_places(value, rounded):
    result = yuan(Decimal(value))
    assert result == Decimal(rounded)
    assert result.as_tuple().exponent == -2
