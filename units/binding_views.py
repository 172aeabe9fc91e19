"""单位信息管理 → 单位绑定 (manual §1.2): a new agent takes over a unit after city review."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.audit import audit_read
from core.converters import query_int
from core.errors import DomainError
from review.engine import steps_ahead
from review.models import Action
from review.selectors import active_materials, materials_context
from review.web import agent_case_actions, agent_transition
from units.documents import binding_form_xlsx
from units.forms import BindingForm, BindingReasonForm
from units.models import BINDING_MATERIAL_SLOTS, UnitBinding
from units.selectors import binding_get_for, bindings_for_agent
from units.services import unit_binding_create, unit_binding_update

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _agent_only(request):
    if not request.user.is_agent:
        raise PermissionDenied


def _actions(binding: UnitBinding, *, on_detail=False) -> list[dict]:
    detail = reverse("units:binding_detail", args=[binding.pk])
    actions = agent_case_actions(
        binding.case,
        detail_url=detail,
        submit_url=reverse("units:binding_submit", args=[binding.pk]),
        edit_url=reverse("units:binding_edit", args=[binding.pk]),
        delete_url=reverse("units:binding_delete", args=[binding.pk]),
        delete_confirm=f"确定删除对“{binding.unit.name}”的绑定申请吗？",
    )
    return [a for a in actions if not (on_detail and a["key"] == "view")]


@login_required
def binding_list(request):
    _agent_only(request)
    rows = [{"binding": b, "case": b.case, "actions": _actions(b)} for b in bindings_for_agent(request.user)]
    return render(request, "units/binding_list.html", {"rows": rows, "page_title": "单位绑定"})


@login_required
def binding_template(request):
    """【绑定模板下载】: the change-of-agent form for this agent (with the unit, from a request)."""
    _agent_only(request)
    unit = None
    binding_id = query_int(request.GET, "binding")
    if binding_id is not None:
        unit = binding_get_for(request.user, binding_id).unit
    content = binding_form_xlsx(requester=request.user, unit=unit)
    audit_read(
        actor=request.user,
        verb="binding_form_export",
        obj=unit,
        object_type="units.unit",
        object_repr=unit.name if unit else "代办员变更申请表",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('代办员变更申请表.xlsx')}"
    return response


@login_required
def binding_create(request):
    """【单位绑定】: type the unit name, pick it, upload the stamped form, 【保存】."""
    _agent_only(request)
    form = BindingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            binding = unit_binding_create(
                actor=request.user, unit=data["unit"], reason=data["reason"], upload=data["form_file"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"绑定申请已保存：{binding.unit.name}。请核对后点击【上报】")
            return redirect("units:bindings")
    picked = form.cleaned_data.get("unit") if form.is_bound and hasattr(form, "cleaned_data") else None
    return render(
        request, "units/binding_form.html", {"form": form, "picked": picked, "page_title": "单位绑定"}
    )


@login_required
def binding_detail(request, pk):
    _agent_only(request)
    binding = binding_get_for(request.user, pk)
    case = binding.case
    context = {
        "binding": binding,
        "unit": binding.unit,
        "case": case,
        "materials": active_materials(case),
        "slots": BINDING_MATERIAL_SLOTS,
        "transitions": case.transitions.all(),
        "steps_ahead": steps_ahead(case),
        "actions": _actions(binding, on_detail=True),
        "page_title": f"单位绑定 · {binding.unit.name}",
    }
    return render(request, "units/binding_detail.html", context)


@login_required
def binding_edit(request, pk):
    """编辑 a request in 草稿/退回: the reason, and the form in the materials list (删除 / 上传材料)."""
    _agent_only(request)
    binding = binding_get_for(request.user, pk)
    case = binding.case
    if not case.is_editable:
        messages.error(request, f"当前状态为“{case.status_label}”，不能编辑")
        return redirect("units:binding_detail", pk=binding.pk)
    form = BindingReasonForm(request.POST or None, initial={"reason": binding.reason})
    if request.method == "POST" and form.is_valid():
        try:
            unit_binding_update(actor=request.user, binding=binding, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "绑定申请已保存")
            return redirect("units:bindings")
    context = {
        **materials_context(request.user, case),
        "binding": binding,
        "form": form,
        "page_title": f"编辑绑定申请 · {binding.unit.name}",
    }
    return render(request, "units/binding_edit.html", context)


@login_required
@require_POST
def binding_submit(request, pk):
    _agent_only(request)
    binding = binding_get_for(request.user, pk)
    agent_transition(request, binding.case, Action.SUBMIT, success="绑定申请已上报，当前状态：{status}")
    return redirect("units:bindings")


@login_required
@require_POST
def binding_delete(request, pk):
    _agent_only(request)
    binding = binding_get_for(request.user, pk)
    agent_transition(request, binding.case, Action.DELETE, success="绑定申请已删除")
    return redirect("units:bindings")
