"""收款确认 (finance): the notices awaiting payment and the confirmation of one receipt."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.decorators import finance_required
from billing.forms import ReceiptForm
from billing.selectors import notice_for_confirmation, notice_rows_awaiting_payment, receipts_on
from billing.services import payment_confirm
from core.errors import DomainError


@finance_required
def workbench(request):
    """待收款: notices awaiting payment (oldest due first) and today's receipts."""
    query = request.GET.get("q", "").strip()
    page = Paginator(notice_rows_awaiting_payment(request.user, query=query), 20).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    context = {
        "page": page,
        "query": query,
        "today": today,
        "daily": receipts_on(request.user, today),
        "page_title": "收款确认",
    }
    return render(request, "billing/workbench.html", context)


@finance_required
def confirm(request, pk):
    """收款确认: amount, date and bank reference; a different amount is refused."""
    notice = notice_for_confirmation(request.user, pk)
    receipt = getattr(notice, "receipt", None)
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
