"""The 缴费通知单 as a PDF (WeasyPrint, Noto CJK from the system fonts)."""

import io

from django.template.loader import render_to_string

from billing.selectors import union_account
from core.masking import mask_bank_account, mask_id_number
from core.money import rmb_upper
from core.xlsx import workbook


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


RECEIPT_COLUMNS = ("到账日期", "通知单号", "单位", "上级单位", "到账金额（元）", "银行流水号", "确认人")
PAYOUT_COLUMNS = (
    "给付日期", "会员", "身份证号", "单位", "上级单位", "收款人", "开户银行", "银行账号", "给付金额（元）",
    "银行流水号",
)  # fmt: skip


def _sheet(book, title, columns, rows, money_column):
    sheet = book.add_worksheet(title)
    head = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    amount = book.add_format({"num_format": "#,##0.00"})
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, head)
    sheet.set_column(0, len(columns) - 1, 16)
    for index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if col == money_column:
                sheet.write_number(index, col, float(value), amount)
            else:
                sheet.write_string(index, col, str(value or ""))
    sheet.freeze_panes(1, 0)


def ledger_xlsx(receipts, payouts) -> bytes:
    """收款记录 and 给付记录 as two sheets; text as text (core.xlsx), ID numbers and accounts masked."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    receipt_rows = (
        (
            r.paid_on.isoformat(),
            r.notice.number,
            r.notice.application.unit.name,
            r.notice.application.unit.parent_org.name,
            r.amount,
            r.bank_reference,
            r.confirmed_by.display_name,
        )
        for r in receipts
    )
    _sheet(book, "收款记录", RECEIPT_COLUMNS, receipt_rows, money_column=4)
    payout_rows = (
        (
            p.paid_on.isoformat(),
            p.claim.member.name,
            mask_id_number(p.claim.member.id_number),
            p.claim.unit.name,
            p.claim.unit.parent_org.name,
            p.payee[0],  # the heir's for a claim paid to its heirs (one payout each)
            p.payee[1],
            mask_bank_account(p.payee[2]),
            p.amount,
            p.bank_reference,
        )
        for p in payouts
    )
    _sheet(book, "给付记录", PAYOUT_COLUMNS, payout_rows, money_column=8)
    book.close()
    return buffer.getvalue()
