"""Finance workbench (缴费与收款) and the payment notice PDF."""

from decimal import Decimal
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from billing.models import PaymentNotice, PaymentReceipt
from billing.selectors import notice_for_application, notices_awaiting_payment, receipts_on
from billing.services import payment_confirm, payment_notice_document
from claims.models import Claim, Payout
from claims.selectors import payouts_awaiting
from claims.services import claim_payout_record
from core.audit import audit_read
from core.errors import DomainError
from core.forms import BoundedDateField, MoneyField, TextField


class ReceiptForm(forms.Form):
    amount = MoneyField(label="到账金额（元）", maximum=Decimal("999999999999.99"))
    paid_on = BoundedDateField(label="到账日期", years_back=5, years_ahead=0)
    bank_reference = TextField(label="银行流水号", max_length=64)


def _finance_only(request):
    if request.user.role != request.user.Role.FINANCE:
        raise PermissionDenied


@login_required
def workbench(request):
    """待收款: notices awaiting payment (oldest due first) and today's receipts."""
    _finance_only(request)
    query = request.GET.get("q", "").strip()
    page = Paginator(notices_awaiting_payment(query=query), 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "billing/workbench.html",
        {"page": page, "query": query, "today": today, "daily": receipts_on(today), "page_title": "收款确认"},
    )


@login_required
def confirm(request, pk):
    """收款确认: amount, date and bank reference; a different amount is refused."""
    _finance_only(request)
    notice = get_object_or_404(
        PaymentNotice.objects.select_related("application__unit", "application__case"), pk=pk
    )
    receipt = PaymentReceipt.objects.filter(notice=notice).select_related("confirmed_by").first()
    if receipt is not None:  # an old link or a second tab: show the receipt, not an empty form
        if request.method == "POST":
            messages.error(request, f"缴费通知单 {notice.number} 已确认收款，无需重复确认")
        return render(
            request, "billing/confirm.html", {"notice": notice, "receipt": receipt, "page_title": "收款确认"}
        )
    form = ReceiptForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            payment_confirm(actor=request.user, notice=notice, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已确认收款：{notice.number}，{notice.application.unit.name}保期生效")
            return redirect("billing:workbench")
    return render(request, "billing/confirm.html", {"notice": notice, "form": form, "page_title": "收款确认"})


@login_required
def notice_pdf(request, application_pk):
    """【缴费通知单】 PDF for the unit's agent, reviewers and finance."""
    notice = notice_for_application(request.user, application_pk)
    audit_read(actor=request.user, verb="notice_pdf", obj=notice)
    try:
        content = payment_notice_document(notice=notice)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("enrollment:detail", pk=application_pk)
    response = HttpResponse(content, content_type="application/pdf")
    filename = quote(f"缴费通知单-{notice.number}.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


class PayoutForm(forms.Form):
    paid_on = BoundedDateField(label="给付日期", years_back=5, years_ahead=0)
    bank_reference = TextField(label="银行流水号", max_length=64)


@login_required
def payouts(request):
    """保障金给付: claims approved by the city, awaiting the transfer."""
    _finance_only(request)
    page = Paginator(payouts_awaiting(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "billing/payouts.html", {"page": page, "page_title": "保障金给付"})


@login_required
def payout_record(request, claim_pk):
    """Record the transfer of the approved amount → 已结案 (once; a second time is refused)."""
    _finance_only(request)
    claim = get_object_or_404(Claim.objects.select_related("member", "unit", "case"), pk=claim_pk)
    payout = Payout.objects.filter(claim=claim).select_related("recorded_by").first()
    if payout is not None:  # already paid: show the record, not an empty form
        if request.method == "POST":
            messages.error(request, "该申请已记录给付并结案，无需重复给付")
        return render(
            request,
            "billing/payout_record.html",
            {"claim": claim, "payout": payout, "page_title": "保障金给付"},
        )
    form = PayoutForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            claim_payout_record(actor=request.user, claim=claim, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"已记录给付：{claim.member.name} {claim.approved_amount:,.2f} 元，已结案"
            )
            return redirect("billing:payouts")
    return render(
        request, "billing/payout_record.html", {"claim": claim, "form": form, "page_title": "保障金给付"}
    )
