"""The 缴费通知单 as a PDF (WeasyPrint, Noto CJK from the system fonts)."""

from django.conf import settings
from django.template.loader import render_to_string

from core.money import rmb_upper


def payment_notice_pdf(notice) -> bytes:
    from weasyprint import HTML

    application = notice.application
    lines = list(application.plan_lines.select_related("plan"))
    html = render_to_string(
        "billing/notice_pdf.html",
        {
            "notice": notice,
            "application": application,
            "unit": application.unit,
            "lines": lines,
            "amount_upper": rmb_upper(notice.amount),
            "account_name": settings.UNION_ACCOUNT_NAME,
            "bank_name": settings.UNION_BANK_NAME,
            "bank_account": settings.UNION_BANK_ACCOUNT,
        },
    )
    return HTML(string=html).write_pdf()
