"""单位信息管理 → 单位注册 (manual §1.1.1): the agent's list with its row actions, 【注册单位信息】
(tab 1), 查看 with 审核明细 and 变更记录, the 合并/拆分 picker; 单位查询 for staff. Scoping lives in
units.selectors."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from accounts.decorators import agent_required
from core.converters import query_int
from core.errors import DomainError
from core.templatetags.ui import BADGE_CLASSES
from orgs.selectors import org_leaves
from review.models import Status
from review.selectors import active_materials
from review.ui import agent_case_actions, agent_urls, without_view
from units.forms import UnitBasicForm
from units.models import UNIT_MATERIAL_SLOTS, Unit
from units.selectors import (
    unit_change_history,
    unit_directory_for,
    unit_get_for,
    unit_list_for_agent,
    unit_registered_get,
    unit_search_registered,
    unit_timelines,
)
from units.services import unit_change_diff, unit_change_material_diff, unit_register

TABS = [("basic", "基本信息"), ("agent", "代办员信息"), ("materials", "材料信息")]

# The state of a pending edit of an approved unit, shown next to its 审核通过.
EDIT_BADGES = {
    Status.DRAFT: ("编辑未上报", "text-bg-warning"),
    Status.RETURNED: ("编辑被退回", "text-bg-danger"),
}


def row_actions(user, unit: Unit) -> list[dict]:
    """上报 / 查看 / 查看退回原因 / 编辑 / 删除 of what the agent is working on: the registration, or the
    pending edit of an approved unit — whose 删除 is 【撤销编辑】 (only the edit goes)."""
    urls = agent_urls("units:", unit.pk)
    cancel_edit = {
        "key": "cancel_edit",
        "label": "撤销编辑",
        "css": "btn-outline-secondary",
        "confirm": f"确定撤销对“{unit.name}”的本次编辑吗？\n"
        "只放弃尚未上报的修改，已审核通过的单位信息保持不变，单位不会被删除。",
    }
    return agent_case_actions(
        unit.editing_case,
        **urls,
        reason_url=urls["detail_url"] + "?tab=timeline",
        delete_confirm=f"确定删除“{unit.name}”吗？",
        may_edit=rules.has_perm("units.edit_unit", user, unit),
        delete=cancel_edit if unit.is_approved else None,
    )


def status_badges(unit: Unit) -> list[dict]:
    """The unit's badges: its registration status; an approved unit with a pending edit stays 审核通过 and
    gets a second badge for the edit (编辑未上报 / 编辑被退回 / 编辑市总审核中)."""
    registration = unit.registration_case
    badges = []
    if registration is not None:
        badges.append(
            {"label": registration.status_label, "css": BADGE_CLASSES.get(registration.status), "key": ""}
        )
    change = unit.open_change if unit.is_approved else None
    if change is not None:
        label, css = EDIT_BADGES.get(change.case.status, (change.case.status_label, "text-bg-primary"))
        badges.append({"label": label, "css": css, "key": "edit"})
    return badges


def tab_context(unit, tab, form=None) -> dict:
    """The three tabs of 注册单位信息 / 编辑单位信息 (units/_form_tabs.html)."""
    return {
        "unit": unit,
        "tab": tab,
        "tabs": TABS,
        "form": form,
        "page_title": "注册单位信息" if unit is None else f"编辑单位信息 · {unit.name}",
        "is_change": unit is not None and unit.is_approved,
    }


@agent_required
def unit_list(request):
    """单位信息管理 → 单位注册: the agent's units."""
    rows = [
        {"unit": u, "badges": status_badges(u), "actions": row_actions(request.user, u)}
        for u in unit_list_for_agent(request.user)
    ]
    return render(request, "units/unit_list.html", {"rows": rows, "page_title": "单位注册"})


@login_required
def unit_directory(request):
    """单位查询 for staff: every unit in their scope, searchable."""
    if request.user.is_agent:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    org_id = query_int(request.GET, "org")
    units = unit_directory_for(request.user, query=query, org_id=org_id)
    page = Paginator(units, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "units/unit_directory.html",
        {"page": page, "query": query, "org_id": org_id, "leaves": org_leaves(), "page_title": "单位查询"},
    )


@agent_required
def unit_create(request):
    """【注册单位信息】 → tab 1 基本信息 → 【保存】."""
    form = UnitBasicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_register(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "基本信息已保存")
            return redirect("units:edit_agent", pk=unit.pk)
    return render(request, "units/unit_form_basic.html", tab_context(None, "basic", form))


@login_required
def unit_detail(request, pk):
    """查看: the data in force, its materials, 审核明细 of every business of the unit, 变更记录."""
    unit = unit_get_for(request.user, pk)
    change = unit.open_change
    context = {
        "unit": unit,
        "case": unit.display_case,
        "badges": status_badges(unit),
        "merged_from": list(unit.merged_from.all()),
        "materials": active_materials(unit.materials_case) if unit.materials_case_id else [],
        "slots": UNIT_MATERIAL_SLOTS,
        "timelines": unit_timelines(unit),
        "change": change,
        "diff": unit_change_diff(change, unit) if change else [],
        "material_diff": unit_change_material_diff(change, unit) if change else [],
        "history": unit_change_history(unit),
        "tab": request.GET.get("tab", "basic"),
        "actions": without_view(row_actions(request.user, unit)) if request.user.is_agent else [],
        "page_title": unit.name,
    }
    return render(request, "units/unit_detail.html", context)


@login_required
def unit_search(request):
    """htmx type-ahead: registered units matching the typed name (合并/拆分 picker)."""
    query = request.GET.get("q", "")
    units = unit_search_registered(request.user, query, exclude_pk=query_int(request.GET, "exclude"))
    return render(
        request,
        "units/_search_results.html",
        {"units": units, "query": query.strip(), "target": request.GET.get("target", "merged")},
    )


@login_required
def unit_chip(request, pk):
    """htmx: one picked unit as a removable chip with its hidden input."""
    unit = unit_registered_get(request.user, pk)
    return render(
        request, "units/_unit_chip.html", {"picked": unit, "name": request.GET.get("name", "merged_from")}
    )
