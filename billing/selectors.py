"""Reads of billing, scoped by the actor: finance works the notices and receipts; the notice PDF is open
to whoever may see its application."""

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from billing.models import BankStatement, IssuedInvoice, PaymentNotice, PaymentReceipt, StatementLine
from core.errors import DomainError, ErrorCode
from core.ledger import LedgerPaths, ledger_filter, ledger_totals
from review.models import Status
from review.selectors import cases_visible_to


def _for_finance(actor, queryset: QuerySet) -> QuerySet:
    return queryset if actor.is_finance else queryset.none()


def notices_awaiting_payment(actor, *, query: str = "") -> QuerySet[PaymentNotice]:
    """收款确认's list: notices of approved applications not yet paid, the earliest due first."""
    notices = PaymentNotice.objects.filter(application__case__status=Status.APPROVED).select_related(
        "application__unit", "application__case"
    )
    if query:
        notices = notices.filter(Q(number__icontains=query) | Q(application__unit__name__icontains=query))
    return _for_finance(actor, notices).order_by("due_date", "id")


def notice_rows_awaiting_payment(actor, *, query: str = "") -> QuerySet[PaymentNotice]:
    """收款确认's table: `notices_awaiting_payment` with only the columns it shows (number, unit, type,
    amount, due date) — not every column of the notice, its application, case and unit."""
    return (
        notices_awaiting_payment(actor, query=query)
        .select_related(None)
        .select_related("application__unit")
        .only("number", "amount", "due_date", "application__kind", "application__unit__name")
    )


def notices_overdue(actor, today: datetime.date) -> QuerySet[PaymentNotice]:
    """逾期: unpaid notices past their 截止日期, the longest overdue first (days_overdue = today − due)."""
    notices = notices_awaiting_payment(actor).filter(due_date__lt=today, receipt__isnull=True)
    return notices.order_by("due_date", "id")


def receipts_awaiting_invoice(actor) -> QuerySet[PaymentReceipt]:
    """待开票: confirmed receipts whose notice has no invoice yet, the oldest payment first."""
    receipts = PaymentReceipt.objects.filter(notice__invoice__isnull=True).select_related(
        "notice__application__unit__invoice_info"
    )
    return _for_finance(actor, receipts).order_by("paid_on", "id")


def notice_for_invoice(actor, pk) -> PaymentNotice:
    """A notice for 开票登记 (finance), with its receipt, invoice and the unit's 开票信息."""
    notices = PaymentNotice.objects.select_related(
        "application__unit__invoice_info", "receipt", "invoice__recorded_by"
    )
    return get_object_or_404(_for_finance(actor, notices), pk=pk)


def invoice_for_application(actor, application_pk) -> IssuedInvoice:
    """The issued invoice of an application the actor may see (404 for anyone else and before 开票)."""
    return get_object_or_404(
        IssuedInvoice.objects.select_related("notice__application"),
        notice__application_id=application_pk,
        notice__application__case__in=cases_visible_to(actor),
    )


def receipts_on(actor, day: datetime.date) -> dict:
    """The receipts confirmed for DAY: count, total and the rows."""
    receipts = _for_finance(actor, PaymentReceipt.objects.filter(paid_on=day))
    totals = receipts.aggregate(count=Count("id"), amount=Sum("amount"))
    return {
        "count": totals["count"] or 0,
        "amount": totals["amount"] or 0,
        "receipts": receipts.select_related("notice__application__unit"),
    }


RECEIPT_PATHS = LedgerPaths(
    date="paid_on",
    amount="amount",
    unit_name="notice__application__unit__name",
    district="notice__application__unit__parent_org",
    plan="notice__application__plan_lines__plan",
    reference="bank_reference",
)


def receipts_history(actor, filters: dict) -> QuerySet[PaymentReceipt]:
    """收款记录 (finance): every confirmed receipt matching FILTERS, the latest first."""
    receipts = ledger_filter(PaymentReceipt.objects.all(), filters, RECEIPT_PATHS)
    return (
        _for_finance(actor, receipts)
        .select_related("notice__application__unit__parent_org", "confirmed_by")
        .order_by("-paid_on", "-id")
    )


def ledger_summary(receipts: QuerySet, payouts: QuerySet, payout_paths: LedgerPaths, *, monthly: bool):
    """Totals in (收款) and out (给付) per day or per month, the latest first: two queries."""
    incoming = ledger_totals(receipts, RECEIPT_PATHS, monthly=monthly)
    outgoing = ledger_totals(payouts, payout_paths, monthly=monthly)
    rows = []
    for period in sorted(incoming.keys() | outgoing.keys(), reverse=True):
        in_count, in_amount = incoming.get(period, (0, 0))
        out_count, out_amount = outgoing.get(period, (0, 0))
        rows.append(
            {
                "period": period,
                "in_count": in_count,
                "in_amount": in_amount,
                "out_count": out_count,
                "out_amount": out_amount,
            }
        )
    return rows


def notice_for_confirmation(actor, pk) -> PaymentNotice:
    """A notice for 收款确认, with its receipt when it has one (`getattr(notice, "receipt", None)`)."""
    notices = PaymentNotice.objects.select_related(
        "application__unit", "application__case", "receipt__confirmed_by"
    )
    return get_object_or_404(_for_finance(actor, notices), pk=pk)


def notice_for_application(actor, application_pk) -> PaymentNotice:
    """The 缴费通知单 of an application the actor may see (404 for anyone else, and before approval)."""
    return get_object_or_404(
        PaymentNotice.objects.select_related("application__unit"),
        application_id=application_pk,
        application__case__in=cases_visible_to(actor),
    )


UNION_ACCOUNT_MISSING = (
    "工会收款账户尚未配置（收款户名、开户银行、银行账号），暂不能出具缴费通知单。"
    "请联系系统管理员配置后再办理。"
)


def union_account() -> dict:
    """The union's receiving account from settings (UNION_ACCOUNT_NAME, UNION_BANK_NAME,
    UNION_BANK_ACCOUNT). Every notice prints it, so none is issued or printed while one is unset."""
    account = {
        "account_name": settings.UNION_ACCOUNT_NAME,
        "bank_name": settings.UNION_BANK_NAME,
        "bank_account": settings.UNION_BANK_ACCOUNT,
    }
    if not all((value or "").strip() for value in account.values()):
        raise DomainError(UNION_ACCOUNT_MISSING, code=ErrorCode.INCOMPLETE)
    return account


def statements_for(actor) -> QuerySet:
    """银行流水对账's list: the uploaded statements, the latest first, with their lines counted by result."""
    counts = {match: Count("lines", filter=Q(lines__match=match)) for match in StatementLine.Match.values}
    statements = BankStatement.objects.select_related("uploaded_by").annotate(**counts)
    statements = statements.order_by("-uploaded_at", "-id")  # an aggregate drops Meta.ordering
    return _for_finance(actor, statements)


def statement_for(actor, pk):
    return get_object_or_404(_for_finance(actor, BankStatement.objects.all()), pk=pk)


def statement_lines(statement, *, match: str = "") -> QuerySet:
    """The statement's lines (one result, or all), with the notice and unit each names."""
    lines = statement.lines.select_related("notice__application__unit", "receipt")
    return lines.filter(match=match) if match else lines


def statement_line_for(actor, pk):
    return get_object_or_404(_for_finance(actor, StatementLine.objects.select_related("statement")), pk=pk)
