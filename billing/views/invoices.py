"""开票登记 (finance): the receipts awaiting an invoice, the registration of one; the invoice PDF for whoever
may see the application (the agent, staff) — 404 for anyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render

from accounts.decorators import finance_required
from billing.forms import InvoiceForm
from billing.selectors import invoice_for_application, notice_for_invoice, receipts_awaiting_invoice
from billing.services import invoice_register
from core.audit import audit_read
from core.errors import DomainError


@finance_required
def invoices(request):
    """待开票: confirmed receipts without an invoice, the oldest payment first."""
    page = Paginator(receipts_awaiting_invoice(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "billing/invoices.html", {"page": page, "page_title": "开票登记"})


@finance_required
def invoice_create(request, pk):
    """开票登记 of one paid notice; a registered one shows its invoice instead of a form."""
    notice = notice_for_invoice(request.user, pk)
    info = getattr(notice.application.unit, "invoice_info", None)
    context = {"notice": notice, "info": info, "page_title": "开票登记"}
    invoice = getattr(notice, "invoice", None)
    if invoice is not None:
        return render(request, "billing/invoice.html", {**context, "invoice": invoice})
    receipt = getattr(notice, "receipt", None)
    initial = {"invoice_type": getattr(info, "invoice_type", "") or "normal"}
    if receipt is not None:
        initial.update(amount=receipt.amount, issued_on=receipt.paid_on)
    form = InvoiceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invoice_register(
                actor=request.user, notice=notice, upload=form.cleaned_data.pop("file"), **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已开票登记：{notice.number}（{notice.application.unit.name}）")
            return redirect("billing:invoices")
    return render(request, "billing/invoice.html", {**context, "form": form})


@login_required
def invoice_pdf(request, application_pk):
    """The issued invoice's PDF, streamed after the access check (never a storage URL)."""
    invoice = invoice_for_application(request.user, application_pk)
    audit_read(
        actor=request.user, verb="invoice_view", obj=invoice.notice, details={"number": invoice.number}
    )
    response = FileResponse(
        invoice.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=invoice.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
