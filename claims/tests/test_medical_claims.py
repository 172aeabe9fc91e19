"""住院医疗保障金申请 (YL) and 意外 医疗 through the real services (SPEC §7.4): the computation at 保存 from
the receipts and the plan's 医疗费用给付规则 (data, versioned), the annual cap across the member's claims,
the reviewer's adjustment within the cap with a reason, a receipt paid once (also raced on PostgreSQL),
the YL eligibility rules, and the payout (single and batch)."""

import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from claims import receipts as receipts_module
from claims.models import Claim, MedicalReceipt
from claims.services import claim_payout_record, claim_update
from core.errors import DomainError, ErrorCode
from plans.models import MedicalRule, Plan
from review.engine import case_transition
from review.models import Action, Status, Transition
from tests.concurrency import run_at_once, skip_unless_postgresql

D = Decimal
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


@pytest.fixture
def unit(factory):
    return factory.approved_unit(org="市南区")


@pytest.fixture
def wang(factory, unit):
    """Covered by YL (1份) for a year through UNIT, past any waiting period."""
    return factory.covered_member(unit, plans={"YL": 1, "YW": 2}, name="王强", female=False)


def yl_claim(factory, unit, member, *receipts, admitted=None, days=5, **fields):
    admitted = admitted or today() - 40 * DAY
    receipts = receipts or (factory.receipt(issued_on=admitted + days * DAY),)
    return factory.claim(
        unit,
        member,
        kind="medical",
        event_date=admitted,
        discharge_date=admitted + days * DAY,
        receipts=list(receipts),
        **fields,
    )


def to_city(factory, claim, shinan=None):
    factory.claim_materials(claim)
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=claim.unit.agent)
    case_transition(case=case, action=Action.APPROVE, actor=shinan or factory.district_reviewer("市南区"))
    claim.refresh_from_db()
    return claim


def city_approves(factory, claim, amount=None, reason="", city=None):
    amount = claim.suggested_amount if amount is None else amount
    case_transition(
        case=claim.case,
        action=Action.APPROVE,
        actor=city or factory.city_reviewer(),
        reason=reason,
        data={"approved_amount": str(amount)},
    )
    claim.refresh_from_db()
    return claim


# --- the computation at 保存 ------------------------------------------------------------------------


def test_a_yl_claim_with_two_receipts_is_computed_from_the_plan_rule(factory, unit, wang):
    admitted = today() - 40 * DAY
    claim = yl_claim(
        factory,
        unit,
        wang,
        factory.receipt("2000.00", category_b="600.00", issued_on=admitted + 2 * DAY),
        factory.receipt("1400.00", issued_on=admitted + 5 * DAY),
    )
    assert claim.kind == Claim.Kind.MEDICAL and claim.plan_choice == "YL"
    # (乙类 600 + 自付 2,000 + 自付 1,400 − 起付线 1,000) × 50 % × 1份; 自费 and 医保统筹 are not paid
    assert claim.suggested_amount == D("1500.00")
    steps = claim.medical_computation["steps"]
    assert steps[0] == {
        "label": "个人自付合计（乙类先行自付 + 自付，不含自费）",
        "amount": "4000.00",
        "note": "2张票据",
    }
    assert steps[1]["amount"] == "1000.00" and steps[-1]["amount"] == "1500.00"
    assert MedicalReceipt.objects.filter(claim=claim, is_active=True).count() == 2
    assert claim.lines.get().deductible_applied == D("1000.00")
    assert claim.diagnosis == "急性阑尾炎" and claim.discharge_date == admitted + 5 * DAY


def test_a_new_rule_version_applies_from_its_date_and_the_old_one_before(factory, unit, wang):
    plan = Plan.objects.get(code="YL")
    MedicalRule.objects.create(
        plan=plan,
        valid_from=today() - 20 * DAY,
        deductible=D("500.00"),
        ratio_percent=D("60.00"),
        cap_per_share=D("210000.00"),
    )
    before = yl_claim(factory, unit, wang, admitted=today() - 60 * DAY)
    assert before.suggested_amount == D("1000.00")  # (3,000 − 1,000) × 50 %, the seed version
    other = factory.covered_member(unit, plans={"YL": 1}, name="钱七", female=False)
    after = yl_claim(factory, unit, other, admitted=today() - 10 * DAY, days=3)
    assert after.suggested_amount == D("1500.00")  # (3,000 − 500) × 60 %


def test_the_deductible_is_used_once_per_member_and_period(factory, unit, wang):
    first = yl_claim(factory, unit, wang, factory.receipt("600.00"), admitted=today() - 90 * DAY)
    assert first.suggested_amount == D("0.00")
    second = yl_claim(factory, unit, wang, factory.receipt("3000.00"), admitted=today() - 40 * DAY)
    assert second.lines.get().deductible_applied == D("400.00")
    assert second.suggested_amount == D("1300.00")


def test_the_annual_cap_is_shared_across_three_claims_and_the_screen_says_so(factory, unit, wang):
    huge = "300000.00"  # (300,000 − 1,000) × 50 % = 149,500
    first = yl_claim(factory, unit, wang, factory.receipt(huge), admitted=today() - 120 * DAY)
    assert first.suggested_amount == D("149500.00")
    second = yl_claim(factory, unit, wang, factory.receipt(huge), admitted=today() - 80 * DAY)
    assert second.suggested_amount == D("60500.00")  # what is left of 210,000
    assert second.medical_computation["capped"] is True
    assert any(r["code"] == "cap_reached" for r in second.eligibility)
    third = yl_claim(factory, unit, wang, factory.receipt("5000.00"), admitted=today() - 40 * DAY)
    assert third.suggested_amount == D("0.00")
    # A rejected claim frees its share of the cap: the third claim, checked again, gets it.
    to_city(factory, first)
    case_transition(case=first.case, action=Action.REJECT, actor=factory.city_reviewer(), reason="非住院")
    third = claim_update(actor=unit.agent, claim=third)[0]
    assert third.suggested_amount == D("2000.00")  # (5,000 − 1,000) × 50 %, the 起付线 is free again too


# --- the reviewer: within the cap, a reason for any change --------------------------------------------


def test_the_city_approves_the_computed_amount_and_the_timeline_says_it(factory, unit, wang):
    claim = city_approves(factory, to_city(factory, yl_claim(factory, unit, wang)))
    assert claim.case.status == Status.APPROVED and claim.approved_amount == D("1000.00")
    assert "核定给付金额 1,000.00 元" in claim.case.transitions.order_by("-pk").first().reason


def test_an_adjustment_needs_a_reason_and_stays_within_the_cap(factory, unit, wang):
    claim = to_city(factory, yl_claim(factory, unit, wang))
    city = factory.city_reviewer()
    with pytest.raises(DomainError, match="请在意见中填写调整原因"):
        city_approves(factory, claim, amount="900.00", city=city)
    with pytest.raises(DomainError, match=re.escape("最多可给付 210,000.00 元")):
        city_approves(factory, claim, amount="210000.01", reason="票据补充", city=city)
    assert claim.case.status == Status.IN_REVIEW
    claim = city_approves(factory, claim, amount="900.00", reason="一张票据含不予报销项目", city=city)
    assert claim.approved_amount == D("900.00")
    row = Transition.objects.filter(case=claim.case).order_by("-pk").first()
    assert row.reason.startswith("一张票据含不予报销项目；核定给付金额 900.00 元")
    assert "按规则计算 1,000.00 元" in row.reason


def test_the_cap_at_approval_is_what_is_left_after_the_members_other_claims(factory, unit, wang):
    huge = factory.receipt("300000.00")
    first = to_city(factory, yl_claim(factory, unit, wang, huge, admitted=today() - 120 * DAY))
    second = to_city(
        factory, yl_claim(factory, unit, wang, factory.receipt("300000.00"), admitted=today() - 80 * DAY)
    )
    third = to_city(
        factory, yl_claim(factory, unit, wang, factory.receipt("5000.00"), admitted=today() - 40 * DAY)
    )
    city = factory.city_reviewer()
    with pytest.raises(
        DomainError, match=re.escape("最多可给付 149,500.00 元")
    ):  # the second's 60,500 is taken
        city_approves(factory, first, amount="150000.00", reason="全部费用符合规定", city=city)
    city_approves(factory, first, city=city)
    with pytest.raises(DomainError, match=re.escape("最多可给付 60,500.00 元")):
        city_approves(factory, second, amount="60500.01", reason="x", city=city)
    assert city_approves(factory, second, city=city).approved_amount == D("60500.00")
    with pytest.raises(DomainError, match="限额已用完"):
        city_approves(factory, third, amount="1.00", reason="x", city=city)


# --- a receipt is paid once -----------------------------------------------------------------------------


def test_a_receipt_on_another_live_claim_is_refused_naming_only_that_claims_number(factory, unit, wang):
    first = yl_claim(factory, unit, wang, factory.receipt(number="88880001"))
    elsewhere = factory.approved_unit(org="市北区")
    other = factory.covered_member(elsewhere, plans={"YL": 1}, name="孙八", female=False)
    with pytest.raises(DomainError) as refused:
        yl_claim(factory, elsewhere, other, factory.receipt(number="88880001"))
    assert refused.value.code == ErrorCode.DUPLICATE
    assert refused.value.message == (
        f"票据 37020126-88880001 已在申请 {first.number} 中申请过（该申请未被不予给付或删除），"
        "同一张票据不能重复申请"
    )
    assert wang.name not in refused.value.message and unit.name not in refused.value.message
    assert Claim.objects.filter(member=other).count() == 0


def test_the_same_receipt_twice_in_one_claim_and_parts_that_do_not_add_up_are_refused(factory, unit, wang):
    with pytest.raises(DomainError, match="第2张票据：票据 37020126-1 在本申请中重复填写"):
        yl_claim(factory, unit, wang, factory.receipt(number="1"), factory.receipt(number="1"))
    bad = factory.receipt(total=D("9999.00"))
    with pytest.raises(
        DomainError, match=re.escape("第1张票据：医保统筹支付 + 乙类先行自付 + 自付 + 自费 = 8,500.00 元")
    ):
        yl_claim(factory, unit, wang, bad)
    with pytest.raises(DomainError, match="请至少填写一张医疗票据"):
        factory.claim(
            unit,
            wang,
            kind="medical",
            event_date=today() - 9 * DAY,
            discharge_date=today() - 2 * DAY,
            receipts=[],
        )
    assert Claim.objects.count() == 0


@pytest.mark.parametrize("ending", ["reject", "delete"])
def test_a_rejected_or_deleted_claim_frees_its_receipts(factory, unit, wang, ending):
    first = yl_claim(factory, unit, wang, factory.receipt(number="77770001"), admitted=today() - 90 * DAY)
    if ending == "reject":
        to_city(factory, first)
        case_transition(case=first.case, action=Action.REJECT, actor=factory.city_reviewer(), reason="重复")
    else:
        case_transition(case=first.case, action=Action.DELETE, actor=unit.agent)
    again = yl_claim(factory, unit, wang, factory.receipt(number="77770001"), admitted=today() - 40 * DAY)
    assert MedicalReceipt.objects.filter(number="77770001", is_active=True).get().claim == again


def test_the_database_refuses_a_second_live_receipt_when_the_check_is_bypassed(
    factory, unit, wang, monkeypatch
):
    first = yl_claim(factory, unit, wang, factory.receipt(number="66660001"), admitted=today() - 90 * DAY)
    monkeypatch.setattr(receipts_module, "receipts_taken", lambda pairs, exclude_claim=None: {})
    monkeypatch.setattr("claims.services.receipts_check_not_taken", lambda receipts, exclude_claim=None: None)
    with pytest.raises(IntegrityError):
        yl_claim(factory, unit, wang, factory.receipt(number="66660001"), admitted=today() - 40 * DAY)
    assert list(MedicalReceipt.objects.filter(number="66660001").values_list("claim", flat=True)) == [
        first.pk
    ]


@pytest.mark.django_db(transaction=True)
def test_two_claims_saved_at_once_with_the_same_receipt_exactly_one_wins(factory, monkeypatch):
    skip_unless_postgresql("two transactions can never be inside the receipt check at the same time")
    units = [factory.approved_unit(org="市南区"), factory.approved_unit(org="市北区")]
    members = [factory.covered_member(u, plans={"YL": 1}, name=f"会员{i}") for i, u in enumerate(units)]
    both_checked = threading.Barrier(2, timeout=20)
    real_check = receipts_module.receipts_check_not_taken

    def check_then_wait(*args, **kwargs):
        result = real_check(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread():
            both_checked.wait()
        return result

    monkeypatch.setattr("claims.services.receipts_check_not_taken", check_then_wait)
    results = run_at_once(
        *[
            lambda i=i: yl_claim(factory, units[i], members[i], factory.receipt(number="55550001"))
            for i in range(2)
        ]
    )
    winners = [r for r in results if isinstance(r, Claim)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], DomainError), repr(losers[0])
    assert losers[0].code == ErrorCode.DUPLICATE
    assert f"已在申请 {winners[0].number} 中申请过" in losers[0].message
    assert list(Claim.objects.values_list("pk", flat=True)) == [winners[0].pk]
    assert MedicalReceipt.objects.filter(number="55550001").count() == 1


# --- eligibility ---------------------------------------------------------------------------------------


def test_receipts_outside_the_stay_or_the_coverage_are_flagged_not_blocking(factory, unit):
    start = today() - 200 * DAY
    member = factory.covered_member(unit, plans={"YL": 1}, start=start, name="周九", female=False)
    admitted = today() - 30 * DAY
    claim = yl_claim(
        factory,
        unit,
        member,
        factory.receipt(issued_on=admitted - 3 * DAY),
        factory.receipt(issued_on=start - 5 * DAY),
        admitted=admitted,
    )
    codes = [r["code"] for r in claim.eligibility]
    assert codes.count("receipt_outside_stay") == 2 and codes.count("receipt_outside_coverage") == 1
    assert all(not r["blocking"] for r in claim.eligibility if r["code"].startswith("receipt_"))


def test_yl_must_be_in_force_on_the_admission_date(factory, unit):
    member = factory.covered_member(unit, plans={"YL": 1}, start=today() - 20 * DAY, name="吴十")
    with pytest.raises(DomainError, match="该会员在本单位没有在保的在职职工住院医疗互助保障"):
        yl_claim(factory, unit, member, admitted=today() - 30 * DAY)


def test_the_waiting_period_of_first_time_members_is_plan_data_and_renewals_keep_it(factory, unit):
    Plan.objects.filter(code="YL").update(waiting_days=90)
    new = factory.covered_member(unit, plans={"YL": 1}, start=today() - 60 * DAY, name="郑一")
    with pytest.raises(DomainError, match="处于等待期：在职职工住院医疗互助保障首次参保有90天等待期"):
        yl_claim(factory, unit, new, admitted=today() - 30 * DAY)
    renewed = factory.covered_member(unit, plans={"YL": 1}, start=today() - 60 * DAY, name="冯二")
    factory.coverage(renewed, unit, "YL", start=today() - 425 * DAY, end=today() - 61 * DAY)
    assert yl_claim(factory, unit, renewed, admitted=today() - 30 * DAY).suggested_amount == D("1000.00")


def test_the_filing_deadline_runs_from_the_discharge_date(factory, unit):
    member = factory.covered_member(
        unit, plans={"YL": 1}, start=today() - 800 * DAY, end=today() + 30 * DAY, name="陈三"
    )
    factory.coverage(member, unit, "YL", start=today() - 800 * DAY, end=today() + 30 * DAY)
    admitted = today() - 400 * DAY
    long_stay = yl_claim(factory, unit, member, admitted=admitted, days=60)  # discharged 340 days ago
    assert not any(r["code"] == "deadline" and not r["ok"] for r in long_stay.eligibility)
    with pytest.raises(DomainError, match="已超过申请时限：须在出院后365天内"):
        yl_claim(factory, unit, member, admitted=today() - 480 * DAY, days=10)


def test_an_overlapping_stay_of_the_same_member_is_refused_naming_the_other_claim(factory, unit, wang):
    first = yl_claim(factory, unit, wang, admitted=today() - 40 * DAY, days=10)
    with pytest.raises(DomainError, match=f"住院期间重叠的住院医疗保障金申请（申请编号 {first.number}）"):
        yl_claim(factory, unit, wang, admitted=today() - 35 * DAY, days=10)
    after = yl_claim(factory, unit, wang, admitted=today() - 29 * DAY, days=3)
    assert after.case.status == Status.DRAFT


def test_discharge_before_admission_is_refused(factory, unit, wang):
    with pytest.raises(DomainError, match="出院日期不能早于入院日期"):
        factory.claim(
            unit, wang, kind="medical", event_date=today() - 5 * DAY, discharge_date=today() - 9 * DAY
        )


# --- accident 医疗 ----------------------------------------------------------------------------------------


def test_an_accident_medical_claim_is_suggested_by_the_yw_medical_rule(factory, unit, wang):
    accident_day = today() - 20 * DAY
    claim = factory.claim(
        unit,
        wang,
        kind="accident",
        injury="medical",
        disability_grade=None,
        event_date=accident_day,
        receipts=[factory.receipt("1100.00", issued_on=accident_day), factory.receipt("500.00", number="2")],
    )
    assert claim.suggested_amount == D("2400.00")  # (1,600 − 100) × 80 % × 2份
    assert claim.medical_computation["cap"] == "20000.00"  # 10,000 per 份 per claim
    claim = to_city(factory, claim)
    claim = city_approves(factory, claim)
    assert claim.approved_amount == D("2400.00")


def test_an_accident_claim_of_another_injury_keeps_no_receipts(factory, unit, wang):
    claim = factory.claim(unit, wang, kind="accident", receipts=[factory.receipt()])
    assert claim.injury == "disability" and claim.receipts.count() == 0 and claim.medical_computation == {}


# --- 给付 ---------------------------------------------------------------------------------------------


def test_a_yl_claim_is_paid_by_finance_and_closes(factory, unit, wang):
    claim = city_approves(factory, to_city(factory, yl_claim(factory, unit, wang)))
    payout = claim_payout_record(
        actor=factory.finance(), claim=claim, paid_on=today(), bank_reference="YL20260001"
    )
    claim.case.refresh_from_db()
    assert payout.amount == D("1000.00") and claim.case.status == Status.CLOSED
