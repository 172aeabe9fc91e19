"""The one door through which a case changes status.

TRANSITIONS is the whole table of allowed moves (status, action) → possible next statuses; the
workflow's steps decide which of them applies. `case_transition` re-reads the case inside its
transaction, checks the table and the actor, then performs a conditional UPDATE on (pk, version,
status): if zero rows change, someone else acted first and the caller gets ConcurrentChange. One
Transition row is written per successful move, then the move is published (review.registry.case_moved).
"""

import rules
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.audit import records_refusals
from core.errors import ConcurrentChange, DomainError, InvalidTransition, NotAllowed
from core.text import bounded_text
from review.models import Action, Case, Status, StepActor, Transition, WorkflowStep
from review.registry import business_type_for, case_moved
from review.rules import PERMISSION_FOR_ACTION

TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (Status.DRAFT, Action.SUBMIT): (Status.IN_REVIEW,),
    (Status.RETURNED, Action.SUBMIT): (Status.IN_REVIEW,),
    (Status.NEEDS_MATERIALS, Action.SUBMIT): (Status.IN_REVIEW,),
    (Status.DRAFT, Action.DELETE): (Status.DELETED,),
    (Status.IN_REVIEW, Action.APPROVE): (Status.IN_REVIEW, Status.APPROVED),
    (Status.IN_REVIEW, Action.RETURN): (Status.RETURNED, Status.NEEDS_MATERIALS),
    (Status.IN_REVIEW, Action.REJECT): (Status.REJECTED,),
    (Status.APPROVED, Action.CONFIRM_PAYMENT): (Status.EFFECTIVE,),
    (Status.APPROVED, Action.RECORD_PAYOUT): (Status.CLOSED,),
    # 作废: finance voids an unpaid 缴费通知单 (an approved application that was never paid); final.
    (Status.APPROVED, Action.VOID): (Status.VOIDED,),
}
REASON_MAX_LENGTH = 1000
REASON_REQUIRED = {
    Action.RETURN: "请填写退回原因",
    Action.REJECT: "请填写不予给付的原因",
    Action.VOID: "请填写作废原因",
}
FINAL_STATUSES = {
    Status.APPROVED,
    Status.REJECTED,
    Status.EFFECTIVE,
    Status.CLOSED,
    Status.VOIDED,
    Status.DELETED,
}


def applicable_steps(case) -> list[WorkflowStep]:
    """The chain for this case: district steps are skipped for 市直 units."""
    org = case.org if case.org_id else case.unit.parent_org
    steps = list(case.workflow.steps.all())
    if org is not None and org.is_city_direct:
        steps = [s for s in steps if s.actor != StepActor.DISTRICT]
    return steps


def steps_ahead(case) -> list[WorkflowStep]:
    """Steps still to come (the current one included) — shown under 审核流程."""
    if case.status in (Status.DRAFT, Status.RETURNED, Status.NEEDS_MATERIALS):
        return applicable_steps(case)
    if case.status != Status.IN_REVIEW:
        return []
    steps = applicable_steps(case)
    ids = [s.id for s in steps]
    return steps[ids.index(case.current_step_id) :] if case.current_step_id in ids else []


def _next_state(case, action) -> tuple[str, WorkflowStep | None]:
    workflow = case.workflow
    if action == Action.SUBMIT:
        steps = applicable_steps(case)
        if not steps:
            raise DomainError("该业务没有配置审核环节，请联系管理员")
        return Status.IN_REVIEW, steps[0]
    if action == Action.APPROVE:
        steps = applicable_steps(case)
        ids = [s.id for s in steps]
        position = ids.index(case.current_step_id) if case.current_step_id in ids else len(ids)
        following = steps[position + 1 :]
        return (Status.IN_REVIEW, following[0]) if following else (Status.APPROVED, None)
    if action == Action.RETURN:
        return workflow.return_status, None
    if action == Action.REJECT:
        if not workflow.allows_reject:
            raise InvalidTransition(f"{case.get_kind_display()}不能不予给付，只能通过或退回")
        return Status.REJECTED, None
    if action in (Action.CONFIRM_PAYMENT, Action.RECORD_PAYOUT):
        if workflow.settlement_action != action:
            raise InvalidTransition(f"{case.get_kind_display()}没有“{Action(action).label}”这一步")
        return (Status.EFFECTIVE if action == Action.CONFIRM_PAYMENT else Status.CLOSED), None
    if action == Action.VOID:
        if workflow.settlement_action != Action.CONFIRM_PAYMENT:
            raise InvalidTransition(f"{case.get_kind_display()}没有缴费通知单，不能作废")
        return Status.VOIDED, None
    if action == Action.DELETE:
        return Status.DELETED, None
    raise InvalidTransition(f"未知操作：{action}")


def _checked_reason(fresh: Case, action: Action, actor, reason: str, expected_version: int | None) -> str:
    """Refuse a move the table, the version or the actor does not allow; return the cleaned reason."""
    if expected_version is not None and fresh.version != expected_version:
        raise ConcurrentChange(f"该业务已被他人处理，当前状态为“{fresh.status_label}”，请刷新后查看")
    if (fresh.status, action) not in TRANSITIONS:
        raise InvalidTransition(f"当前状态为“{fresh.status_label}”，不能{action.label}")
    # The rules themselves, not User.has_perm: that one says yes to every superuser (the administrator),
    # who must not review, submit for agents or settle.
    if not rules.has_perm(PERMISSION_FOR_ACTION[action], actor, fresh):
        if action in (Action.APPROVE, Action.RETURN, Action.REJECT):
            raise NotAllowed("该业务当前不在您的审核环节，不能操作")
        raise NotAllowed(f"您无权对该业务执行“{action.label}”")
    reason = bounded_text(reason, label="意见/原因", max_length=REASON_MAX_LENGTH, multiline=True)
    if action in REASON_REQUIRED and not reason:
        raise DomainError(REASON_REQUIRED[action])
    return reason


def _run_business_hook(business, case: Case, actor, to_status: str) -> None:
    """The business's own consequence of the move (inside the engine's transaction)."""
    if to_status == Status.APPROVED:
        business.on_approved(case, actor)
    elif to_status in (Status.EFFECTIVE, Status.CLOSED):
        business.on_settled(case, actor)
    elif to_status == Status.REJECTED:
        business.on_rejected(case, actor)
    elif to_status == Status.DELETED:
        business.on_deleted(case, actor)


@records_refusals("case_transition", obj="case")
@transaction.atomic
def case_transition(
    *, case: Case, action: str, actor, reason: str = "", expected_version: int | None = None, data=None
) -> Case:
    """Perform ACTION on CASE as ACTOR; raise a DomainError with a Chinese message when refused."""
    action = Action(action)
    fresh = Case.objects.select_related("workflow", "current_step", "unit", "org").get(pk=case.pk)
    reason = _checked_reason(fresh, action, actor, reason, expected_version)
    business = business_type_for(fresh.kind)
    if action in (Action.APPROVE, Action.RETURN, Action.REJECT):
        # The business sees the cleaned reason too (e.g. an adjusted claim amount needs one).
        decision = {**dict((data or {}).items()), "reason": reason}
        note = business.on_decision(fresh, actor, action, decision)
        if note:  # what the decision set (e.g. 核定给付金额) is part of its timeline row
            reason = f"{reason}；{note}" if reason else note
    if action == Action.SUBMIT:
        fresh.org = fresh.unit.parent_org  # route by the 上级单位 in force at this submission
        business.check_submittable(fresh)
    to_status, to_step = _next_state(fresh, action)
    assert to_status in TRANSITIONS[(fresh.status, action)]

    now = timezone.now()
    changes = {"status": to_status, "current_step": to_step, "version": F("version") + 1}
    if action == Action.SUBMIT:
        changes.update(submitted_at=now, org=fresh.org, last_return_reason="")
    if action == Action.RETURN:
        changes["last_return_reason"] = reason
    if to_status in FINAL_STATUSES:
        changes["decided_at"] = now
    updated = Case.objects.filter(pk=fresh.pk, version=fresh.version, status=fresh.status).update(**changes)
    if updated != 1:
        raise ConcurrentChange("该业务已被他人处理，请刷新后查看最新状态")

    from_status, from_label = fresh.status, fresh.status_label
    step_name = fresh.current_step.name if fresh.current_step else ""
    fresh.refresh_from_db()
    transition = Transition.objects.create(
        case=fresh,
        actor=actor,
        actor_name=actor.display_name,
        actor_role=actor.role_label,
        at=now,
        action=action,
        step_name=step_name,
        from_status=from_status,
        to_status=to_status,
        from_label=from_label,
        to_label=fresh.status_label,
        reason=reason,
    )
    _run_business_hook(business, fresh, actor, to_status)
    # After the hooks, so that a message can say what they produced (the notice's amount and due date).
    case_moved.publish(case=fresh, transition=transition)
    return fresh
