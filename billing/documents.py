"""The 缴费通知单 as a PDF (WeasyPrint; Notice Sans SC, the project's cut of Noto Sans CJK SC)."""

import atexit
import io
import threading
from pathlib import Path

from django.template.loader import render_to_string

from billing.selectors import union_account
from core.masking import mask_bank_account, mask_id_number
from core.money import rmb_upper
from core.xlsx import workbook

FONTS = Path(__file__).resolve().parent / "fonts"
# Notice Sans SC (scripts/make_notice_fonts.py: ASCII + GB 2312, 1.5 MB a face) first: WeasyPrint subsets
# every font a document uses, and a subset of the 16 MB system face takes ~150 ms a face and document. A
# character outside the cut is printed by the system's Noto Sans CJK SC. On html: the page footer has it too.
NOTICE_CSS = f"""
@font-face {{ font-family: "Notice Sans SC"; font-weight: normal;
  src: url("{(FONTS / "notice-sans-sc-regular.otf").as_uri()}"); }}
@font-face {{ font-family: "Notice Sans SC"; font-weight: bold;
  src: url("{(FONTS / "notice-sans-sc-bold.otf").as_uri()}"); }}
html {{ font-family: "Notice Sans SC", "Noto Sans CJK SC", sans-serif; }}
"""
NOTICE_LAYOUT = Path(__file__).resolve().parent / "notice_pdf.css"
_renderer = threading.local()  # per thread (gunicorn's threads): WeasyPrint's font objects are not shared
atexit.register(_renderer.__dict__.clear)  # freed before the interpreter tears cffi down


def _stylesheet():
    """The font configuration and the parsed font stylesheet, made once per thread and reused."""
    if not hasattr(_renderer, "css"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _renderer.fonts = FontConfiguration()
        css = NOTICE_CSS + NOTICE_LAYOUT.read_text(encoding="utf-8")
        _renderer.css = CSS(string=css, font_config=_renderer.fonts)
    return _renderer.fonts, _renderer.css


def render_pdf(html: str) -> bytes:
    """HTML (a notice's template, rendered) as PDF bytes, with the notice fonts."""
    from weasyprint import HTML

    fonts, css = _stylesheet()
    return HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts)


def payment_notice_pdf(notice) -> bytes:
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
    return render_pdf(html)


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
