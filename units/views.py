"""Thin views: parse, call one service, render. Scoping lives in units.selectors."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.converters import query_int
from core.errors import DomainError
from core.templatetags.ui import BADGE_CLASSES
from orgs.selectors import org_leaves
from review.engine import steps_ahead
from review.models import Status
from review.registry import business_type_for
from review.selectors import active_materials, materials_context
from units.forms import UnitBasicForm
from units.models import UNIT_MATERIAL_SLOTS, Unit
from units.selectors import (
    unit_cases,
    unit_change_history,
    unit_get_for,
    unit_list_for_agent,
    unit_search_registered,
    units_visible_to,
)
from units.services import (
    unit_change_diff,
    unit_change_material_diff,
    unit_change_save,
    unit_delete,
    unit_register,
    unit_submit,
    unit_update_registration,
)

TABS = [("basic", "基本信息"), ("agent", "代办员信息"), ("materials", "材料信息")]


def _agent_only(request):
    if not rules.has_perm("units.register_unit", request.user):
        raise PermissionDenied


def _row_actions(request, unit: Unit) -> list[dict]:
    """上报 / 查看 / 编辑 / 删除 / 查看退回原因, each shown only when the rules allow it.

    They act on what the agent is working on: the registration, or the pending edit of an approved unit.
    """
    user = request.user
    case = unit.editing_case
    detail = reverse("units:detail", args=[unit.pk])
    actions = []
    if rules.has_perm("units.submit_unit", user, unit):
        actions.append(
            {
                "key": "submit",
                "label": "上报",
                "url": reverse("units:submit", args=[unit.pk]),
                "post": True,
                "css": "btn-brand",
                "version": case.version,
            }
        )
    actions.append({"key": "view", "label": "查看", "url": detail})
    if case is not None and case.status == Status.RETURNED:
        actions.append(
            {
                "key": "reason",
                "label": "查看退回原因",
                "url": detail + "?tab=timeline",
                "css": "btn-outline-danger",
            }
        )
    if rules.has_perm("units.edit_unit", user, unit):
        actions.append({"key": "edit", "label": "编辑", "url": reverse("units:edit", args=[unit.pk])})
    if rules.has_perm("units.delete_unit", user, unit) and unit.is_approved:
        # A draft edit of an approved unit: only the edit goes, the unit and its approved data stay.
        actions.append(
            {
                "key": "cancel_edit",
                "label": "撤销编辑",
                "url": reverse("units:delete", args=[unit.pk]),
                "post": True,
                "css": "btn-outline-secondary",
                "confirm": f"确定撤销对“{unit.name}”的本次编辑吗？\n"
                "只放弃尚未上报的修改，已审核通过的单位信息保持不变，单位不会被删除。",
            }
        )
    elif rules.has_perm("units.delete_unit", user, unit):
        actions.append(
            {
                "key": "delete",
                "label": "删除",
                "url": reverse("units:delete", args=[unit.pk]),
                "post": True,
                "css": "btn-outline-danger",
                "confirm": f"确定删除“{unit.name}”吗？",
            }
        )
    return actions


# The state of a pending edit of an approved unit, shown next to its 审核通过.
EDIT_BADGES = {
    Status.DRAFT: ("编辑未上报", "text-bg-warning"),
    Status.RETURNED: ("编辑被退回", "text-bg-danger"),
}


def status_badges(unit: Unit) -> list[dict]:
    """The unit's badges: its registration status; an approved unit with a pending edit stays 审核通过 and
    gets a second badge for the edit (编辑未上报 / 编辑被退回 / 编辑市总审核中)."""
    registration = unit.registration_case
    badges = []
    if registration is not None:
        badges.append({"label": registration.status_label, "css": BADGE_CLASSES.get(registration.status)})
    change = unit.open_change if unit.is_approved else None
    if change is not None:
        label, css = EDIT_BADGES.get(change.case.status, (change.case.status_label, "text-bg-primary"))
        badges.append({"label": label, "css": css, "key": "edit"})
    return badges


@login_required
def unit_list(request):
    """单位信息管理 → 单位注册: the agent's units."""
    _agent_only(request)
    units = list(unit_list_for_agent(request.user))
    rows = [{"unit": u, "badges": status_badges(u), "actions": _row_actions(request, u)} for u in units]
    return render(request, "units/unit_list.html", {"rows": rows, "page_title": "单位注册"})


@login_required
def unit_directory(request):
    """单位查询 for staff: every unit in their scope, searchable."""
    if request.user.is_agent:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    org_id = query_int(request.GET, "org")
    units = units_visible_to(request.user).select_related(
        "parent_org", "agent", "registration_case__current_step"
    )
    if query:
        units = units.filter(name__icontains=query) | units.filter(credit_code__istartswith=query.upper())
    if org_id is not None:
        units = units.filter(parent_org_id=org_id)
    page = Paginator(units.order_by("-id"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "units/unit_directory.html",
        {"page": page, "query": query, "org_id": org_id, "leaves": org_leaves(), "page_title": "单位查询"},
    )


@login_required
def unit_create(request):
    """【注册单位信息】 → tab 1 基本信息 → 【保存】."""
    _agent_only(request)
    form = UnitBasicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_register(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "基本信息已保存")
            return redirect("units:edit_agent", pk=unit.pk)
    return render(request, "units/unit_form_basic.html", _tab_context(None, "basic", form))


def _editable_unit(request, pk):
    """(unit, None) when the agent may edit it, else (unit, a redirect to 查看 with the reason)."""
    unit = unit_get_for(request.user, pk)
    if rules.has_perm("units.edit_unit", request.user, unit):
        return unit, None
    case = unit.display_case
    messages.error(request, f"“{unit.name}”当前状态为“{case.status_label}”，不能编辑")
    return unit, redirect("units:detail", pk=unit.pk)


def _tab_context(unit, tab, form=None):
    title = "注册单位信息"
    if unit is not None:
        title = f"编辑单位信息 · {unit.name}"
    return {
        "unit": unit,
        "tab": tab,
        "tabs": TABS,
        "form": form,
        "page_title": title,
        "is_change": unit is not None and unit.is_approved,
    }


@login_required
def unit_edit(request, pk):
    """编辑 → tab 1 pre-filled: the registration (草稿/退回), or a pending edit of an approved unit."""
    unit, bounce = _editable_unit(request, pk)
    if bounce:
        return bounce
    source = unit.open_change or unit
    form = UnitBasicForm(request.POST or None, initial=UnitBasicForm.initial_from(source), exclude_pk=unit.pk)
    if request.method == "POST" and form.is_valid():
        save = unit_change_save if unit.is_approved else unit_update_registration
        try:
            save(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "基本信息已保存")
            return redirect("units:edit_agent", pk=unit.pk)
    return render(request, "units/unit_form_basic.html", _tab_context(unit, "basic", form))


@login_required
def unit_edit_agent(request, pk):
    """Tab 2 代办员信息: pre-filled from the real-name profile; 【保存】 → tab 3."""
    unit, bounce = _editable_unit(request, pk)
    if bounce:
        return bounce
    if request.method == "POST":
        return redirect("units:edit_materials", pk=unit.pk)
    return render(request, "units/unit_form_agent.html", _tab_context(unit, "agent"))


@login_required
def unit_edit_materials(request, pk):
    """Tab 3 材料信息: 【上传材料】 dialog, the list with 查看/删除, 【保存】 back to the list."""
    unit, bounce = _editable_unit(request, pk)
    if bounce:
        return bounce
    case = unit.editing_case
    if case is None:
        messages.info(request, "请先在基本信息中修改并保存，再上传新的材料")
        return redirect("units:edit", pk=unit.pk)
    business = business_type_for(case.kind)
    if request.method == "POST":
        missing = business.missing_materials(case)
        if missing:
            messages.warning(request, "材料已保存。上报前还需上传：" + "、".join(missing))
        else:
            messages.success(request, "单位信息已保存，可以上报")
        return redirect("units:list")
    context = _tab_context(unit, "materials")
    context.update(materials_context(request.user, case))
    return render(request, "units/unit_form_materials.html", context)


@login_required
def unit_detail(request, pk):
    """查看: the data in force, its materials, 审核明细 of every business of the unit, 变更记录."""
    unit = unit_get_for(request.user, pk)
    change = unit.open_change
    cases = list(unit_cases(unit))
    context = {
        "unit": unit,
        "case": unit.display_case,
        "badges": status_badges(unit),
        "merged_from": list(unit.merged_from.all()),
        "materials": active_materials(unit.materials_case) if unit.materials_case_id else [],
        "slots": UNIT_MATERIAL_SLOTS,
        "timelines": [
            {"case": c, "transitions": c.transitions.all(), "steps_ahead": steps_ahead(c)} for c in cases
        ],
        "change": change,
        "diff": unit_change_diff(change, unit) if change else [],
        "material_diff": unit_change_material_diff(change, unit) if change else [],
        "history": unit_change_history(unit),
        "tab": request.GET.get("tab", "basic"),
        "actions": [a for a in _row_actions(request, unit) if a["key"] != "view"]
        if request.user.is_agent
        else [],
        "page_title": unit.name,
    }
    return render(request, "units/unit_detail.html", context)


@login_required
@require_POST
def unit_submit_view(request, pk):
    unit = unit_get_for(request.user, pk)
    try:
        case = unit_submit(
            actor=request.user,
            unit=unit,
            expected_version=query_int(request.POST, "version", minimum=0),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{unit.name}”已上报，当前状态：{case.status_label}")
    return redirect("units:list")


@login_required
@require_POST
def unit_delete_view(request, pk):
    unit = unit_get_for(request.user, pk)
    was_approved = unit.is_approved
    try:
        unit_delete(actor=request.user, unit=unit)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"已撤销“{unit.name}”的本次编辑，单位仍为审核通过，信息保持不变"
            if was_approved
            else f"“{unit.name}”已删除",
        )
    return redirect("units:list")


@login_required
def unit_search(request):
    """htmx type-ahead: registered units matching the typed name (合并/拆分 picker)."""
    units = unit_search_registered(request.GET.get("q", ""), exclude_pk=query_int(request.GET, "exclude"))
    return render(
        request,
        "units/_search_results.html",
        {
            "units": units,
            "query": request.GET.get("q", "").strip(),
            "target": request.GET.get("target", "merged"),
        },
    )


@login_required
def unit_chip(request, pk):
    """htmx: one picked unit as a removable chip with its hidden input."""
    unit = get_object_or_404(Unit, pk=pk, deleted_at__isnull=True, approved_at__isnull=False)
    return render(
        request, "units/_unit_chip.html", {"picked": unit, "name": request.GET.get("name", "merged_from")}
    )
