"""The review engine (review.engine): the transition table, the chains, the actors, the timeline."""

import itertools
import os
import re
from pathlib import Path

import pytest
from django.db.models import F

from core.errors import ConcurrentChange, DomainError, Incomplete, InvalidTransition, NotAllowed
from review import engine
from review.engine import TRANSITIONS, case_transition, steps_ahead
from review.models import Action, BusinessKind, Case, Status, Transition
from review.tests.conftest import case_state

KIND = BusinessKind
# Every allowed (status, action) pair, the business whose chain allows it and the status it leads to.
ALLOWED = {
    (Status.DRAFT, Action.SUBMIT): (KIND.UNIT_REGISTRATION, Status.IN_REVIEW),
    (Status.RETURNED, Action.SUBMIT): (KIND.UNIT_REGISTRATION, Status.IN_REVIEW),
    (Status.NEEDS_MATERIALS, Action.SUBMIT): (KIND.CLAIM, Status.IN_REVIEW),
    (Status.DRAFT, Action.DELETE): (KIND.UNIT_REGISTRATION, Status.DELETED),
    (Status.IN_REVIEW, Action.APPROVE): (KIND.UNIT_REGISTRATION, Status.IN_REVIEW),
    (Status.IN_REVIEW, Action.RETURN): (KIND.UNIT_REGISTRATION, Status.RETURNED),
    (Status.IN_REVIEW, Action.REJECT): (KIND.CLAIM, Status.REJECTED),
    (Status.APPROVED, Action.CONFIRM_PAYMENT): (KIND.ENROLLMENT, Status.EFFECTIVE),
    (Status.APPROVED, Action.RECORD_PAYOUT): (KIND.CLAIM, Status.CLOSED),
    (Status.APPROVED, Action.VOID): (KIND.ENROLLMENT, Status.VOIDED),
}
# The business used to reach a status when testing a forbidden pair.
KIND_FOR_STATUS = {
    Status.DRAFT: KIND.UNIT_REGISTRATION,
    Status.IN_REVIEW: KIND.UNIT_REGISTRATION,
    Status.RETURNED: KIND.UNIT_REGISTRATION,
    Status.NEEDS_MATERIALS: KIND.CLAIM,
    Status.APPROVED: KIND.CLAIM,
    Status.REJECTED: KIND.CLAIM,
    Status.EFFECTIVE: KIND.ENROLLMENT,
    Status.CLOSED: KIND.CLAIM,
    Status.VOIDED: KIND.ENROLLMENT,
    Status.DELETED: KIND.UNIT_REGISTRATION,
}
ALL_PAIRS = list(itertools.product(Status, Action))
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]


def pair_id(pair):
    return f"{pair[0].value}-{pair[1].value}"


def test_the_allowed_table_is_exactly_what_these_tests_cover():
    assert set(TRANSITIONS) == set(ALLOWED)
    for pair, (_kind, to_status) in ALLOWED.items():
        assert to_status in TRANSITIONS[pair]


# --- the whole table: every (status × action) -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("pair", list(ALLOWED), ids=pair_id)
def test_every_allowed_transition_succeeds_for_the_right_actor(cases, pair):
    status, action = pair
    kind, to_status = ALLOWED[pair]
    case = cases.in_status(status, kind)
    actor = cases.actor_for(case, action)
    before = case_state(case)

    result = cases.act(case, action)

    assert result.status == to_status
    assert result.version == before["version"] + 1
    assert case.transitions.count() == before["transitions"] + 1
    row = case.transitions.last()
    assert (row.action, row.actor, row.from_status, row.to_status) == (action, actor, status, to_status)


@pytest.mark.django_db
@pytest.mark.parametrize("pair", FORBIDDEN, ids=pair_id)
def test_every_other_transition_is_refused_and_changes_nothing(cases, pair):
    status, action = pair
    case = cases.in_status(status, KIND_FOR_STATUS[status])
    before = case_state(case)

    with pytest.raises(InvalidTransition) as error:
        case_transition(case=case, action=action, actor=cases.actor_for(case, action), reason="理由")

    assert (
        error.value.message == f"当前状态为“{Case.objects.get(pk=case.pk).status_label}”，不能{action.label}"
    )
    assert case_state(case) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action", "kind", "message"),
    [
        (Status.IN_REVIEW, Action.REJECT, KIND.UNIT_REGISTRATION, "单位注册不能不予给付，只能通过或退回"),
        (Status.IN_REVIEW, Action.REJECT, KIND.ENROLLMENT, "参保申请不能不予给付，只能通过或退回"),
        (Status.APPROVED, Action.CONFIRM_PAYMENT, KIND.UNIT_REGISTRATION, "单位注册没有“收款确认”这一步"),
        (Status.APPROVED, Action.CONFIRM_PAYMENT, KIND.CLAIM, "保障金申请没有“收款确认”这一步"),
        (Status.APPROVED, Action.RECORD_PAYOUT, KIND.ENROLLMENT, "参保申请没有“给付”这一步"),
        (Status.APPROVED, Action.VOID, KIND.CLAIM, "保障金申请没有缴费通知单，不能作废"),
        (Status.APPROVED, Action.VOID, KIND.UNIT_REGISTRATION, "单位注册没有缴费通知单，不能作废"),
    ],
)
def test_a_table_move_that_the_business_chain_does_not_have_is_refused(cases, status, action, kind, message):
    case = cases.in_status(status, kind)
    before = case_state(case)

    with pytest.raises(InvalidTransition, match=message):
        case_transition(case=case, action=action, actor=cases.actor_for(case, action), reason="理由")

    assert case_state(case) == before


# Who may act: the case's agent submits and deletes; the reviewer of the current step decides;
# finance settles. Everyone else — including a superuser administrator — is refused.
ACTORS = ["own_agent", "other_agent", "市南区", "市北区", "city", "finance", "admin"]
RIGHT_ACTOR = {
    (Status.DRAFT, Action.SUBMIT): "own_agent",
    (Status.RETURNED, Action.SUBMIT): "own_agent",
    (Status.NEEDS_MATERIALS, Action.SUBMIT): "own_agent",
    (Status.DRAFT, Action.DELETE): "own_agent",
    (Status.IN_REVIEW, Action.APPROVE): "市南区",  # a 市南区 unit at the district step
    (Status.IN_REVIEW, Action.RETURN): "市南区",
    (Status.IN_REVIEW, Action.REJECT): "市南区",
    (Status.APPROVED, Action.CONFIRM_PAYMENT): "finance",
    (Status.APPROVED, Action.RECORD_PAYOUT): "finance",
    (Status.APPROVED, Action.VOID): "finance",
}
WRONG_ACTORS = [(pair, who) for pair in ALLOWED for who in ACTORS if who != RIGHT_ACTOR[pair]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pair", "who"), WRONG_ACTORS, ids=lambda v: pair_id(v) if isinstance(v, tuple) else v
)
def test_an_allowed_transition_is_refused_for_anyone_but_the_right_actor(cases, factory, pair, who):
    status, action = pair
    kind, _ = ALLOWED[pair]
    case = cases.in_status(status, kind)
    actor = {
        "own_agent": lambda: case.unit.agent,
        "other_agent": lambda: factory.agent(name="赵六"),
    }.get(who, lambda: cases.staff(who))()
    before = case_state(case)

    with pytest.raises(NotAllowed):
        case_transition(case=case, action=action, actor=actor, reason="理由")

    assert case_state(case) == before


# --- the chains ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_district_unit_goes_district_then_city_then_approved(cases, factory):
    case = cases.new(org="市南区")
    shinan, city = factory.district_reviewer("市南区"), factory.city_reviewer()

    case = case_transition(case=case, action=Action.SUBMIT, actor=case.unit.agent)
    assert (case.status, case.status_label, case.org.name) == (Status.IN_REVIEW, "区县审核中", "市南区")

    case = case_transition(case=case, action=Action.APPROVE, actor=shinan)
    assert (case.status, case.status_label) == (Status.IN_REVIEW, "市总审核中")
    assert case.decided_at is None

    case = case_transition(case=case, action=Action.APPROVE, actor=city)
    assert (case.status, case.status_label, case.current_step) == (Status.APPROVED, "审核通过", None)
    assert case.decided_at is not None
    case.unit.refresh_from_db()
    assert case.unit.approved_at is not None
    assert [(t.from_label, t.to_label) for t in case.transitions.all()] == [
        ("草稿", "区县审核中"),
        ("区县审核中", "市总审核中"),
        ("市总审核中", "审核通过"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("org", ["市直企业", "市直事业单位", "市直机关单位"])
def test_a_city_direct_unit_goes_straight_to_the_city_step(cases, factory, org):
    case = cases.new(org=org)

    case = case_transition(case=case, action=Action.SUBMIT, actor=case.unit.agent)
    assert (case.status_label, case.current_step.name) == ("市总审核中", "市总审核")

    case = case_transition(case=case, action=Action.APPROVE, actor=factory.city_reviewer())
    assert case.status == Status.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_a_reason_is_refused_and_changes_nothing(cases, reason):
    case = cases.in_status(Status.IN_REVIEW)
    before = case_state(case)

    with pytest.raises(DomainError, match="请填写退回原因"):
        case_transition(case=case, action=Action.RETURN, actor=cases.reviewer_for(case), reason=reason)

    assert case_state(case) == before


@pytest.mark.django_db
def test_reject_without_a_reason_is_refused(cases):
    case = cases.in_status(Status.IN_REVIEW, KIND.CLAIM)
    before = case_state(case)

    with pytest.raises(DomainError, match="请填写不予给付的原因"):
        case_transition(case=case, action=Action.REJECT, actor=cases.reviewer_for(case))

    assert case_state(case) == before


@pytest.mark.django_db
def test_return_sets_returned_with_the_reason(cases):
    case = cases.in_status(Status.IN_REVIEW)

    case = case_transition(
        case=case, action=Action.RETURN, actor=cases.reviewer_for(case), reason=" 缺少批复文件 "
    )

    assert (case.status, case.status_label, case.current_step) == (Status.RETURNED, "退回", None)
    assert case.last_return_reason == "缺少批复文件"
    assert case.transitions.last().reason == "缺少批复文件"


@pytest.mark.django_db
def test_a_returned_claim_waits_for_materials(cases):
    case = cases.in_status(Status.IN_REVIEW, KIND.CLAIM)

    case = case_transition(
        case=case, action=Action.RETURN, actor=cases.reviewer_for(case), reason="缺病理报告"
    )

    assert (case.status, case.status_label, case.last_return_reason) == (
        Status.NEEDS_MATERIALS,
        "材料待补充",
        "缺病理报告",
    )


@pytest.mark.django_db
def test_a_returned_item_submitted_again_restarts_at_step_one(cases, factory):
    case = cases.in_status(Status.IN_REVIEW)
    case = case_transition(case=case, action=Action.APPROVE, actor=cases.reviewer_for(case))
    assert case.status_label == "市总审核中"
    case = case_transition(case=case, action=Action.RETURN, actor=cases.staff("city"), reason="名称有误")

    case = case_transition(case=case, action=Action.SUBMIT, actor=case.unit.agent)

    assert (case.status, case.status_label, case.current_step.position) == (Status.IN_REVIEW, "区县审核中", 1)
    assert case.last_return_reason == ""
    with pytest.raises(NotAllowed):
        case_transition(case=case, action=Action.APPROVE, actor=cases.staff("city"))
    case = case_transition(case=case, action=Action.APPROVE, actor=cases.staff("市南区"))
    assert case.status_label == "市总审核中"


@pytest.mark.django_db
def test_a_resubmitted_unit_is_routed_by_its_new_parent_org(cases, factory):
    from units.services import unit_update_registration

    case = cases.in_status(Status.RETURNED, org="市南区")
    unit = case.unit
    fields = {f: getattr(unit, f) for f in ("name", "credit_code", "nature", "address", "contact_phone")}
    fields.update(
        employee_count=unit.employee_count,
        union_name=unit.union_name,
        merge_history=unit.merge_history,
        parent_org=factory.org("市北区"),
    )
    unit_update_registration(actor=unit.agent, unit=unit, **fields)

    case = case_transition(case=case, action=Action.SUBMIT, actor=unit.agent)

    assert case.org.name == "市北区"
    with pytest.raises(NotAllowed):
        case_transition(case=case, action=Action.APPROVE, actor=cases.staff("市南区"))
    case = case_transition(case=case, action=Action.APPROVE, actor=cases.staff("市北区"))
    assert case.status_label == "市总审核中"


@pytest.mark.django_db
def test_a_reviewer_of_another_district_cannot_act(cases):
    case = cases.in_status(Status.IN_REVIEW, org="市南区")
    before = case_state(case)

    for action in (Action.APPROVE, Action.RETURN):
        with pytest.raises(NotAllowed, match="该业务当前不在您的审核环节，不能操作"):
            case_transition(case=case, action=action, actor=cases.staff("市北区"), reason="理由")

    assert case_state(case) == before


@pytest.mark.django_db
def test_the_city_reviewer_cannot_act_at_the_district_step(cases):
    case = cases.in_status(Status.IN_REVIEW)
    before = case_state(case)

    with pytest.raises(NotAllowed, match="该业务当前不在您的审核环节，不能操作"):
        case_transition(case=case, action=Action.APPROVE, actor=cases.staff("city"))

    assert case_state(case) == before


@pytest.mark.django_db
def test_the_district_reviewer_cannot_act_at_the_city_step(cases):
    case = cases.in_status(Status.IN_REVIEW)
    case = case_transition(case=case, action=Action.APPROVE, actor=cases.staff("市南区"))
    before = case_state(case)

    with pytest.raises(NotAllowed, match="该业务当前不在您的审核环节，不能操作"):
        case_transition(case=case, action=Action.APPROVE, actor=cases.staff("市南区"))

    assert case_state(case) == before


@pytest.mark.django_db
def test_another_agent_cannot_submit_my_unit(cases, factory):
    case = cases.new()

    with pytest.raises(NotAllowed, match="您无权对该业务执行“上报”"):
        case_transition(case=case, action=Action.SUBMIT, actor=factory.agent(name="孙七"))

    assert Case.objects.get(pk=case.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_submit_without_the_required_materials_is_refused(factory):
    case = factory.unit(materials=False).registration_case
    before = case_state(case)

    with pytest.raises(Incomplete, match="请先上传以下材料后再上报：批复文件、法人资格证书"):
        case_transition(case=case, action=Action.SUBMIT, actor=case.unit.agent)

    assert case_state(case) == before


@pytest.mark.django_db
def test_deleting_a_draft_marks_the_unit_deleted(cases):
    case = cases.new()

    case = case_transition(case=case, action=Action.DELETE, actor=case.unit.agent)

    assert case.status == Status.DELETED
    case.unit.refresh_from_db()
    assert case.unit.deleted_at is not None


# --- concurrency guard ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_expected_version_raises_concurrent_change_and_changes_nothing(cases):
    case = cases.in_status(Status.IN_REVIEW)
    seen = case.version
    case_transition(case=case, action=Action.APPROVE, actor=cases.staff("市南区"), expected_version=seen)
    before = case_state(case)

    with pytest.raises(ConcurrentChange) as error:
        case_transition(case=case, action=Action.APPROVE, actor=cases.staff("city"), expected_version=seen)

    assert error.value.message == "该业务已被他人处理，当前状态为“市总审核中”，请刷新后查看"
    assert case_state(case) == before


@pytest.mark.django_db
def test_the_current_expected_version_is_accepted(cases):
    case = cases.in_status(Status.IN_REVIEW)

    case = case_transition(
        case=case, action=Action.APPROVE, actor=cases.staff("市南区"), expected_version=case.version
    )

    assert case.status_label == "市总审核中"


@pytest.mark.django_db
def test_a_lost_conditional_update_raises_concurrent_change(cases, monkeypatch):
    """Someone else's commit between our read and our UPDATE: zero rows change, nothing is written."""
    case = cases.in_status(Status.IN_REVIEW)
    before = case_state(case)
    real_lookup = engine.business_type_for

    def lookup_while_someone_else_acts(kind):
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
        return real_lookup(kind)

    monkeypatch.setattr(engine, "business_type_for", lookup_while_someone_else_acts)

    with pytest.raises(ConcurrentChange, match="该业务已被他人处理，请刷新后查看最新状态"):
        case_transition(case=case, action=Action.APPROVE, actor=cases.staff("市南区"))

    after = case_state(case)
    assert (after["status"], after["current_step_id"]) == (before["status"], before["current_step_id"])
    assert after["transitions"] == before["transitions"]


# --- the timeline ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_transition_writes_exactly_one_timeline_row(cases):
    case = cases.in_status(Status.DRAFT)
    path = [Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.SUBMIT, Action.APPROVE, Action.APPROVE]

    for count, action in enumerate(path, start=1):
        case = cases.act(case, action)
        assert Transition.objects.filter(case=case).count() == count

    assert [t.action for t in case.transitions.all()] == path


@pytest.mark.django_db
def test_the_timeline_row_names_actor_role_step_labels_and_reason(cases):
    case = cases.in_status(Status.IN_REVIEW)
    reviewer = cases.staff("市南区")

    case_transition(case=case, action=Action.RETURN, actor=reviewer, reason="请补充法人资格证书")

    row = Transition.objects.get(case=case, action=Action.RETURN)
    assert row.actor == reviewer
    assert row.actor_name == reviewer.real_name
    assert row.actor_role == "区县审核员（市南区）"
    assert row.step_name == "区县审核"
    assert (row.from_status, row.to_status) == (Status.IN_REVIEW, Status.RETURNED)
    assert (row.from_label, row.to_label) == ("区县审核中", "退回")
    assert row.reason == "请补充法人资格证书"


@pytest.mark.django_db
def test_the_agent_submission_row_names_the_agent(cases):
    case = cases.new()
    agent = case.unit.agent

    case_transition(case=case, action=Action.SUBMIT, actor=agent)

    row = case.transitions.get()
    assert (row.actor, row.actor_name, row.actor_role, row.step_name) == (
        agent,
        agent.real_name,
        "代办员",
        "",
    )
    assert (row.from_label, row.to_label, row.reason) == ("草稿", "区县审核中", "")


@pytest.mark.django_db
def test_the_steps_ahead_follow_the_case(cases, factory):
    case = cases.new(org="市南区")
    assert [s.name for s in steps_ahead(case)] == ["区县审核", "市总审核"]

    case = cases.act(case, Action.SUBMIT)
    assert [s.name for s in steps_ahead(case)] == ["区县审核", "市总审核"]

    case = cases.act(case, Action.APPROVE)
    assert [s.name for s in steps_ahead(case)] == ["市总审核"]

    returned = cases.act(case, Action.RETURN)
    assert [s.name for s in steps_ahead(returned)] == ["区县审核", "市总审核"]

    case = cases.act(cases.act(cases.act(returned, Action.SUBMIT), Action.APPROVE), Action.APPROVE)
    assert case.status == Status.APPROVED
    assert steps_ahead(case) == []


@pytest.mark.django_db
def test_a_city_direct_unit_has_only_the_city_step_ahead(cases):
    case = cases.new(org="市直企业")

    assert [s.name for s in steps_ahead(case)] == ["市总审核"]


# --- one door -------------------------------------------------------------------------------------

CASE_STATUS_VALUE = r"(?:(?<![\w.])Status\.[A-Z_]+|[\"'](?:" + "|".join(Status.values) + r")[\"'])"
WRITES_CASE_STATUS = [
    re.compile(r"\bcase\w*\.status\s*=(?!=)"),  # case.status = …
    re.compile(r"\.status\s*=(?!=)\s*" + CASE_STATUS_VALUE),  # anything.status = Status.X
    re.compile(  # .update(status=Status.X) / .create(…, status="approved") across lines
        r"\.(?:update|create|get_or_create|update_or_create)\((?:[^()]|\([^()]*\))*?"
        r"(?<![\w.])status\s*=\s*" + CASE_STATUS_VALUE,
        re.S,
    ),
]


def writes_case_status(source: str) -> bool:
    return any(pattern.search(source) for pattern in WRITES_CASE_STATUS)


@pytest.mark.parametrize(
    ("source", "writes"),
    [
        ("case.status = Status.APPROVED", True),
        ("fresh.status = 'approved'", True),
        ("Case.objects.filter(pk=pk).update(\n    version=1,\n    status=Status.RETURNED,\n)", True),
        ('Case.objects.create(kind=kind, status="in_review")', True),
        ("if case.status == Status.DRAFT:", False),
        ("Case.objects.filter(status=Status.IN_REVIEW)", False),
        ("job.update(status=RosterImport.Status.FAILED)", False),
        ('JsonResponse(data, status=200 if status == "ok" else 503)', False),
    ],
)
def test_the_one_door_check_recognises_status_writes(source, writes):
    assert writes_case_status(source) == writes


def test_nothing_but_the_engine_assigns_a_case_status():
    root = Path(__file__).resolve().parents[2]
    skipped = {"migrations", "tests", "node_modules", "var", "staticfiles"}
    offenders = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in skipped]
        for name in files:
            path = Path(folder) / name
            is_python = path.suffix == ".py" and path != root / "review" / "engine.py"
            if is_python and writes_case_status(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(root)))

    assert offenders == []
