"""Reads of cases, always scoped by the actor: what is not theirs does not exist (404)."""

import datetime

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from review.engine import steps_ahead
from review.models import BusinessKind, Case, Material, Status, StepActor, Transition
from review.registry import business_type_for
from review.rules import is_case_agent


def cases_visible_to(actor) -> QuerySet[Case]:
    cases = Case.objects.exclude(status=Status.DELETED)
    if not actor.is_authenticated:
        return cases.none()
    if actor.is_agent:
        return cases.filter(
            (Q(unit__agent=actor) & ~Q(kind=BusinessKind.UNIT_BINDING))
            | Q(kind=BusinessKind.UNIT_BINDING, applicant=actor)
        )
    if actor.is_district_reviewer:
        return cases.filter(org_id=actor.org_id).exclude(status=Status.DRAFT)
    if actor.sees_everything:
        return cases.exclude(status=Status.DRAFT)
    return cases.none()


def scope_business(actor, queryset: QuerySet) -> QuerySet:
    """Scope a business model with `case` and `unit` (applications, claims) the way cases are scoped:
    agents see their units' businesses, district reviewers their district's, staff everything submitted."""
    queryset = queryset.exclude(case__status=Status.DELETED)
    if not actor.is_authenticated:
        return queryset.none()
    if actor.is_agent:
        return queryset.filter(unit__agent=actor)
    if actor.is_district_reviewer:
        return queryset.filter(case__org_id=actor.org_id).exclude(case__status=Status.DRAFT)
    if actor.sees_everything:
        return queryset.exclude(case__status=Status.DRAFT)
    return queryset.none()


def case_get_for(actor, pk) -> Case:
    return get_object_or_404(
        cases_visible_to(actor).select_related("workflow", "current_step", "unit", "org", "applicant"), pk=pk
    )


def review_queue_for(
    actor,
    *,
    kind: str = "",
    unit_name: str = "",
    district_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Case]:
    """Cases waiting at the actor's step, oldest submission first."""
    cases = Case.objects.filter(status=Status.IN_REVIEW).select_related("unit", "org", "current_step")
    if actor.is_district_reviewer:
        cases = cases.filter(current_step__actor=StepActor.DISTRICT, org_id=actor.org_id)
    elif actor.is_city_reviewer:
        cases = cases.filter(current_step__actor=StepActor.CITY)
    else:
        return cases.none()
    if kind:
        cases = cases.filter(kind=kind)
    if unit_name:
        cases = cases.filter(unit__name__icontains=unit_name.strip())
    if district_id:
        cases = cases.filter(org_id=district_id)
    if date_from:
        cases = cases.filter(submitted_at__date__gte=date_from)
    if date_to:
        cases = cases.filter(submitted_at__date__lte=date_to)
    return cases.order_by("submitted_at", "id")


def review_queue_rows(actor, **filters) -> QuerySet[Case]:
    """待审核业务's rows (`review_queue_for` with FILTERS): only the columns the screen shows — the type,
    title, status (with the step's 区县审核中/市总审核中), 上级单位 and 上报时间 — not the unit and every
    column of the four tables."""
    return (
        review_queue_for(actor, **filters)
        .select_related(None)
        .select_related("org", "current_step")
        .only("kind", "title", "status", "submitted_at", "org__name", "current_step__status_label")
    )


def cases_decided_by(actor) -> QuerySet[Case]:
    """Cases the reviewer has acted on (通过/退回/不予给付), most recent first."""
    return (
        cases_visible_to(actor)
        .filter(transitions__actor=actor)
        .select_related("unit", "org", "current_step")
        .distinct()
        .order_by("-id")
    )


def last_transition(case, action) -> Transition | None:
    """The latest move of CASE by ACTION (e.g. its 不予给付), or None."""
    return case.transitions.filter(action=action).order_by("-at", "-id").first()


def timeline_context(case) -> dict:
    """What review/_timeline.html needs: the moves so far (审核明细) and the steps still ahead."""
    return {"transitions": case.transitions.all(), "steps_ahead": steps_ahead(case)}


def active_materials(case) -> QuerySet[Material]:
    return case.materials.filter(removed_at__isnull=True).select_related("uploaded_by")


def materials_context(actor, case) -> dict:
    """What the shared materials list and 上传材料 dialog need: the files, the slots, what is still missing
    and whether ACTOR may 删除/upload (the case's agent while it is editable)."""
    business = business_type_for(case.kind)
    editable = is_case_agent(actor, case) and case.is_editable
    return {
        "case": case,
        "materials": active_materials(case),
        "slots": business.slots_for(case),
        "missing": business.missing_materials(case) if editable else [],
        "can_edit_materials": editable,
    }


def material_get_for(actor, pk) -> Material:
    return get_object_or_404(
        Material.objects.select_related("case").filter(case__in=cases_visible_to(actor)), pk=pk
    )
