"""编辑 (manual §1.1.1 and §1.1.2): the three tabs of a registration in 草稿/退回, or of an approved unit —
then the edit is a pending change and the approved data stays in force until the city approves it."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from core.errors import DomainError
from review.registry import business_type_for
from review.selectors import materials_context
from units.forms import UnitBasicForm
from units.selectors import unit_get_for
from units.services import unit_change_save, unit_update_registration
from units.views.registration import tab_context


def _editable_unit(request, pk):
    """(unit, None) when the agent may edit it, else (unit, a redirect to 查看 with the reason)."""
    unit = unit_get_for(request.user, pk)
    if rules.has_perm("units.edit_unit", request.user, unit):
        return unit, None
    case = unit.display_case
    messages.error(request, f"“{unit.name}”当前状态为“{case.status_label}”，不能编辑")
    return unit, redirect("units:detail", pk=unit.pk)


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
            form.add_service_error(error)
        else:
            messages.success(request, "基本信息已保存")
            return redirect("units:edit_agent", pk=unit.pk)
    return render(request, "units/unit_form_basic.html", tab_context(unit, "basic", form))


@login_required
def unit_edit_agent(request, pk):
    """Tab 2 代办员信息: pre-filled from the real-name profile; 【保存】 → tab 3."""
    unit, bounce = _editable_unit(request, pk)
    if bounce:
        return bounce
    if request.method == "POST":
        return redirect("units:edit_materials", pk=unit.pk)
    return render(request, "units/unit_form_agent.html", tab_context(unit, "agent"))


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
    if request.method == "POST":
        missing = business_type_for(case.kind).missing_materials(case)
        if missing:
            messages.warning(request, "材料已保存。上报前还需上传：" + "、".join(missing))
        else:
            messages.success(request, "单位信息已保存，可以上报")
        return redirect("units:list")
    return render(
        request,
        "units/unit_form_materials.html",
        {**tab_context(unit, "materials"), **materials_context(request.user, case)},
    )
