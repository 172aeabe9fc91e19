from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.errors import InvalidTransition
from review.models import Action, BusinessKind, Case, Status
from review.selectors import timeline_context
from units.models import InvoiceInfo, Unit, UnitBinding, UnitChange


def units_visible_to(actor) -> QuerySet[Unit]:
    units = Unit.objects.filter(deleted_at__isnull=True)
    if not actor.is_authenticated:
        return units.none()
    if actor.is_agent:
        return units.filter(agent=actor)
    # Staff never see a unit whose registration was never submitted (an agent's private draft).
    submitted = units.exclude(registration_case__status=Status.DRAFT)
    if actor.is_district_reviewer:
        return submitted.filter(parent_org_id=actor.org_id)
    if actor.sees_everything:
        return submitted
    return units.none()


def _with_open_change(units: QuerySet[Unit], *, columns: tuple[str, ...] = ()) -> QuerySet[Unit]:
    """Each unit's open 单位信息修改 as `open_changes`, with its case and step; COLUMNS: only those of it."""
    changes = UnitChange.objects.filter(is_open=True).select_related("case__current_step")
    if columns:
        changes = changes.only("unit", *columns)
    return units.prefetch_related(Prefetch("changes", queryset=changes, to_attr="open_changes"))


# 单位注册's list shows, per unit, its name, code, 上级单位, status badges and row actions: these columns
# (a Unit row is ~20 columns, its open edit as many again) — reading every column of the unit, its
# registration and its open edit was most of the list's queries' time.
CASE_SHOWN = ("status", "version", "current_step__status_label")
UNIT_LIST_COLUMNS = (
    "name",
    "credit_code",
    "parent_org__name",
    "approved_at",
    "agent",
    *(f"registration_case__{column}" for column in CASE_SHOWN),
)


def unit_list_for_agent(actor) -> QuerySet[Unit]:
    units = (
        units_visible_to(actor)
        .select_related("parent_org", "registration_case__current_step")
        .only(*UNIT_LIST_COLUMNS)
        .order_by("-id")
    )
    return _with_open_change(units, columns=tuple(f"case__{column}" for column in CASE_SHOWN))


def unit_directory_for(actor, *, query: str = "", org_id: int | None = None) -> QuerySet[Unit]:
    """单位查询 for staff: the units in their scope, by part of the name or the start of the credit code,
    and by 上级单位; newest first."""
    units = units_visible_to(actor).select_related("parent_org", "agent", "registration_case__current_step")
    if query:
        units = units.filter(name__icontains=query) | units.filter(credit_code__istartswith=query.upper())
    if org_id is not None:
        units = units.filter(parent_org_id=org_id)
    return units.order_by("-id")


def unit_get_for(actor, pk) -> Unit:
    return get_object_or_404(
        _with_open_change(
            units_visible_to(actor).select_related("parent_org", "agent", "registration_case__current_step")
        ),
        pk=pk,
    )


NOTHING_TO_ACT_ON = {
    Action.SUBMIT: "没有需要上报的内容：请先编辑并保存单位信息",
    Action.DELETE: "审核通过的单位不能删除",
}


def unit_case_to_act_on(unit: Unit, action: str) -> Case:
    """What 【上报】/【删除】 of a unit acts on: its registration, or the pending edit of an approved unit."""
    case = unit.editing_case
    if case is None:
        raise InvalidTransition(NOTHING_TO_ACT_ON[action])
    return case


def unit_cases(unit: Unit) -> QuerySet[Case]:
    """Every business of the unit (registration, edits, bindings), newest first, for 审核明细."""
    return (
        Case.objects.filter(unit=unit)
        .exclude(status=Status.DELETED)
        .exclude(
            ~Q(status=Status.APPROVED), kind=BusinessKind.UNIT_BINDING
        )  # others' pending requests stay private
        .filter(
            kind__in=[BusinessKind.UNIT_REGISTRATION, BusinessKind.UNIT_CHANGE, BusinessKind.UNIT_BINDING]
        )
        .select_related("current_step", "workflow", "unit__parent_org", "org")
        .order_by("-id")
    )


def unit_timelines(unit: Unit) -> list[dict]:
    """审核明细 of the unit: one timeline per business (registration, edits, bindings), newest first."""
    return [{"case": case, **timeline_context(case)} for case in unit_cases(unit)]


def unit_change_before_after(change: UnitChange) -> list[dict]:
    """[{label, old, new}] of an applied 单位信息编辑, as the change keeps it: UnitChange.changed_fields is
    written once, when the change takes effect ({label: [old, new]}, materials as 材料：<slot>), and is
    data of the change, not a history of the unit (that is the audit trail). The one reader of it."""
    return [{"label": label, "old": old, "new": new} for label, (old, new) in change.changed_fields.items()]


def unit_change_history(unit: Unit) -> list[UnitChange]:
    """变更记录: the applied edits, newest first, with who asked, when it took effect and `before_after`."""
    changes = list(
        UnitChange.objects.filter(unit=unit, applied_at__isnull=False)
        .select_related("case__applicant")
        .order_by("-applied_at")
    )
    for change in changes:
        change.before_after = unit_change_before_after(change)
    return changes


def units_registered(actor) -> QuerySet[Unit]:
    """The approved units every signed-in user may pick by name (合并/拆分 history, 单位绑定)."""
    units = Unit.objects.filter(deleted_at__isnull=True, approved_at__isnull=False)
    return units if actor.is_authenticated else units.none()


def unit_registered_get(actor, pk) -> Unit:
    """One picked unit of the type-ahead (404 unless approved and not deleted)."""
    return get_object_or_404(units_registered(actor), pk=pk)


def unit_search_registered(actor, query: str, *, exclude_pk=None, limit: int = 10) -> list[Unit]:
    """Type-ahead over approved units by name or credit code (only names are shown to agents)."""
    query = (query or "").strip()
    if len(query) < 1:
        return []
    units = units_registered(actor)
    if exclude_pk:
        units = units.exclude(pk=exclude_pk)
    by_name = units.filter(name__icontains=query)
    if query.isalnum() and len(query) >= 4:
        by_name = by_name | units.filter(credit_code__istartswith=query)
    return list(by_name.select_related("parent_org").order_by("name")[:limit])


def bindings_for_agent(actor) -> QuerySet[UnitBinding]:
    """单位绑定 list: the binding requests this agent made (deleted drafts hidden)."""
    return (
        UnitBinding.objects.filter(requester=actor)
        .exclude(case__status=Status.DELETED)
        .select_related("unit__parent_org", "case__current_step", "previous_agent")
        .order_by("-id")
    )


def binding_get_for(actor, pk) -> UnitBinding:
    return get_object_or_404(bindings_for_agent(actor).select_related("case__workflow"), pk=pk)


def invoice_rows_for_agent(actor) -> list[Unit]:
    """开票信息管理: the agent's approved units, each with its invoice info (or None)."""
    return list(
        units_visible_to(actor)
        .filter(approved_at__isnull=False)
        .select_related("invoice_info", "parent_org")
        .order_by("name")
    )


def units_without_invoice_info(actor) -> list[Unit]:
    """The agent's approved units that have no 开票信息 yet (【新增开票信息】 picks among them)."""
    return [unit for unit in invoice_rows_for_agent(actor) if not hasattr(unit, "invoice_info")]


def invoice_infos_visible_to(actor) -> QuerySet[InvoiceInfo]:
    """Finance, city reviewers and the administrator read every unit's invoice info; agents their own
    units'."""
    infos = InvoiceInfo.objects.select_related("unit__parent_org", "unit__agent").filter(
        unit__deleted_at__isnull=True
    )
    if actor.is_agent:
        return infos.filter(unit__agent=actor)
    if actor.sees_everything:
        return infos
    return infos.none()


def invoice_info_get_for(actor, pk) -> InvoiceInfo:
    return get_object_or_404(invoice_infos_visible_to(actor), pk=pk)


def invoice_infos_search(actor, query: str = "") -> QuerySet[InvoiceInfo]:
    """开票信息查询: by part of the unit's name or the start of the 纳税人识别号, by unit name."""
    infos = invoice_infos_visible_to(actor)
    if query:
        infos = infos.filter(unit__name__icontains=query) | infos.filter(
            taxpayer_id__istartswith=query.upper()
        )
    return infos.order_by("unit__name")


def units_without_invoice_count(actor) -> int:
    """How many approved units in ACTOR's scope have no 开票信息."""
    return units_visible_to(actor).filter(approved_at__isnull=False, invoice_info__isnull=True).count()


def binding_away_from(actor, unit_id) -> UnitBinding | None:
    """The approved 单位绑定 that took UNIT_ID away from ACTOR (most recent), if any — so that an old message
    can say where the unit went instead of a bare 404."""
    if not actor.is_authenticated or not actor.is_agent:
        return None
    return (
        UnitBinding.objects.filter(unit_id=unit_id, previous_agent=actor, applied_at__isnull=False)
        .exclude(unit__agent=actor)
        .select_related("unit", "requester")
        .order_by("-applied_at")
        .first()
    )
