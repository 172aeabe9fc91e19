"""保障金申请 through the real services (manual §3, SPEC §7): 保存 with the eligibility rules, amounts,
the double-payment constraint (also raced on PostgreSQL), review district → city with the approved
amount, 材料待补充, 不予给付, 给付 → 已结案 exactly once, and who may see what."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from claims import services
from claims.models import Claim, ClaimLine, Payout
from claims.services import claim_create, claim_payout_record, claim_update
from core.errors import DomainError, ErrorCode, Incomplete, InvalidTransition, NotAllowed
from core.models import AuditLog
from plans.models import Disease, Plan
from review.engine import case_transition
from review.models import Action, Case, Status
from tests.concurrency import run_at_once, skip_unless_postgresql

DAY = datetime.timedelta(days=1)
NOT_COVERED = "该身份证号在您的单位没有参保记录，请核对会员身份证号"
DUPLICATE = "该会员同一计划同一事件已有未办结或已给付的申请，不能重复申请"


def today():
    return timezone.localdate()


def disease(plan_code, name):
    return Disease.objects.get(plan__code=plan_code, name=name)


@pytest.fixture
def unit(factory):
    return factory.approved_unit(org="市南区")


@pytest.fixture
def agent(unit):
    return unit.agent


@pytest.fixture
def li_mei(factory, unit):
    """Female, covered for a year through UNIT: 重大疾病 1份, 女职工 1份, 意外 2份."""
    return factory.covered_member(unit, name="李梅")


@pytest.fixture
def zhao_qiang(factory, unit):
    return factory.covered_member(unit, name="赵强", female=False)


@pytest.fixture
def shinan(factory):
    return factory.district_reviewer("市南区")


def submit(claim):
    return case_transition(case=claim.case, action=Action.SUBMIT, actor=claim.unit.agent)


def decide(claim, actor, action, *, reason="", amount=None):
    data = {} if amount is None else {"approved_amount": amount}
    return case_transition(case=claim.case, action=action, actor=actor, reason=reason, data=data)


def at_city(factory, claim, shinan):
    """Materials, 上报, 区县 通过 → 市总审核中."""
    factory.claim_materials(claim)
    submit(claim)
    return decide(claim, shinan, Action.APPROVE)


def approved(factory, claim, shinan, city, amount=None):
    at_city(factory, claim, shinan)
    claim.refresh_from_db()
    decide(claim, city, Action.APPROVE, amount=str(amount if amount is not None else claim.suggested_amount))
    claim.refresh_from_db()
    return claim


def pay(claim, finance, reference="BANK20260001"):
    return claim_payout_record(actor=finance, claim=claim, paid_on=today(), bank_reference=reference)


# --- 会员身份证号: only members covered in the agent's own units -------------------------------------


def test_an_id_not_covered_in_the_agents_units_is_refused_and_reveals_nothing(factory, agent):
    elsewhere = factory.approved_unit(org="市北区")
    stranger = factory.covered_member(elsewhere, name="王秀英")
    unknown_id = factory.person_id(datetime.date(1980, 1, 1), 222, region="370211")

    refusals = []
    for id_number in (stranger.id_number, unknown_id):
        with pytest.raises(DomainError) as error:
            claim_create(
                actor=agent,
                kind="illness",
                id_number=id_number,
                plan_choice="NG",
                disease=disease("NG", "原发性乳腺癌"),
                event_date=today() - 60 * DAY,
                hospital="青岛市立医院",
                payee_name="王秀英",
                payee_bank="中国银行",
                payee_account="6217000000000000",
            )
        refusals.append(error.value.message)

    # The same words whether the person is covered elsewhere or unknown: nothing leaks.
    assert refusals == [NOT_COVERED, NOT_COVERED]
    assert not Claim.objects.exists()
    assert not Case.objects.filter(kind="claim").exists()


def test_only_agents_file_claims(factory, unit, li_mei, city):
    with pytest.raises(NotAllowed, match="只有代办员可以申请保障金"):
        factory.claim(unit, li_mei, actor=city)


# --- 保存: amounts and the plans of a claim -----------------------------------------------------------


def test_a_womens_plan_claim_suggests_15000_per_share(factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)

    assert claim.case.status == Status.DRAFT
    assert claim.plan_choice == "NG"
    assert claim.suggested_amount == Decimal("15000.00")
    assert [(line.plan.code, line.shares) for line in claim.lines.all()] == [("NG", 1)]
    assert {r["code"] for r in claim.eligibility} >= {"in_force", "waiting_period", "disease_listed"}
    assert all(r["ok"] for r in claim.eligibility)


def test_an_in_situ_cancer_suggests_2000_per_share(factory, unit):
    member = factory.covered_member(unit, plans={"NG": 2})
    claim = factory.claim(unit, member, disease=disease("NG", "乳腺原位癌"))
    assert claim.suggested_amount == Decimal("4000.00")


def test_both_plans_for_a_disease_on_both_lists_suggest_both_schedules(factory, unit):
    member = factory.covered_member(unit, plans={"ZJ": 2, "NG": 1})
    claim = factory.claim(unit, member, plan_choice="BOTH", disease=disease("NG", "原发性乳腺癌"))

    # 重大疾病 10,000 × 2份 + 女职工 15,000 × 1份.
    assert claim.suggested_amount == Decimal("35000.00")
    lines = {line.plan.code: line for line in claim.lines.select_related("plan")}
    assert {code: (line.shares, line.suggested_amount) for code, line in lines.items()} == {
        "ZJ": (2, Decimal("20000.00")),
        "NG": (1, Decimal("15000.00")),
    }
    messages = [r["message"] for r in claim.eligibility]
    assert "“恶性肿瘤——重度”属于重大疾病互助保障保障病种" in messages
    assert "“原发性乳腺癌”属于女职工特殊疾病互助保障保障病种" in messages


def test_the_demo_shares_make_25000_for_both_plans(factory, unit, li_mei):
    claim = factory.claim(unit, li_mei, plan_choice="BOTH")
    assert claim.suggested_amount == Decimal("25000.00")


@pytest.mark.parametrize(
    ("plan_code", "name"), [("NG", "乳腺原位癌"), ("ZJ", "恶性肿瘤——重度"), ("NG", "侵蚀性葡萄胎")]
)
def test_both_plans_only_for_a_disease_that_counts_as_both(factory, unit, li_mei, plan_code, name):
    with pytest.raises(DomainError, match="“重疾\\+女工”只适用于同时属于两个计划保障范围的疾病"):
        factory.claim(unit, li_mei, plan_choice="BOTH", disease=disease(plan_code, name))
    assert not Claim.objects.exists()


@pytest.mark.parametrize("missing", ["ZJ", "NG"])
def test_both_plans_only_when_both_are_in_force_on_the_diagnosis_date(factory, unit, missing):
    plans = {"ZJ": 1, "NG": 1}
    del plans[missing]
    member = factory.covered_member(unit, plans=plans)
    event = today() - 60 * DAY
    name = {"ZJ": "重大疾病互助保障", "NG": "女职工特殊疾病互助保障"}[missing]

    with pytest.raises(DomainError) as error:
        factory.claim(unit, member, plan_choice="BOTH", event_date=event)

    assert error.value.message == f"不符合申请条件：{event:%Y-%m-%d}该会员在本单位没有在保的{name}"


def test_a_disease_of_the_other_plan_is_refused(factory, unit, li_mei):
    with pytest.raises(DomainError, match="“恶性肿瘤——重度”不在女职工特殊疾病互助保障的保障病种范围内"):
        factory.claim(unit, li_mei, plan_choice="NG", disease=disease("ZJ", "恶性肿瘤——重度"))


def test_the_womens_plan_refuses_a_man_even_if_covered(factory, unit):
    man = factory.covered_member(unit, plans={"NG": 1}, female=False, name="周杰")
    with pytest.raises(DomainError, match="女职工特殊疾病互助保障仅限女职工"):
        factory.claim(unit, man)


@pytest.mark.parametrize(
    ("injury", "grade", "expected"),
    [
        ("disability", 8, "6000.00"),
        ("disability", 1, "20000.00"),
        ("death", None, "20000.00"),
        ("medical", None, "4640.00"),  # the receipt's 个人自付 3,000: (3,000 − 起付线 100) × 80 % × 2份
    ],
)
def test_accident_amounts_follow_the_injury(factory, unit, zhao_qiang, injury, grade, expected):
    claim = factory.claim(unit, zhao_qiang, kind="accident", injury=injury, disability_grade=grade)

    assert claim.kind == Claim.Kind.ACCIDENT
    assert claim.suggested_amount == Decimal(expected)  # 10,000 × 2份 × grade percentage
    assert claim.disability_grade == grade


def test_an_accident_claim_needs_the_injury_and_a_grade_for_disability(factory, unit, zhao_qiang):
    with pytest.raises(DomainError, match="请选择伤情：死亡、伤残或医疗"):
        factory.claim(unit, zhao_qiang, kind="accident", injury="", disability_grade=None)
    with pytest.raises(DomainError, match="伤残请选择伤残等级（1–10级）"):
        factory.claim(unit, zhao_qiang, kind="accident", disability_grade=None)
    with pytest.raises(DomainError, match="意外伤害保障金申请的保障计划为意外伤害"):
        factory.claim(unit, zhao_qiang, kind="accident", plan_choice="ZJ")


def test_covered_through_two_of_the_agents_units_the_larger_share_count_pays(factory, unit, agent):
    second_unit = factory.approved_unit(agent=agent, org="市南区")
    member = factory.covered_member(unit, plans={"ZJ": 1})
    factory.coverage(member, second_unit, "ZJ", start=today() - 365 * DAY, end=today() + 30 * DAY, shares=2)

    claim = factory.claim(unit, member, plan_choice="ZJ", disease=disease("ZJ", "恶性肿瘤——重度"))

    in_force = next(r["message"] for r in claim.eligibility if r["code"] == "in_force")
    assert "重大疾病互助保障2份" in in_force
    # The amount, the line and the unit of the claim follow the same coverage as the rule's message.
    assert claim.suggested_amount == Decimal("20000.00")
    assert claim.lines.get().shares == 2
    assert claim.unit == second_unit


def test_a_claim_inside_the_waiting_period_is_refused_with_the_rules_message(factory, unit):
    start = today() - 30 * DAY
    member = factory.covered_member(unit, start=start)
    event = today() - 5 * DAY

    with pytest.raises(DomainError) as error:
        factory.claim(unit, member, event_date=event)

    waiting_end = start + 60 * DAY
    assert error.value.message == (
        f"不符合申请条件：处于等待期：女职工特殊疾病互助保障首次参保有60天等待期（自{start:%Y-%m-%d}起，"
        f"{waiting_end:%Y-%m-%d}及以后确诊/出险方可申请）"
    )
    assert not Claim.objects.exists() and not Case.objects.filter(kind="claim").exists()


def test_a_renewal_in_another_unit_without_gap_waives_the_waiting_period(factory, unit):
    member = factory.covered_member(unit, plans={"ZJ": 1}, start=today() - 20 * DAY)
    before = factory.approved_unit(org="市北区")
    factory.coverage(member, before, "ZJ", start=today() - 400 * DAY, end=today() - 21 * DAY)

    claim = factory.claim(
        unit,
        member,
        plan_choice="ZJ",
        disease=disease("ZJ", "较重急性心肌梗死"),
        event_date=today() - 10 * DAY,
    )

    assert claim.unit == unit
    waiting = next(r for r in claim.eligibility if r["code"] == "waiting_period")
    assert waiting["ok"], waiting


def test_a_late_claim_is_saved_with_the_deadline_warning(factory, unit):
    member = factory.covered_member(unit, start=today() - 700 * DAY, end=today() + 30 * DAY)
    claim = factory.claim(unit, member, event_date=today() - 350 * DAY)
    warning = next(r for r in claim.eligibility if r["code"] == "deadline")
    assert (warning["ok"], warning["blocking"]) == (True, False)


def test_an_event_after_today_is_refused(factory, unit, li_mei):
    with pytest.raises(DomainError, match="诊断/出险时间不能晚于今天"):
        factory.claim(unit, li_mei, event_date=today() + DAY)


def test_claim_update_runs_the_same_checks(factory, unit, agent, li_mei):
    claim = factory.claim(unit, li_mei)

    claim, _results = claim_update(actor=agent, claim=claim, plan_choice="BOTH", hospital=" 青岛市中心医院 ")
    assert (claim.plan_choice, claim.hospital, claim.suggested_amount) == (
        "BOTH",
        "青岛市中心医院",
        Decimal("25000.00"),
    )
    assert sorted(ClaimLine.objects.filter(claim=claim).values_list("plan__code", flat=True)) == ["NG", "ZJ"]
    assert Case.objects.get(pk=claim.case_id).title.startswith("李梅 重疾+女工")

    with pytest.raises(DomainError, match="诊断/出险时间不能晚于今天"):
        claim_update(actor=agent, claim=claim, event_date=today() + DAY)
    with pytest.raises(NotAllowed):
        claim_update(actor=factory.agent(), claim=claim, hospital="别的医院")
    claim.refresh_from_db()
    assert claim.hospital == "青岛市中心医院"


# --- the same member + plan + event is never claimed (or paid) twice ---------------------------------


def test_a_second_claim_for_the_same_event_is_refused_by_the_rule(factory, unit, li_mei):
    first = factory.claim(unit, li_mei)
    with pytest.raises(DomainError) as error:
        factory.claim(unit, li_mei)
    assert (
        "该会员同一计划同一事件已有未办结或已给付的女职工特殊疾病互助保障申请，不能重复申请"
        in error.value.message
    )
    assert list(Claim.objects.all()) == [first]

    # 重疾+女工 overlaps the open 女工 claim of the same day.
    with pytest.raises(DomainError, match="已有未办结或已给付的女职工特殊疾病互助保障申请"):
        factory.claim(unit, li_mei, plan_choice="BOTH")
    # Another diagnosis date is another event.
    assert factory.claim(unit, li_mei, event_date=today() - 61 * DAY).pk != first.pk


def test_the_database_refuses_two_active_lines_for_the_same_member_plan_and_event(factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)
    line = claim.lines.get()
    twin = {"claim": claim, "member": li_mei, "plan": line.plan, "event_date": line.event_date, "shares": 1}

    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.create(**twin)

    ClaimLine.objects.create(**twin, is_active=False)  # a rejected or deleted claim does not count
    ClaimLine.objects.create(**{**twin, "event_date": line.event_date - DAY})
    ClaimLine.objects.create(**{**twin, "plan": Plan.objects.get(code="ZJ")})
    assert ClaimLine.objects.filter(member=li_mei, is_active=True, event_date=line.event_date).count() == 2


def test_when_the_rule_is_bypassed_the_constraint_still_refuses_and_nothing_is_left(
    factory, unit, li_mei, monkeypatch
):
    factory.claim(unit, li_mei)
    monkeypatch.setattr(services, "active_claims_for_event", lambda *args, **kwargs: {})

    with pytest.raises(DomainError) as error:
        factory.claim(unit, li_mei)

    assert (error.value.message, error.value.code) == (DUPLICATE, ErrorCode.DUPLICATE)
    assert Claim.objects.count() == 1
    assert Case.objects.filter(kind="claim").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_agents_saving_the_same_event_at_once_exactly_one_succeeds(factory, monkeypatch):
    skip_unless_postgresql("two transactions can never be inside the double-payment check at the same time")
    unit = factory.approved_unit(org="市南区")
    member = factory.covered_member(unit, name="李梅")
    # Hold both transactions after the eligibility check (both saw no other claim) until both got there.
    both_checked = threading.Barrier(2, timeout=20)
    real_check = services.check_eligibility

    def check_then_wait(*args, **kwargs):
        result = real_check(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread():
            both_checked.wait()
        return result

    monkeypatch.setattr(services, "check_eligibility", check_then_wait)
    results = run_at_once(*[lambda i=i: factory.claim(unit, member, hospital=f"医院{i}") for i in range(2)])

    winners = [r for r in results if isinstance(r, Claim)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], DomainError), repr(losers[0])
    assert (losers[0].message, losers[0].code) == (DUPLICATE, ErrorCode.DUPLICATE)
    assert list(Claim.objects.values_list("pk", flat=True)) == [winners[0].pk]
    assert ClaimLine.objects.filter(member=member, is_active=True).count() == 1
    assert Case.objects.filter(kind="claim").count() == 1


# --- review: district → city; 材料待补充; 不予给付 -------------------------------------------------------


def test_required_materials_are_enforced_at_submission_with_the_missing_list(factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)

    with pytest.raises(Incomplete) as error:
        submit(claim)
    assert error.value.message == "请先上传以下材料后再上报：入院记录、病理报告、出院记录"

    factory.claim_materials(claim, ["admission", "surgery"])
    with pytest.raises(Incomplete, match=r"请先上传以下材料后再上报：病理报告、出院记录$"):
        submit(claim)
    factory.claim_materials(claim, ["pathology", "discharge"])
    case = submit(claim)
    assert (case.status, case.status_label) == (Status.IN_REVIEW, "区县审核中")


def test_an_accident_disability_claim_also_needs_the_assessment(factory, unit, zhao_qiang):
    claim = factory.claim(unit, zhao_qiang, kind="accident")
    with pytest.raises(Incomplete) as error:
        submit(claim)
    assert error.value.message == "请先上传以下材料后再上报：事故证明、诊断证明或病历、伤残鉴定书"

    factory.claim_materials(claim, ["accident_proof", "diagnosis"])
    with pytest.raises(Incomplete, match=r"：伤残鉴定书$"):
        submit(claim)
    factory.claim_materials(claim, ["disability_assessment"])
    assert submit(claim).status == Status.IN_REVIEW


def test_eligibility_is_checked_again_at_submission(factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)
    factory.claim_materials(claim)
    Claim.objects.filter(pk=claim.pk).update(event_date=today() + DAY)  # e.g. data changed since 保存

    with pytest.raises(Incomplete, match="不符合申请条件：诊断/出险时间不能晚于今天"):
        submit(claim)


def test_the_city_cannot_act_at_the_district_step(factory, unit, li_mei, city):
    claim = factory.claim(unit, li_mei)
    factory.claim_materials(claim)
    submit(claim)

    with pytest.raises(NotAllowed, match="该业务当前不在您的审核环节，不能操作"):
        decide(claim, city, Action.APPROVE, amount="15000")
    claim.refresh_from_db()
    assert claim.case.status_label == "区县审核中"
    assert claim.approved_amount is None


def test_the_city_must_enter_the_approved_amount(factory, unit, li_mei, shinan, city):
    claim = factory.claim(unit, li_mei)
    case = at_city(factory, claim, shinan)
    assert case.status_label == "市总审核中"

    for data, message in (
        ({}, "请填写核定给付金额（元）后再通过"),
        ({"approved_amount": "  "}, "请填写核定给付金额（元）后再通过"),
        (
            {"approved_amount": "一万五"},
            "核定给付金额格式不正确：请只填写数字，最多两位小数，如 10000 或 10000.50",
        ),
        ({"approved_amount": "-1"}, "核定给付金额不能为负数"),
        (
            {"approved_amount": "1e20"},
            "核定给付金额格式不正确：请只填写数字，最多两位小数，如 10000 或 10000.50",
        ),
        (
            {"approved_amount": "NaN"},
            "核定给付金额格式不正确：请只填写数字，最多两位小数，如 10000 或 10000.50",
        ),
        ({"approved_amount": "100.123"}, "核定给付金额最多保留两位小数（到分）"),
        (
            {"approved_amount": "15000.01"},
            "核定给付金额 15,000.01 元超过上限：按该会员所参份数和给付标准，最多可给付 15,000.00 元",
        ),
    ):
        with pytest.raises(DomainError) as error:
            case_transition(case=claim.case, action=Action.APPROVE, actor=city, data=data)
        assert error.value.message == message
    claim.refresh_from_db()
    assert (claim.case.status_label, claim.approved_amount) == ("市总审核中", None)

    case = case_transition(
        case=claim.case, action=Action.APPROVE, actor=city, data={"approved_amount": "14,500.5"}
    )
    claim.refresh_from_db()
    assert (case.status, case.status_label) == (Status.APPROVED, "审核通过")
    assert claim.approved_amount == Decimal("14500.50")
    decision = case.transitions.order_by("-id").first()
    assert decision.reason == "核定给付金额 14,500.50 元"  # the amount is in the timeline
    log = AuditLog.objects.get(verb="claim_approved_amount")
    assert log.changes == {
        "approved_amount": [None, "14500.50"],
        "suggested_amount": "15000.00",
        "cap": "15000.00",
    }


def test_the_district_approves_without_an_amount(factory, unit, li_mei, shinan):
    claim = factory.claim(unit, li_mei)
    case = at_city(factory, claim, shinan)
    claim.refresh_from_db()
    assert case.status_label == "市总审核中" and claim.approved_amount is None


def test_a_return_means_materials_needed_and_the_agent_edits_adds_and_resubmits(
    factory, unit, agent, li_mei, shinan, city
):
    claim = factory.claim(unit, li_mei)
    at_city(factory, claim, shinan)

    with pytest.raises(DomainError, match="请填写退回原因"):
        decide(claim, city, Action.RETURN)
    case = decide(claim, city, Action.RETURN, reason="病理报告不清晰，请补充")

    assert (case.status, case.status_label) == (Status.NEEDS_MATERIALS, "材料待补充")
    assert case.last_return_reason == "病理报告不清晰，请补充"
    assert case.is_editable
    claim_update(actor=agent, claim=claim, hospital="青岛大学附属医院（崂山院区）")
    factory.claim_materials(claim, ["pathology"])
    case = submit(claim)
    assert (case.status_label, case.last_return_reason) == ("区县审核中", "")
    assert claim.case.materials.filter(slot="pathology", removed_at__isnull=True).count() == 2


def test_rejection_is_final_and_frees_the_event_for_a_new_claim(factory, unit, li_mei, shinan):
    claim = factory.claim(unit, li_mei)
    factory.claim_materials(claim)
    submit(claim)

    with pytest.raises(DomainError, match="请填写不予给付的原因"):
        decide(claim, shinan, Action.REJECT)
    case = decide(claim, shinan, Action.REJECT, reason="不属于保障范围")

    assert (case.status, case.status_label) == (Status.REJECTED, "不予给付")
    assert not ClaimLine.objects.filter(claim=claim, is_active=True).exists()
    with pytest.raises(InvalidTransition, match="当前状态为“不予给付”，不能上报"):
        submit(claim)
    with pytest.raises(InvalidTransition):
        claim_update(actor=unit.agent, claim=claim, hospital="x")

    again = factory.claim(unit, li_mei)  # same member, plan and diagnosis date
    assert again.pk != claim.pk and again.lines.get().is_active


def test_deleting_a_draft_frees_the_event(factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)
    case_transition(case=claim.case, action=Action.DELETE, actor=unit.agent)
    assert factory.claim(unit, li_mei).pk != claim.pk


# --- 给付 → 已结案, once ------------------------------------------------------------------------------


def test_the_payout_closes_the_claim_once(factory, unit, li_mei, shinan, city, finance):
    claim = approved(factory, factory.claim(unit, li_mei, plan_choice="BOTH"), shinan, city)
    assert claim.approved_amount == Decimal("25000.00")

    payout = pay(claim, finance)

    claim.refresh_from_db()
    assert (claim.case.status, claim.case.status_label) == (Status.CLOSED, "已结案")
    assert (payout.amount, payout.bank_reference, payout.recorded_by) == (
        Decimal("25000.00"),
        "BANK20260001",
        finance,
    )
    last = claim.case.transitions.last()
    assert (last.action, last.to_label) == (Action.RECORD_PAYOUT, "已结案")
    assert last.reason == "给付 25,000.00 元，流水号 BANK20260001"

    with pytest.raises(InvalidTransition) as error:
        pay(claim, finance, "BANK20260002")
    assert error.value.message == "该申请已记录给付并结案，无需重复给付"
    assert Payout.objects.filter(claim=claim).count() == 1
    # Paid: the event stays taken.
    with pytest.raises(DomainError, match="已有未办结或已给付"):
        factory.claim(unit, li_mei)


def test_no_payout_before_the_city_approves(factory, unit, li_mei, shinan, finance):
    claim = factory.claim(unit, li_mei)
    at_city(factory, claim, shinan)
    with pytest.raises(InvalidTransition, match="当前状态为“市总审核中”，不能给付"):
        pay(claim, finance)
    assert not Payout.objects.exists()


def test_the_payout_needs_a_reference_and_a_date_not_in_the_future(
    factory, unit, li_mei, shinan, city, finance
):
    claim = approved(factory, factory.claim(unit, li_mei), shinan, city)
    with pytest.raises(DomainError, match="请填写银行流水号"):
        pay(claim, finance, " ")
    with pytest.raises(DomainError, match="给付日期不能晚于今天"):
        claim_payout_record(actor=finance, claim=claim, paid_on=today() + DAY, bank_reference="B1")
    assert not Payout.objects.exists()
    assert Claim.objects.get(pk=claim.pk).case.status == Status.APPROVED


def test_only_finance_records_payouts(factory, unit, li_mei, shinan, city):
    claim = approved(factory, factory.claim(unit, li_mei), shinan, city)
    with pytest.raises(NotAllowed):
        pay(claim, city)
    assert not Payout.objects.exists()


def test_the_payout_screen_records_once_and_refuses_the_second_post(
    factory, unit, li_mei, shinan, city, finance
):
    claim = approved(factory, factory.claim(unit, li_mei), shinan, city, amount="15000")
    client = Client()
    client.force_login(finance)
    assert "李梅" in client.get("/billing/payouts/").text

    form = {"paid_on": today().isoformat(), "bank_reference": "BANK-77"}
    first = client.post(f"/billing/payouts/{claim.pk}/", form, follow=True)
    assert "已记录给付：李梅 15,000.00 元，已结案" in first.text
    assert "暂无待给付的保障金" in first.text

    second = client.post(f"/billing/payouts/{claim.pk}/", form)
    assert second.status_code == 200
    assert "该申请已记录给付并结案，无需重复给付" in second.text
    assert Payout.objects.filter(claim=claim).count() == 1

    agent = Client()
    agent.force_login(unit.agent)
    detail = agent.get(f"/claims/{claim.pk}/")
    assert "已结案" in detail.text and "BANK-77" in detail.text


@pytest.mark.django_db(transaction=True)
def test_two_payouts_recorded_at_once_pay_once(factory):
    skip_unless_postgresql("two transactions can never be inside the double-payment check at the same time")
    unit = factory.approved_unit(org="市南区")
    claim = factory.claim(unit, factory.covered_member(unit))
    claim = approved(factory, claim, factory.district_reviewer("市南区"), factory.city_reviewer())
    cashiers = [factory.finance(), factory.finance()]
    results = run_at_once(*[lambda i=i: pay(claim, cashiers[i], f"BANK{i}") for i in range(2)])

    assert sum(isinstance(r, Payout) for r in results) == 1, results
    (loser,) = [r for r in results if isinstance(r, Exception)]
    assert isinstance(loser, InvalidTransition) and loser.message == "该申请已记录给付并结案，无需重复给付"
    assert Payout.objects.filter(claim=claim).count() == 1
    assert Claim.objects.get(pk=claim.pk).case.status == Status.CLOSED


# --- who sees what: other agents and other districts get 404 -----------------------------------------


def test_a_reviewer_of_another_district_gets_404(factory, unit, li_mei, shinan):
    claim = factory.claim(unit, li_mei)
    factory.claim_materials(claim)
    submit(claim)
    shibei, own = Client(), Client()
    shibei.force_login(factory.district_reviewer("市北区"))
    own.force_login(shinan)

    assert shibei.get(f"/review/cases/{claim.case_id}/").status_code == 404
    assert shibei.get(f"/claims/{claim.pk}/").status_code == 404
    assert (
        shibei.post(f"/review/cases/{claim.case_id}/decide/", {"action": "approve", "version": 2}).status_code
        == 404
    )
    assert "李梅" not in shibei.get("/review/").text

    page = own.get(f"/review/cases/{claim.case_id}/")
    assert page.status_code == 200
    assert "资格审核（按当前数据）" in page.text
    assert 'name="approved_amount"' not in page.text  # only the city sets the amount


def test_drafts_are_invisible_to_reviewers(factory, unit, li_mei, shinan):
    claim = factory.claim(unit, li_mei)
    client = Client()
    client.force_login(shinan)
    assert client.get(f"/review/cases/{claim.case_id}/").status_code == 404
