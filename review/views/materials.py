"""材料 of any case: the 上传材料 dialog (htmx), 删除 of a file, a file shown in the page or downloaded —
only for users who may see the case."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.audit import audit_read
from core.errors import DomainError
from review.forms import MaterialUploadForm
from review.selectors import case_get_for, material_get_for, materials_context
from review.services import material_remove, material_upload


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
