"""reports.documents: the 统计报表 workbook written from report rows, without a database."""

import datetime
import io
from decimal import Decimal

from python_calamine import CalamineWorkbook

from reports.documents import report_filename, report_xlsx
from reports.selectors import Row

TODAY = datetime.date(2026, 3, 15)


def book_of(data) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(report_xlsx(data, year=2026, today=TODAY)))


def data(**extra):
    shinan = Row(key=1, label="市南区", units=3, members=40, fees=Decimal("1104.50"), claims_filed=2)
    plan = Row(key=7, label="重大疾病互助保障", units=2, members=30, paid_amount=Decimal("10000.00"))
    totals = Row(key=0, label="合计", units=3, members=40, fees=Decimal("1104.50"), claims_filed=2)
    return {"districts": [shinan], "plans": [plan], "totals": totals, **extra}


def test_the_district_sheet_ends_with_the_totals_and_keeps_money_as_numbers():
    sheet = book_of(data()).get_sheet_by_name("按区县").to_python()

    assert sheet[0][0] == "2026年 统计（在保会员数截至 2026-03-15）"
    assert sheet[2] == [
        "区县",
        "单位数",
        "在保会员数",
        "已收保费（元）",
        "申请保障金（件）",
        "已给付（件）",
        "给付金额（元）",
    ]
    assert sheet[3] == ["市南区", 3, 40, 1104.5, 2, 0, 0.0]
    assert sheet[-1][0] == "合计"


def test_the_plan_sheet_calls_its_unit_column_units_with_members_in_force():
    sheet = book_of(data()).get_sheet_by_name("按保障计划").to_python()

    assert sheet[2][:2] == ["保障计划", "参保单位数"]
    assert sheet[3][:3] == ["重大疾病互助保障", 2, 30]
    assert len(sheet) == 4  # no 合计 row per plan: 重疾+女工 would count twice


def test_a_label_a_spreadsheet_would_run_is_written_as_text():
    rows = data()
    rows["districts"][0].label = '=HYPERLINK("http://x")'

    sheet = book_of(rows).get_sheet_by_name("按区县").to_python()

    assert sheet[3][0] == '\'=HYPERLINK("http://x")'


def test_the_file_is_named_after_the_year():
    assert report_filename(2026) == "统计报表-2026.xlsx"
