import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.audit import audit_read
from core.errors import DomainError
from review.engine import case_transition, steps_ahead
from review.forms import DecisionForm, MaterialUploadForm, QueueFilterForm
from review.models import BusinessKind, Status
from review.registry import business_type_for
from review.selectors import (
    active_materials,
    case_get_for,
    cases_decided_by,
    material_get_for,
    materials_context,
    review_queue_for,
)
from review.services import material_remove, material_upload


def _reviewer_only(request):
    if not request.user.is_reviewer:
        raise PermissionDenied


@login_required
def queue(request):
    """待审核业务: items at my step, oldest first, with filters."""
    _reviewer_only(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = review_queue_for(
        request.user,
        kind=filters.get("kind") or "",
        unit_name=filters.get("unit") or "",
        district_id=filters.get("district"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(cases, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "review/queue.html",
        {
            "page": page,
            "form": form,
            "page_title": "待审核业务",
            "show_district": request.user.is_city_reviewer,
        },
    )


@login_required
def decided(request):
    """已处理业务: what I approved or returned, with its current status."""
    _reviewer_only(request)
    page = Paginator(cases_decided_by(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "review/decided.html", {"page": page, "page_title": "已处理业务"})


@login_required
def case_detail(request, pk):
    """The item under review: the business's tabs, its materials (previewed), the timeline, 通过/退回."""
    case = case_get_for(request.user, pk)
    if request.user.is_agent:
        return redirect(business_type_for(case.kind).agent_url(case))
    business = business_type_for(case.kind)
    if case.kind == BusinessKind.CLAIM:
        audit_read(actor=request.user, verb="claim_view", obj=case, details={"what": "保障金申请（含诊断）"})
    can_decide = rules.has_perm("review.decide_case", request.user, case) and case.status == Status.IN_REVIEW
    context = {
        "case": case,
        "business": business,
        "detail_template": business.detail_template,
        "materials": active_materials(case),
        "slots": business.slots_for(case),
        "transitions": case.transitions.all(),
        "steps_ahead": steps_ahead(case),
        "can_decide": can_decide,
        "can_reject": can_decide and case.workflow.allows_reject,
        "decision_form": DecisionForm(initial={"version": case.version}),
        "page_title": str(case),
        **business.detail_context(case),
    }
    return render(request, "review/case_detail.html", context)


@login_required
@require_POST
def decide(request, pk):
    """通过 / 退回 (reason required) / 不予给付 — through the engine, race-safe."""
    case = case_get_for(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if "reason" in form.errors:
            messages.error(request, f"意见/退回原因{form.errors['reason'][0]}")
        else:
            messages.error(request, "请求无效，请刷新页面后重试")
        return redirect("review:case", pk=case.pk)
    data = form.cleaned_data
    try:
        case = case_transition(
            case=case,
            action=data["action"],
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
            data=request.POST,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("review:case", pk=case.pk)
    messages.success(
        request,
        f"已{dict(form.fields['action'].choices)[data['action']]}：{case.title}，当前状态：{case.status_label}",
    )
    return redirect("review:queue")


@login_required
@require_POST
def material_upload_view(request, pk):
    """htmx target of the 上传材料 dialog: the refreshed list plus a feedback line (out of band)."""
    case = case_get_for(request.user, pk)
    form = MaterialUploadForm(request.POST, request.FILES)
    uploaded, error = None, None
    if not form.is_valid():
        error = next(iter(form.errors.get("file", [])), "请选择材料类型和文件")
    else:
        try:
            uploaded = material_upload(
                case=case,
                slot=form.cleaned_data["slot"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
    return _materials_response(request, case, uploaded=uploaded, upload_error=error)


@login_required
@require_POST
def material_remove_view(request, pk):
    material = material_get_for(request.user, pk)
    error = None
    try:
        material_remove(material=material, actor=request.user)
    except DomainError as exc:
        error = exc.message
    return _materials_response(request, material.case, upload_error=error)


def _materials_response(request, case, **extra):
    case.refresh_from_db()
    return render(request, "review/_upload_result.html", {**materials_context(request.user, case), **extra})


@login_required
def material_preview(request, pk):
    """查看: the file shown in the page (PDF in a frame, images inline) with a download link."""
    material = material_get_for(request.user, pk)
    return render(
        request, "review/material_preview.html", {"material": material, "page_title": material.original_name}
    )


@xframe_options_sameorigin
@login_required
def material_file(request, pk):
    """The bytes, only for users who may see the case; never from a public URL."""
    material = material_get_for(request.user, pk)
    audit_read(
        actor=request.user,
        verb="material_view",
        obj=material.case,
        details={"slot": material.slot, "file": material.original_name},
    )
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=material.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
