"""给付批次 (finance, under /billing/payouts/batches/): 制单 from the waiting claims, 复核 by another
clerk, the bank's batch-transfer file(s), and the bank's result."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import finance_required
from claims.documents import zipped
from claims.forms import BatchCreateForm, BatchSettleForm
from claims.selectors import batch_for, batch_lines, batches_for, payouts_awaiting
from claims.services import payout_batch_check, payout_batch_create, payout_batch_files, payout_batch_settle
from core.errors import DomainError
from core.xlsx import attachment


@finance_required
def batches(request):
    """The batches, the latest first."""
    page = Paginator(batches_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "claims/batches.html", {"page": page, "page_title": "给付批次"})


@finance_required
def batch_create(request):
    """制单: tick waiting claims (or take all of them) and choose the bank's template."""
    waiting = list(payouts_awaiting(request.user))
    form = BatchCreateForm(request.POST or None, waiting=waiting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {claim.pk for claim in waiting if data["everything"] or claim.pk in data["claims"]}
        try:
            batch = payout_batch_create(
                actor=request.user,
                claims=[claim for claim in waiting if claim.pk in chosen],
                template=data["template"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已制单：给付批次 {batch.number}，请由另一位财务人员复核")
            return redirect("billing:batch", pk=batch.pk)
    context = {"form": form, "waiting": waiting, "page_title": "给付批次"}
    return render(request, "claims/batch_create.html", context)


@finance_required
def batch(request, pk):
    """One batch: its lines, and what may be done next (复核, 导出, 登记结果)."""
    batch = batch_for(request.user, pk)
    context = {
        "batch": batch,
        "lines": batch_lines(batch),
        "settle_form": BatchSettleForm(),
        "made_by_me": batch.made_by_id == request.user.pk,
        "page_title": "给付批次",
    }
    return render(request, "claims/batch.html", context)


@require_POST
@finance_required
def batch_check(request, pk):
    try:
        payout_batch_check(actor=request.user, batch=batch_for(request.user, pk))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已复核，可导出代发文件")
    return redirect("billing:batch", pk=pk)


@finance_required
def batch_export(request, pk):
    """【导出代发文件】: one xlsx, or a zip of several when the template's line limit splits the batch."""
    batch = batch_for(request.user, pk)
    try:
        files = payout_batch_files(actor=request.user, batch=batch)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("billing:batch", pk=pk)
    if len(files) == 1:
        return attachment(files[0][1], files[0][0])
    return attachment(zipped(files), f"{batch.number}.zip", content_type="application/zip")


@require_POST
@finance_required
def batch_settle(request, pk):
    """登记银行结果: all paid, or the ticked lines failed, each with its reason."""
    batch = batch_for(request.user, pk)
    form = BatchSettleForm(request.POST)
    failed = [int(value) for value in request.POST.getlist("failed") if value.isdigit()]
    failures = {line_pk: request.POST.get(f"reason_{line_pk}", "") for line_pk in failed}
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("billing:batch", pk=pk)
    try:
        paid, failed_count = payout_batch_settle(
            actor=request.user, batch=batch, paid_on=form.cleaned_data["paid_on"], failures=failures
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"已登记银行结果：给付成功 {paid} 笔（已结案），失败 {failed_count} 笔（退回待给付）"
        )
    return redirect("billing:batch", pk=pk)
