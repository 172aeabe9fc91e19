"""单位信息管理 → 开票信息管理 (manual §1.3): one invoice-information record per approved unit; 开票信息查询
for finance, city reviewers and the administrator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from accounts.decorators import agent_required
from core.audit import audit_read
from core.errors import DomainError
from units.forms import InvoiceInfoForm
from units.selectors import (
    invoice_info_get_for,
    invoice_infos_search,
    invoice_rows_for_agent,
    units_without_invoice_count,
    units_without_invoice_info,
)
from units.services import invoice_info_save


@agent_required
def invoice_list(request):
    """开票信息管理: the agent's approved units with their invoice info, and the notice for those without."""
    units = invoice_rows_for_agent(request.user)
    missing = [u for u in units if not hasattr(u, "invoice_info")]
    return render(
        request,
        "units/invoice_list.html",
        {"units": units, "missing": missing, "page_title": "开票信息管理"},
    )


def _save(request, *, unit, instance=None):
    """(form, saved) of a posted 开票信息."""
    form = InvoiceInfoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            invoice_info_save(
                actor=request.user,
                unit=unit,
                data=form.cleaned_data,
                attachment=form.cleaned_data.get("attachment"),
                instance=instance,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"“{unit.name}”的开票信息已保存")
            return form, True
    return form, False


@agent_required
def invoice_create(request):
    """【新增开票信息】: pick a unit without invoice info; title and taxpayer ID default to the unit's."""
    candidates = units_without_invoice_info(request.user)
    unit_id = request.POST.get("unit") or request.GET.get("unit") or ""
    unit = next(
        (u for u in candidates if str(u.pk) == unit_id), candidates[0] if len(candidates) == 1 else None
    )
    if request.method == "POST":
        if unit is None:
            messages.error(request, "请选择尚未填写开票信息的单位")
            return redirect("units:invoices")
        form, saved = _save(request, unit=unit)
        if saved:
            return redirect("units:invoices")
    else:
        form = InvoiceInfoForm(initial=InvoiceInfoForm.initial_for(unit))
    context = {"form": form, "unit": unit, "candidates": candidates, "page_title": "新增开票信息"}
    return render(request, "units/invoice_form.html", context)


@agent_required
def invoice_edit(request, pk):
    """编辑 the unit's 开票信息."""
    info = invoice_info_get_for(request.user, pk)
    if request.method == "POST":
        form, saved = _save(request, unit=info.unit, instance=info)
        if saved:
            return redirect("units:invoices")
    else:
        form = InvoiceInfoForm(initial=InvoiceInfoForm.initial_for(info.unit, info))
    context = {"form": form, "unit": info.unit, "info": info, "page_title": "编辑开票信息"}
    return render(request, "units/invoice_form.html", context)


@login_required
def invoice_attachment(request, pk):
    """The 开多个户头 attachment, for whoever may read the unit's invoice info."""
    info = invoice_info_get_for(request.user, pk)
    if not info.attachment:
        raise Http404
    audit_read(
        actor=request.user, verb="invoice_attachment_view", obj=info, details={"file": info.attachment_name}
    )
    response = FileResponse(
        info.attachment.open("rb"), content_type=info.attachment_type, filename=info.attachment_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def invoice_all(request):
    """开票信息查询 — finance, city reviewers, the administrator: every unit's invoice information."""
    if not request.user.sees_everything:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    page = Paginator(invoice_infos_search(request.user, query), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "units/invoice_all.html",
        {
            "page": page,
            "query": query,
            "without": units_without_invoice_count(request.user),
            "page_title": "开票信息查询",
        },
    )
