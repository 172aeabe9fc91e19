"""The 缴费通知单 as a PDF (WeasyPrint, Noto CJK from the system fonts)."""

from django.template.loader import render_to_string

from billing.selectors import union_account
from core.money import rmb_upper


def payment_notice_pdf(notice) -> bytes:
    from weasyprint import HTML

    account = union_account()  # before the work: refused with a message while it is not configured
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
            **account,
        },
    )
    return HTML(string=html).write_pdf()
