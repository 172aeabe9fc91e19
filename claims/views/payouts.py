"""保障金给付 (finance): approved claims awaiting the transfer, and recording one payout → 已结案.

Claims' screens (manual §3) on finance's side, served under finance's URLs (/billing/payouts/, names
billing:payouts and billing:payout_record) beside 收款确认."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.decorators import finance_required
from claims.forms import PayoutForm
from claims.selectors import payout_claim_get_for, payouts_awaiting
from claims.services import claim_payout_record
from core.errors import DomainError


@finance_required
def payouts(request):
    """保障金给付: claims approved by the city, awaiting the transfer."""
    page = Paginator(payouts_awaiting(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "claims/payouts.html", {"page": page, "page_title": "保障金给付"})


@finance_required
def payout_record(request, claim_pk):
    """Record the transfer of the approved amount → 已结案 (once; a second time is refused)."""
    claim = payout_claim_get_for(request.user, claim_pk)
    payout = getattr(claim, "payout", None)
    if payout is not None:  # already paid: show the record, not an empty form
        if request.method == "POST":
            messages.error(request, "该申请已记录给付并结案，无需重复给付")
        context = {"claim": claim, "payout": payout, "page_title": "保障金给付"}
        return render(request, "claims/payout_record.html", context)
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
    context = {"claim": claim, "form": form, "page_title": "保障金给付"}
    return render(request, "claims/payout_record.html", context)
