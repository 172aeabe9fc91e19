"""Reads of enrollment, scoped by the actor; conflict look-ups used by the roster import.

A read that starts from the actor scopes by it (applications_visible_to, members_visible_to …). A read that
starts from an application or a unit takes one the caller already got through such a read
(application_get_for, units_for_enrollment), or is a rule look-up of the services (latest_period,
main_renewal, the roster conflicts)."""

import datetime
import re

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.audit import audit_member_lookup, audit_read
from core.validators import normalize_code
from enrollment.models import Application, Coverage, Member, RosterEntry, RosterImport
from enrollment.periods import MainRenewal, age_on
from review.engine import steps_ahead
from review.models import Status
from review.selectors import materials_context, scope_business
from units.selectors import units_visible_to

PERIOD_KINDS = (Application.Kind.MAIN, Application.Kind.RENEWAL)


def latest_period(unit) -> Application | None:
    """The unit's latest paid main/renewal period (保期生效), the one renewals follow."""
    return (
        Application.objects.filter(unit=unit, kind__in=PERIOD_KINDS, case__status=Status.EFFECTIVE)
        .order_by("-period_end")
        .first()
    )


def _renewal_of(latest: Application | None, today: datetime.date) -> MainRenewal | None:
    if latest is None or latest.period_end < today:
        return None
    return MainRenewal(current_start=latest.period_start, current_end=latest.period_end)


def main_renewal(unit, today: datetime.date) -> MainRenewal | None:
    """The renewal rule that binds the unit's next 主保期参保, or None when no paid period runs today."""
    return _renewal_of(latest_period(unit), today)


def period_hints(units, *, today: datetime.date) -> dict[int, str]:
    """Per unit (of the form): its current paid period and, while it runs, the main period it continues
    into and the month in which that one can be 上报'd."""
    hints = {}
    for unit in units:
        latest = latest_period(unit)
        if latest is None:
            continue
        hint = f"当前保期：{latest.period_start:%Y-%m-%d} 至 {latest.period_end:%Y-%m-%d}"
        renewal = _renewal_of(latest, today)
        if renewal is not None:
            start, end = renewal.period
            hint += (
                f"；主保期参保将自动接续为 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}，须在{renewal.submit_month}上报"
            )
        hints[unit.pk] = hint
    return hints


def latest_plan_shares(unit) -> dict[str, int]:
    """{plan code: 份} of the unit's latest paid period: a renewal usually keeps them."""
    latest = latest_period(unit)
    if latest is None:
        return {}
    return dict(latest.plan_lines.values_list("plan__code", "shares"))


def units_for_enrollment(actor) -> list:
    """The actor's approved units, by name: those an application can be made for."""
    return list(units_visible_to(actor).filter(approved_at__isnull=False).order_by("name"))


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


def application_for_roster_page(actor, pk) -> Application:
    """The application whose roster page (htmx) is read, scoped as `application_get_for`: the page uses
    only its period's start (ages) — not its unit, agent, case, step and workflow."""
    return get_object_or_404(applications_visible_to(actor).only("id", "period_start"), pk=pk)


def application_summary(application: Application) -> dict:
    """What reviewers and the agent's 查看 show of an application: plan lines (counts, amounts), roster."""
    return {
        "application": application,
        "plan_lines": list(application.plan_lines.select_related("plan")),
        "roster_url": reverse("enrollment:roster", args=[application.pk]),
    }


def application_page(actor, application: Application) -> dict:
    """The agent's 查看 of an application: its summary, materials, timeline and steps ahead, the
    previous period (沿用上一保期名单) with who joined and left, and the payment notice."""
    case = application.case
    previous = previous_period_application(application)
    return {
        **application_summary(application),
        **materials_context(actor, case),
        "editable": case.is_editable,
        "transitions": case.transitions.all(),
        "steps_ahead": steps_ahead(case),
        "previous": previous,
        "roster_diff": roster_diff(application, previous) if previous else None,
        "notice": getattr(application, "payment_notice", None),
    }


def previous_period_application(application: Application) -> Application | None:
    """The paid main/renewal period before this one (沿用上一保期名单, the comparison of rosters);
    a 追加 has none."""
    if application.kind == Application.Kind.SUPPLEMENT:
        return None
    return (
        Application.objects.filter(
            unit=application.unit, kind__in=PERIOD_KINDS, case__status=Status.EFFECTIVE
        )
        .exclude(pk=application.pk)
        .filter(period_end__lt=application.period_start)
        .order_by("-period_end")
        .first()
    )


def roster_diff(application: Application, previous: Application, *, names: int = 30) -> dict:
    """Who joined and who left compared with the previous period's roster (counts, and the first names)."""
    now = dict(application.roster.values_list("id_number", "name"))
    before = dict(previous.roster.values_list("id_number", "name"))
    joined = sorted(set(now) - set(before))
    left = sorted(set(before) - set(now))
    return {
        "joined": len(joined),
        "left": len(left),
        "stayed": len(set(now) & set(before)),
        "joined_names": [now[i] for i in joined[:names]],
        "left_names": [before[i] for i in left[:names]],
    }


def roster_import_get_for(actor, *, application_pk, pk) -> RosterImport:
    """One import of an application the actor may see (404 otherwise), with its application."""
    return get_object_or_404(
        RosterImport.objects.select_related("application__unit", "application__case"),
        application__in=applications_visible_to(actor),
        application_id=application_pk,
        pk=pk,
    )


def roster_plan_rows(application: Application, entries) -> list[dict]:
    """The roster table's rows: each entry with its age at the period start and its plans (name, 份)."""
    lines = list(application.plan_lines.select_related("plan"))
    return [
        {
            "entry": e,
            "age": age_on(e.birth_date, application.period_start),
            "plans": [
                (line.plan.name, e.shares[line.plan.code]) for line in lines if line.plan.code in e.shares
            ],
        }
        for e in entries
    ]


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


def covered_conflicts(application, id_numbers, plans_by_code: dict):
    """(id, plan code, message) for paid coverage of the same plan overlapping the application's period;
    ID_NUMBERS a list or a subquery (core.bulk.temporary_values)."""
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


def open_roster_conflicts(application, id_numbers, plans_by_code: dict):
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
    if actor.is_agent or actor.is_district_reviewer:
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
    if actor.is_agent or actor.is_district_reviewer:
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
    if actor.is_auditor:
        return None, []
    member = Member.objects.filter(id_number=id_number).first()
    if member is None:
        return None, []
    coverages = Coverage.objects.filter(member=member).select_related("unit", "plan", "application")
    if actor.is_agent or actor.is_district_reviewer:
        coverages = coverages.filter(unit__in=units_visible_to(actor))
        if not coverages.exists():
            return None, []
    return member, list(coverages.order_by("-start", "plan__position"))


ID_LIKE = re.compile(r"^[0-9Xx]+$")


def member_search(actor, *, query: str, picked: str = "") -> dict:
    """会员查询 in the actor's scope: PICKED (a member chosen from the name results), a full ID number, or
    a name. Every lookup is recorded in the audit trail here, so that no caller can forget it."""
    if picked.isdigit():
        member, coverages = member_lookup_by_pk(actor, int(picked))
        if member is not None:
            audit_member_lookup(actor=actor, member=member, id_number=member.id_number)
        return {"member": member, "coverages": coverages, "searched": "pick"}
    if query and ID_LIKE.match(query.replace(" ", "")):
        code = normalize_code(query)
        if len(code) not in (15, 18):
            return {"searched": "partial_id"}  # say plainly what is needed
        member, coverages = member_lookup(actor, code)
        audit_member_lookup(actor=actor, member=member, id_number=code)
        return {"member": member, "coverages": coverages, "searched": "id"}
    if not query:
        return {}
    matches = [
        {"member": m, "units": units}
        for m, units in member_units(actor, members_by_name(actor, query)).items()
    ]
    audit_read(
        actor=actor,
        verb="member_lookup",
        object_type="enrollment.member",
        object_repr=query[:50],
        details={"name": query[:50], "found": len(matches), "what": "会员查询（姓名）"},
    )
    return {"searched": "name", "matches": matches}
