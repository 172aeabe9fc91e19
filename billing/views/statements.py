"""银行流水对账 (finance): upload the bank's statement, see its lines matched / suggested / unmatched,
confirm the matched ones in one action (or a suggested one by hand)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import finance_required
from billing.forms import StatementUploadForm
from billing.models import StatementLine
from billing.selectors import statement_for, statement_line_for, statement_lines, statements_for
from billing.services import statement_confirm_matched, statement_line_confirm, statement_upload
from core.errors import DomainError
from core.uploads import upload_limit


@finance_required
@upload_limit("STATEMENT_MAX_BYTES")
def statements(request):
    """The statements uploaded so far and 【上传银行流水】."""
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            statement, created = statement_upload(actor=request.user, upload=form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            if not created:
                messages.info(
                    request, f"该文件已于 {statement.uploaded_at:%Y-%m-%d %H:%M} 上传过，未作任何变更"
                )
            return redirect("billing:statement", pk=statement.pk)
    page = Paginator(statements_for(request.user), 20).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "page_title": "银行流水对账"}
    return render(request, "billing/statements.html", context)


@finance_required
def statement(request, pk):
    """One statement's lines, by result (?match=…)."""
    statement = statement_for(request.user, pk)
    match = request.GET.get("match", "")
    match = match if match in StatementLine.Match.values else ""
    counted = statements_for(request.user).get(pk=statement.pk)
    tabs = [(value, label, getattr(counted, value)) for value, label in StatementLine.Match.choices]
    page = Paginator(statement_lines(statement, match=match), 50).get_page(request.GET.get("page"))
    context = {
        "statement": counted,
        "tabs": tabs,
        "match": match,
        "page": page,
        "page_title": "银行流水对账",
    }
    return render(request, "billing/statement.html", context)


@require_POST
@finance_required
def confirm_matched(request, pk):
    """【确认全部已匹配】: each matched line through 收款确认, each on its own."""
    statement = statement_for(request.user, pk)
    confirmed, refused = statement_confirm_matched(actor=request.user, statement=statement)
    if confirmed:
        messages.success(request, f"已确认收款 {confirmed} 笔")
    for message in refused[:10]:
        messages.error(request, message)
    if not confirmed and not refused:
        messages.info(request, "没有待确认的已匹配流水")
    return redirect("billing:statement", pk=statement.pk)


@require_POST
@finance_required
def confirm_line(request, pk):
    """【确认】 one suggested (or matched) line by hand."""
    line = statement_line_for(request.user, pk)
    try:
        receipt = statement_line_confirm(actor=request.user, line=line, suggested=True)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已确认收款：{receipt.notice.number}")
    return redirect("billing:statement", pk=line.statement_id)
