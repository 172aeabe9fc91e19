import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from billing.models import PaymentNotice, PaymentReceipt
from core.errors import DomainError, ErrorCode
from enrollment.selectors import applications_visible_to
from review.models import Status


def notices_awaiting_payment(*, query: str = "") -> QuerySet[PaymentNotice]:
    notices = PaymentNotice.objects.filter(application__case__status=Status.APPROVED).select_related(
        "application__unit", "application__case"
    )
    if query:
        notices = notices.filter(Q(number__icontains=query) | Q(application__unit__name__icontains=query))
    return notices.order_by("due_date", "id")


def receipts_on(day: datetime.date) -> dict:
    receipts = PaymentReceipt.objects.filter(paid_on=day)
    totals = receipts.aggregate(count=Count("id"), amount=Sum("amount"))
    return {
        "count": totals["count"] or 0,
        "amount": totals["amount"] or 0,
        "receipts": receipts.select_related("notice__application__unit"),
    }


def notice_for_application(actor, application_pk) -> PaymentNotice:
    application = get_object_or_404(applications_visible_to(actor), pk=application_pk)
    return get_object_or_404(
        PaymentNotice.objects.select_related("application__unit"), application=application
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
