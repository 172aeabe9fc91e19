"""单位信息管理 → 开票信息管理 (manual §1.3): one invoice-information record per approved unit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from core.audit import audit_read
from core.errors import DomainError
from units.forms import InvoiceInfoForm
from units.models import InvoiceInfo
from units.selectors import invoice_infos_visible_to, invoice_rows_for_agent, units_visible_to
from units.services import INVOICE_FIELDS, invoice_info_save


def _agent_only(request):
    if not request.user.is_agent:
        raise PermissionDenied


@login_required
def invoice_list(request):
    _agent_only(request)
    units = invoice_rows_for_agent(request.user)
    missing = [u for u in units if not hasattr(u, "invoice_info")]
    return render(
        request,
        "units/invoice_list.html",
        {"units": units, "missing": missing, "page_title": "开票信息管理"},
    )


def _unit_defaults(unit) -> dict:
    """开一个户头 defaults: 发票抬头 = unit name, 纳税人识别号 = credit code, the address and phone."""
    return {
        "title": unit.name,
        "taxpayer_id": unit.credit_code,
        "address_phone": f"{unit.address} {unit.contact_phone}",
    }


def _save(request, *, unit, instance=None):
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
            form.add_error(None, error.message)
        else:
            messages.success(request, f"“{unit.name}”的开票信息已保存")
            return form, True
    return form, False


@login_required
def invoice_create(request):
    """【新增开票信息】: pick a unit without invoice info; title and taxpayer ID default to the unit's."""
    _agent_only(request)
    candidates = [u for u in invoice_rows_for_agent(request.user) if not hasattr(u, "invoice_info")]
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
        initial = {"mode": InvoiceInfo.Mode.SINGLE}
        if unit is not None:
            initial.update(_unit_defaults(unit))
        form = InvoiceInfoForm(initial=initial)
    context = {"form": form, "unit": unit, "candidates": candidates, "page_title": "新增开票信息"}
    return render(request, "units/invoice_form.html", context)


@login_required
def invoice_edit(request, pk):
    _agent_only(request)
    info = get_object_or_404(invoice_infos_visible_to(request.user), pk=pk)
    if request.method == "POST":
        form, saved = _save(request, unit=info.unit, instance=info)
        if saved:
            return redirect("units:invoices")
    else:
        # 开多个户头 keeps no single-title fields: switching back to 开一个户头 starts from the defaults.
        saved = {field: getattr(info, field) for field in INVOICE_FIELDS}
        initial = {**_unit_defaults(info.unit), **{k: v for k, v in saved.items() if v}}
        form = InvoiceInfoForm(initial=initial)
    context = {"form": form, "unit": info.unit, "info": info, "page_title": "编辑开票信息"}
    return render(request, "units/invoice_form.html", context)


@login_required
def invoice_attachment(request, pk):
    info = get_object_or_404(invoice_infos_visible_to(request.user), pk=pk)
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
    """Finance / city reviewers: every unit's invoice information, searchable."""
    if request.user.role not in (
        request.user.Role.FINANCE,
        request.user.Role.CITY_REVIEWER,
        request.user.Role.ADMIN,
    ):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    infos = invoice_infos_visible_to(request.user)
    if query:
        infos = infos.filter(unit__name__icontains=query) | infos.filter(
            taxpayer_id__istartswith=query.upper()
        )
    without = (
        units_visible_to(request.user).filter(approved_at__isnull=False, invoice_info__isnull=True).count()
    )
    page = Paginator(infos.order_by("unit__name"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "units/invoice_all.html",
        {"page": page, "query": query, "without": without, "page_title": "开票信息查询"},
    )
