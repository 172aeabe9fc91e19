"""医疗费用给付 (claims.medical, pure): 起付线, 比例, 份, the cap across one member's claims of a period,
rounding to the fen, and the properties the scheme relies on (never above the cap, never negative,
more 个人自付 never pays less) — the last as hypothesis properties."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.medical import Receipt, Rule, Usage, compute, receipt_problems

D = Decimal
YL = Rule(
    plan_name="在职职工住院医疗互助保障",
    valid_from=datetime.date(2023, 1, 1),
    deductible=D("1000.00"),
    ratio_percent=D("50.00"),
    cap_per_share=D("210000.00"),
    per_period=True,
)
YW = Rule(
    plan_name="意外伤害互助保障",
    valid_from=datetime.date(2023, 1, 1),
    deductible=D("100.00"),
    ratio_percent=D("80.00"),
    cap_per_share=D("10000.00"),
    per_period=False,
)


def receipt(category_b="0", self_pay="0", *, fund="0", self_funded="0", number="0001"):
    parts = [D(fund), D(category_b), D(self_pay), D(self_funded)]
    return Receipt(
        code="37020123",
        number=number,
        issued_on=datetime.date(2026, 3, 1),
        total=sum(parts),
        fund_paid=parts[0],
        category_b_self=parts[1],
        self_pay=parts[2],
        self_funded=parts[3],
    )


def test_the_eligible_part_is_category_b_plus_self_pay_never_self_funded_or_the_fund():
    result = compute(rule=YL, receipts=[receipt("800", "1200", fund="5000", self_funded="3000")], shares=1)
    assert result.eligible == D("2000.00")
    assert result.deductible_applied == D("1000.00")
    assert result.amount == D("500.00")  # (2000 − 1000) × 50 %


def test_two_receipts_are_added_before_the_deductible():
    result = compute(rule=YL, receipts=[receipt("300", "500"), receipt("0", "1200", number="2")], shares=1)
    assert result.eligible == D("2000.00")
    assert result.amount == D("500.00")
    labels = [step.label for step in result.steps]
    assert labels[0].startswith("个人自付合计") and labels[-1] == "建议给付金额"
    assert result.steps[0].note == "2张票据"


def test_below_the_deductible_nothing_is_paid_and_nothing_is_negative():
    result = compute(rule=YL, receipts=[receipt("400", "100")], shares=1)
    assert (result.deductible_applied, result.amount) == (D("500.00"), D("0.00"))


def test_the_deductible_counts_once_per_member_and_period():
    first = compute(rule=YL, receipts=[receipt("0", "600")], shares=1)
    assert first.deductible_applied == D("600.00") and first.amount == D("0.00")
    second = compute(
        rule=YL,
        receipts=[receipt("0", "3000")],
        shares=1,
        usage=Usage(deductible_used=first.deductible_applied, amount_used=first.amount, claims=1),
    )
    assert second.deductible_applied == D("400.00")  # only what the first claim left of the 1,000
    assert second.amount == D("1300.00")  # (3000 − 400) × 50 %


def test_shares_multiply_the_amount_and_the_cap_but_not_the_deductible():
    one = compute(rule=YW, receipts=[receipt("0", "1100")], shares=1)
    three = compute(rule=YW, receipts=[receipt("0", "1100")], shares=3)
    assert (one.amount, three.amount) == (D("800.00"), D("2400.00"))  # (1100 − 100) × 80 % × 份
    assert (one.cap, three.cap) == (D("10000.00"), D("30000.00"))


def test_the_annual_cap_is_shared_by_three_claims_of_one_member_in_one_period():
    big = [receipt("0", "300000")]  # (300,000 − 1,000) × 50 % = 149,500 uncapped
    first = compute(rule=YL, receipts=big, shares=1)
    assert first.amount == D("149500.00") and not first.capped
    used = Usage(deductible_used=D("1000.00"), amount_used=first.amount, claims=1)
    second = compute(rule=YL, receipts=big, shares=1, usage=used)
    assert second.uncapped == D("150000.00")
    assert second.amount == second.cap == D("60500.00")  # 210,000 − 149,500
    assert second.capped and "限额" in second.steps[-1].note
    used = Usage(deductible_used=D("1000.00"), amount_used=first.amount + second.amount, claims=2)
    third = compute(rule=YL, receipts=[receipt("0", "5000")], shares=1, usage=used)
    assert (third.amount, third.cap) == (D("0.00"), D("0.00"))
    assert first.amount + second.amount + third.amount == D("210000.00")


def test_an_accident_cap_is_per_claim_other_claims_do_not_count():
    used = Usage(deductible_used=D("100.00"), amount_used=D("9999.00"), claims=3)
    result = compute(rule=YW, receipts=[receipt("0", "600")], shares=1, usage=used)
    assert (result.deductible_applied, result.amount, result.cap) == (D("100.00"), D("400.00"), D("10000.00"))


@pytest.mark.parametrize(
    ("self_pay", "expected"),
    [("1000.01", "0.01"), ("1000.03", "0.02"), ("1000.05", "0.03"), ("1333.33", "166.67")],
)
def test_amounts_are_rounded_half_up_to_the_fen(self_pay, expected):
    assert compute(rule=YL, receipts=[receipt("0", self_pay)], shares=1).amount == D(expected)


def test_the_breakdown_is_stored_as_text_amounts():
    data = compute(rule=YL, receipts=[receipt("0", "3000")], shares=1).as_json()
    assert data["amount"] == "1000.00" and data["capped"] is False
    assert [s["amount"] for s in data["steps"]][:3] == ["3000.00", "1000.00", "2000.00"]


def test_parts_must_add_up_to_the_total():
    wrong = Receipt(
        code="1",
        number="1",
        issued_on=datetime.date(2026, 1, 1),
        total=D("100.00"),
        fund_paid=D("50.00"),
        category_b_self=D("10.00"),
        self_pay=D("10.00"),
        self_funded=D("10.00"),
    )
    assert receipt_problems(wrong) == [
        "医保统筹支付 + 乙类先行自付 + 自付 + 自费 = 80.00 元，与总金额 100.00 元不一致"
    ]
    assert receipt_problems(receipt("10", "20", fund="70")) == []


def _fen(maximum_yuan: int):
    return st.integers(0, maximum_yuan * 100).map(lambda cents: D(cents) / 100)


_receipts = st.lists(st.tuples(_fen(50_000), _fen(200_000)), max_size=4).map(
    lambda parts: [receipt(str(b), str(own), number=str(i)) for i, (b, own) in enumerate(parts)]
)
_usage = st.builds(Usage, deductible_used=_fen(1_500), amount_used=_fen(250_000), claims=st.integers(0, 3))


@given(rule=st.sampled_from([YL, YW]), receipts=_receipts, shares=st.integers(0, 3), usage=_usage)
def test_properties_never_above_the_cap_never_negative_monotone_in_self_pay(rule, receipts, shares, usage):
    result = compute(rule=rule, receipts=receipts, shares=shares, usage=usage)
    assert D("0.00") <= result.amount <= result.cap
    assert result.cap <= rule.cap_per_share * shares
    assert result.amount == result.amount.quantize(D("0.01"))
    more = compute(
        rule=rule, receipts=[*receipts, receipt("0", "0.01", number="x")], shares=shares, usage=usage
    )
    assert more.amount >= result.amount
