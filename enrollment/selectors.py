"""Reads of enrollment, scoped by the actor; conflict look-ups used by the roster import."""

import datetime
import re

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from enrollment.models import Application, Coverage, Member, RosterEntry
from review.models import Status
from review.selectors import scope_business
from units.selectors import units_visible_to

PERIOD_KINDS = (Application.Kind.MAIN, Application.Kind.RENEWAL)


def latest_period(unit) -> Application | None:
    """The unit's latest paid main/renewal period (保期生效), the one renewals follow."""
    return (
        Application.objects.filter(unit=unit, kind__in=PERIOD_KINDS, case__status=Status.EFFECTIVE)
        .order_by("-period_end")
        .first()
    )


def current_period(unit, today: datetime.date) -> Application | None:
    latest = latest_period(unit)
    return latest if latest is not None and latest.period_end >= today else None


def running_period(unit, today: datetime.date) -> Application | None:
    """The paid period a 追加 joins: the earliest one not yet ended (not a later, early-renewed one)."""
    return (
        Application.objects.filter(
            unit=unit, kind__in=PERIOD_KINDS, case__status=Status.EFFECTIVE, period_end__gte=today
        )
        .order_by("period_end")
        .first()
    )


def applications_visible_to(actor) -> QuerySet[Application]:
    return scope_business(actor, Application.objects.all())


def application_list_for_agent(actor, *, unit_id=None, kind="", status="") -> QuerySet[Application]:
    apps = applications_visible_to(actor).select_related("unit", "case__current_step", "payment_notice")
    if unit_id:
        apps = apps.filter(unit_id=unit_id)
    if kind:
        apps = apps.filter(kind=kind)
    if status:
        apps = apps.filter(case__status=status)
    return apps.order_by("-id")


def application_get_for(actor, pk) -> Application:
    return get_object_or_404(
        applications_visible_to(actor).select_related(
            "unit__parent_org", "unit__agent", "case__current_step", "case__workflow"
        ),
        pk=pk,
    )


ID_FRAGMENT = re.compile(r"^[0-9Xx]+$")


def roster_page(application, *, query: str = "") -> QuerySet[RosterEntry]:
    """The roster in file order; QUERY is part of a name or any part of an ID number (digits, X)."""
    entries = application.roster.all()
    query = (query or "").strip()
    if ID_FRAGMENT.match(query):
        entries = entries.filter(id_number__contains=query.upper())
    elif query:
        entries = entries.filter(Q(name__icontains=query) | Q(id_number__contains=query.upper()))
    return entries.order_by("row_number")


def covered_conflicts(application, id_numbers: list[str], plans_by_code: dict):
    """(id, plan code, message) for paid coverage of the same plan overlapping the application's period."""
    rows = Coverage.objects.filter(
        member__id_number__in=id_numbers,
        plan__in=list(plans_by_code.values()),
        start__lte=application.period_end,
        end__gte=application.period_start,
    ).values_list("member__id_number", "plan__code", "unit_id", "start", "end")
    for id_number, code, unit_id, start, end in rows:
        name = plans_by_code[code].name
        if unit_id == application.unit_id:
            message = f"本单位已为其参加{name}（保期{start:%Y-%m-%d}至{end:%Y-%m-%d}），与本次保期重叠"
        else:
            message = f"已在其他单位参加{name}且保期重叠，同一计划同一期间不能重复参保"
        yield id_number, code, message


def open_roster_conflicts(application, id_numbers: list[str], plans_by_code: dict):
    """(id, plan code, message) for other applications in review or awaiting payment that overlap."""
    rows = (
        RosterEntry.objects.filter(
            id_number__in=id_numbers,
            application__case__status__in=[Status.IN_REVIEW, Status.APPROVED],
            application__period_start__lte=application.period_end,
            application__period_end__gte=application.period_start,
        )
        .exclude(application=application)
        .values_list("id_number", "shares", "application__unit_id")
    )
    for id_number, shares, unit_id in rows:
        for code in shares:
            if code not in plans_by_code:
                continue
            where = (
                "本单位另一份审核中或待缴费的参保申请"
                if unit_id == application.unit_id
                else "其他单位审核中或待缴费的参保申请"
            )
            yield id_number, code, f"已在{where}中参加{plans_by_code[code].name}（保期重叠）"


def members_visible_to(actor) -> QuerySet[Member]:
    """会员 an actor may look up: agents and district reviewers those covered in their units (ever);
    city reviewers, finance and administrators everyone."""
    members = Member.objects.all()
    if actor.is_agent or actor.role == actor.Role.DISTRICT_REVIEWER:
        units = units_visible_to(actor)
        return members.filter(pk__in=Coverage.objects.filter(unit__in=units).values("member_id"))
    if actor.sees_everything:
        return members
    return members.none()


def members_by_name(actor, name: str, *, limit: int = 50) -> list[Member]:
    """会员查询 by 姓名 within the actor's scope: the exact name first, else names that start with it."""
    name = (name or "").strip()
    if not name:
        return []
    scoped = members_visible_to(actor)
    found = list(scoped.filter(name=name).order_by("birth_date", "id")[:limit])
    if not found:
        found = list(scoped.filter(name__startswith=name).order_by("name", "birth_date", "id")[:limit])
    return found


def member_units(actor, members: list[Member]) -> dict[Member, list[str]]:
    """For the name results: each member with the names of the units (in scope) that covered them."""
    coverages = Coverage.objects.filter(member__in=members).select_related("unit")
    if actor.is_agent or actor.role == actor.Role.DISTRICT_REVIEWER:
        coverages = coverages.filter(unit__in=units_visible_to(actor))
    names: dict[int, list[str]] = {m.pk: [] for m in members}
    for member_id, unit_name in coverages.order_by("-end").values_list("member_id", "unit__name"):
        if unit_name not in names[member_id]:
            names[member_id].append(unit_name)
    return {m: names[m.pk] for m in members}


def member_lookup_by_pk(actor, pk: int):
    """(member, coverages) for a member picked from the name results (scoped like member_lookup)."""
    member = members_visible_to(actor).filter(pk=pk).first()
    return member_lookup(actor, member.id_number) if member is not None else (None, [])


def member_lookup(actor, id_number: str):
    """(member, coverages) for an ID number — agents see coverage in their own units only; the auditor
    reads the audit trail, not members."""
    if actor.role == actor.Role.AUDITOR:
        return None, []
    member = Member.objects.filter(id_number=id_number).first()
    if member is None:
        return None, []
    coverages = Coverage.objects.filter(member=member).select_related("unit", "plan", "application")
    if actor.is_agent or actor.role == actor.Role.DISTRICT_REVIEWER:
        coverages = coverages.filter(unit__in=units_visible_to(actor))
        if not coverages.exists():
            return None, []
    return member, list(coverages.order_by("-start", "plan__position"))
