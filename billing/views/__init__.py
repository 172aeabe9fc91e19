"""缴费与收款 (finance): 缴费通知单 (notices), 收款确认 (receipts) and, for now, 保障金给付 (payouts)."""

from django.core.exceptions import PermissionDenied


def finance_only(request) -> None:
    if not request.user.is_finance:
        raise PermissionDenied
