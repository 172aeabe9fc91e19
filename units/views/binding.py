"""单位信息管理 → 单位绑定 (manual §1.2): a new agent takes over a unit after city review."""

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.decorators import agent_required
from core.audit import audit_read
from core.converters import query_int
from core.errors import DomainError
from core.xlsx import CONTENT_TYPE as XLSX
from review.selectors import active_materials, materials_context, timeline_context
from review.ui import agent_case_actions, agent_urls, without_view
from units.documents import binding_form_xlsx
from units.forms import BindingForm, BindingReasonForm
from units.models import BINDING_MATERIAL_SLOTS, UnitBinding
from units.selectors import binding_get_for, bindings_for_agent
from units.services import unit_binding_create, unit_binding_update


def _actions(binding: UnitBinding) -> list[dict]:
    """上报 / 查看 / 查看退回原因 / 编辑 / 删除 of a binding request."""
    return agent_case_actions(
        binding.case,
        **agent_urls("units:binding_", binding.pk),
        delete_confirm=f"确定删除对“{binding.unit.name}”的绑定申请吗？",
    )


@agent_required
def binding_list(request):
    """单位绑定: the agent's binding requests with their statuses and actions."""
    rows = [{"binding": b, "case": b.case, "actions": _actions(b)} for b in bindings_for_agent(request.user)]
    return render(request, "units/binding_list.html", {"rows": rows, "page_title": "单位绑定"})


@agent_required
def binding_template(request):
    """【绑定模板下载】: the change-of-agent form for this agent (with the unit, from a request)."""
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


@agent_required
def binding_create(request):
    """【单位绑定】: type the unit name, pick it, upload the stamped form, 【保存】."""
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


@agent_required
def binding_detail(request, pk):
    """查看 a binding request: its reason, the stamped form, 审核明细."""
    binding = binding_get_for(request.user, pk)
    case = binding.case
    context = {
        "binding": binding,
        "unit": binding.unit,
        "case": case,
        "materials": active_materials(case),
        "slots": BINDING_MATERIAL_SLOTS,
        **timeline_context(case),
        "actions": without_view(_actions(binding)),
        "page_title": f"单位绑定 · {binding.unit.name}",
    }
    return render(request, "units/binding_detail.html", context)


@agent_required
def binding_edit(request, pk):
    """编辑 a request in 草稿/退回: the reason, and the form in the materials list (删除 / 上传材料)."""
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
