"""统计报表 as an xlsx (【导出Excel】): two sheets, 按区县 (with the 合计 row) and 按保障计划, written
through core.xlsx."""

import datetime
import io

from core.xlsx import workbook

COLUMNS = [
    ("label", "名称"),
    ("units", "单位数"),
    ("members", "在保会员数"),
    ("fees", "已收保费（元）"),
    ("claims_filed", "申请保障金（件）"),
    ("claims_paid", "已给付（件）"),
    ("paid_amount", "给付金额（元）"),
]
MONEY_COLUMNS = ("fees", "paid_amount")


def report_filename(year: int) -> str:
    return f"统计报表-{year}.xlsx"


def report_xlsx(data: dict, *, year: int, today: datetime.date) -> bytes:
    """DATA is reports.selectors.report_for's answer; members are counted on TODAY, money for YEAR."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    formats = {
        "head": book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1}),
        "money": book.add_format({"num_format": "#,##0.00"}),
    }
    title = f"{year}年 统计（在保会员数截至 {today:%Y-%m-%d}）"
    _sheet(book, "按区县", "区县", [*data["districts"], data["totals"]], title, formats)
    # Per plan, 单位数 counts the units with members in force in the plan (not registrations).
    _sheet(book, "按保障计划", "保障计划", data["plans"], title, formats, units_label="参保单位数")
    book.close()
    return buffer.getvalue()


def _sheet(book, name, first, rows, title, formats, *, units_label=None) -> None:
    sheet = book.add_worksheet(name)
    sheet.write_string(0, 0, title)
    for col, (key, label) in enumerate(COLUMNS):
        if col == 0:
            label = first
        elif key == "units" and units_label:
            label = units_label
        sheet.write_string(2, col, label, formats["head"])
    for index, row in enumerate(rows, start=3):
        for col, (key, _label) in enumerate(COLUMNS):
            value = getattr(row, key)
            if key == "label":
                sheet.write_string(index, col, value)
            elif key in MONEY_COLUMNS:
                sheet.write_number(index, col, float(value), formats["money"])
            else:
                sheet.write_number(index, col, value)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(COLUMNS), 16)
