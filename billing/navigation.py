"""财务管理 in the menu: 收款确认 with the count of notices awaiting it."""

from operator import attrgetter

from django.db.models import Count, Min, Q
from django.utils import timezone

from billing.selectors import notices_awaiting_payment, receipts_awaiting_invoice
from core.navigation import Entry, WaitingWork, waiting_from


def notices_waiting(user) -> WaitingWork:
    """Notices awaiting 收款确认, how many are past their due date, since when the oldest waits."""
    overdue = Q(due_date__lt=timezone.localdate())
    counts = notices_awaiting_payment(user).aggregate(
        n=Count("id"), overdue=Count("id", filter=overdue), oldest=Min("issued_at")
    )
    return waiting_from(
        "billing:workbench",
        "待收款确认",
        counts,
        unit="笔",
        overdue=counts["overdue"],
        overdue_label="已过缴费截止日期",
    )


def invoices_waiting(user) -> WaitingWork:
    """Receipts awaiting 开票登记, since when the oldest waits."""
    counts = receipts_awaiting_invoice(user).aggregate(n=Count("id"), oldest=Min("confirmed_at"))
    return waiting_from("billing:invoices", "待开票", counts, unit="笔")


MENU = (
    Entry("finance", 10, "收款确认", "billing:workbench", attrgetter("is_finance"), waiting=notices_waiting),
    Entry("finance", 12, "逾期缴费", "billing:overdue", attrgetter("is_finance")),
    Entry("finance", 13, "开票登记", "billing:invoices", attrgetter("is_finance"), waiting=invoices_waiting),
    Entry("finance", 15, "银行流水对账", "billing:statements", attrgetter("is_finance")),
    Entry("finance", 40, "收款/给付记录", "billing:history", attrgetter("is_finance")),
)
