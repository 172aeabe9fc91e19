"""逾期 (finance): unpaid notices past their 截止日期 with the days overdue, and 作废 of one of them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import finance_required
from billing.forms import VoidForm
from billing.selectors import notice_for_confirmation, notices_overdue
from billing.services import notice_void
from core.errors import DomainError


@finance_required
def overdue(request):
    today = timezone.localdate()
    page = Paginator(notices_overdue(request.user, today), 20).get_page(request.GET.get("page"))
    for notice in page:
        notice.days_overdue = (today - notice.due_date).days
    context = {"page": page, "today": today, "form": VoidForm(), "page_title": "逾期缴费"}
    return render(request, "billing/overdue.html", context)


@finance_required
@require_POST
def void(request, pk):
    """作废 with a reason; the application becomes 已作废 (final) and the agent is told."""
    notice = notice_for_confirmation(request.user, pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("billing:overdue")
    try:
        notice_void(actor=request.user, notice=notice, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已作废缴费通知单 {notice.number}（{notice.application.unit.name}）")
    return redirect("billing:overdue")
