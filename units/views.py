"""Thin views: parse, call one service, render. Scoping lives in units.selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError
from orgs.selectors import org_leaves
from review.engine import steps_ahead
from review.models import Status
from review.registry import business_type_for
from review.selectors import active_materials
from units.forms import UnitBasicForm
from units.models import Unit
from units.selectors import unit_get_for, unit_list_for_agent, unit_search_registered, units_visible_to
from units.services import unit_delete, unit_register, unit_submit, unit_update_registration

TABS = [("basic", "基本信息"), ("agent", "代办员信息"), ("materials", "材料信息")]


def _agent_only(request):
    if not request.user.has_perm("units.register_unit"):
        raise PermissionDenied


def _row_actions(request, unit: Unit) -> list[dict]:
    """上报 / 查看 / 编辑 / 删除 / 查看退回原因, each shown only when the rules allow it."""
    case = unit.registration_case
    user = request.user
    actions = []
    editable = user.has_perm("units.edit_registration", unit)
    if editable:
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
    actions.append({"key": "view", "label": "查看", "url": reverse("units:detail", args=[unit.pk])})
    if case.status == Status.RETURNED:
        actions.append(
            {
                "key": "reason",
                "label": "查看退回原因",
                "url": reverse("units:detail", args=[unit.pk]) + "?tab=timeline",
                "css": "btn-outline-danger",
            }
        )
    if editable:
        actions.append({"key": "edit", "label": "编辑", "url": reverse("units:edit", args=[unit.pk])})
    if user.has_perm("units.delete_registration", unit):
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


@login_required
def unit_list(request):
    """单位信息管理 → 单位注册: the agent's units."""
    _agent_only(request)
    units = list(unit_list_for_agent(request.user))
    rows = [{"unit": u, "case": u.registration_case, "actions": _row_actions(request, u)} for u in units]
    return render(request, "units/unit_list.html", {"rows": rows, "page_title": "单位注册"})


@login_required
def unit_directory(request):
    """单位查询 for staff: every unit in their scope, searchable."""
    if request.user.is_agent:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    org_id = request.GET.get("org", "")
    units = units_visible_to(request.user).select_related("parent_org", "agent", "registration_case__current_step")
    if query:
        units = units.filter(name__icontains=query) | units.filter(credit_code__istartswith=query.upper())
    if org_id.isdigit():
        units = units.filter(parent_org_id=int(org_id))
    page = Paginator(units.order_by("-id"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "units/unit_directory.html",
        {"page": page, "query": query, "org_id": org_id, "leaves": org_leaves(), "page_title": "单位查询"},
    )


def _tab_context(unit, tab, form=None):
    return {"unit": unit, "tab": tab, "tabs": TABS, "form": form, "page_title": "注册单位信息"}


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
    if request.user.has_perm("units.edit_registration", unit):
        return unit, None
    messages.error(request, f"“{unit.name}”当前状态为“{unit.registration_case.status_label}”，不能编辑")
    return unit, redirect("units:detail", pk=unit.pk)


@login_required
def unit_edit(request, pk):
    """编辑 → tab 1 基本信息 pre-filled."""
    unit, bounce = _editable_unit(request, pk)
    if bounce:
        return bounce
    form = UnitBasicForm(request.POST or None, initial=UnitBasicForm.initial_from(unit))
    if request.method == "POST" and form.is_valid():
        try:
            unit_update_registration(actor=request.user, unit=unit, **form.cleaned_data)
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
    case = unit.registration_case
    business = business_type_for(case.kind)
    if request.method == "POST":
        missing = business.missing_materials(case)
        if missing:
            messages.warning(request, "材料已保存。上报前还需上传：" + "、".join(missing))
        else:
            messages.success(request, "单位信息已保存，可以上报")
        return redirect("units:list")
    context = _tab_context(unit, "materials")
    context.update(
        case=case,
        materials=active_materials(case),
        slots=business.material_slots,
        missing=business.missing_materials(case),
        can_edit_materials=True,
    )
    return render(request, "units/unit_form_materials.html", context)


@login_required
def unit_detail(request, pk):
    """查看: the unit's tabs and 审核明细 (timeline and the steps still ahead)."""
    unit = unit_get_for(request.user, pk)
    case = unit.registration_case
    business = business_type_for(case.kind)
    context = {
        "unit": unit,
        "case": case,
        "merged_from": list(unit.merged_from.all()),
        "materials": active_materials(case),
        "slots": business.material_slots,
        "transitions": case.transitions.all(),
        "steps_ahead": steps_ahead(case),
        "tab": request.GET.get("tab", "basic"),
        "actions": [a for a in _row_actions(request, unit) if a["key"] != "view"] if request.user.is_agent else [],
        "page_title": unit.name,
    }
    return render(request, "units/unit_detail.html", context)


@login_required
@require_POST
def unit_submit_view(request, pk):
    unit = unit_get_for(request.user, pk)
    version = request.POST.get("version")
    try:
        case = unit_submit(
            actor=request.user, unit=unit, expected_version=int(version) if version and version.isdigit() else None
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
    try:
        unit_delete(actor=request.user, unit=unit)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{unit.name}”已删除")
    return redirect("units:list")


@login_required
def unit_search(request):
    """htmx type-ahead: registered units matching the typed name (合并/拆分 picker)."""
    exclude = request.GET.get("exclude")
    units = unit_search_registered(
        request.GET.get("q", ""), exclude_pk=int(exclude) if exclude and exclude.isdigit() else None
    )
    return render(
        request,
        "units/_search_results.html",
        {"units": units, "query": request.GET.get("q", "").strip(), "target": request.GET.get("target", "merged")},
    )


@login_required
def unit_chip(request, pk):
    """htmx: one picked unit as a removable chip with its hidden input."""
    unit = get_object_or_404(Unit, pk=pk, deleted_at__isnull=True, approved_at__isnull=False)
    return render(request, "units/_unit_chip.html", {"picked": unit, "name": request.GET.get("name", "merged_from")})
