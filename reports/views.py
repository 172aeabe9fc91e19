"""统计报表: tables, bar charts and an xlsx export — for city reviewers, finance, administrators and
(their own district only) district reviewers."""

import datetime
import io
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.audit import audit_read
from core.converters import query_int
from core.xlsx import workbook
from reports.selectors import report_for

COLUMNS = [
    ("label", "名称"),
    ("units", "单位数"),
    ("members", "在保会员数"),
    ("fees", "已收保费（元）"),
    ("claims_filed", "申请保障金（件）"),
    ("claims_paid", "已给付（件）"),
    ("paid_amount", "给付金额（元）"),
]


def _staff_only(request):
    if request.user.is_agent or request.user.role == request.user.Role.AUDITOR:
        raise PermissionDenied


def _period(request):
    today = timezone.localdate()
    year = query_int(request.GET, "year", minimum=2000, maximum=today.year + 1) or today.year
    return year, datetime.date(year, 1, 1), datetime.date(year, 12, 31), today


@login_required
def report(request):
    _staff_only(request)
    year, start, end, today = _period(request)
    data = report_for(request.user, start=start, end=end, today=today)
    for row in data["districts"]:
        row.extra["bar"] = int(row.fees * 100 / data["max_fees"])
    context = {
        **data,
        "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "today": today,
        "page_title": "统计报表",
    }
    return render(request, "reports/report.html", context)


@login_required
def report_xlsx(request):
    _staff_only(request)
    year, start, end, today = _period(request)
    data = report_for(request.user, start=start, end=end, today=today)
    audit_read(
        actor=request.user, verb="report_export", object_type="reports", object_repr=f"统计报表 {year}"
    )
    buffer = io.BytesIO()
    book = workbook(buffer)
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    for title, rows, first in (
        ("按区县", data["districts"], "区县"),
        ("按保障计划", data["plans"], "保障计划"),
    ):
        sheet = book.add_worksheet(title)
        sheet.write_string(0, 0, f"{year}年 统计（在保会员数截至 {today:%Y-%m-%d}）")
        for col, (key, label) in enumerate(COLUMNS):
            if key == "units" and title == "按保障计划":
                label = "参保单位数"  # units with members in force in the plan (not registrations)
            sheet.write_string(2, col, first if col == 0 else label, head)
        for index, row in enumerate([*rows, data["totals"]] if title == "按区县" else rows, start=3):
            for col, (key, _label) in enumerate(COLUMNS):
                value = getattr(row, key)
                if key == "label":
                    sheet.write_string(index, col, value)
                elif key in ("fees", "paid_amount"):
                    sheet.write_number(index, col, float(value), money)
                else:
                    sheet.write_number(index, col, value)
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, len(COLUMNS), 16)
    book.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'统计报表-{year}.xlsx')}"
    return response
