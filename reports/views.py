"""统计分析 → 统计报表: tables, bar charts and an xlsx export — for city reviewers, finance, administrators
and (their own district only) district reviewers. The numbers come from reports.selectors, the file
from reports.documents."""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.audit import audit_read
from core.converters import query_int
from core.xlsx import CONTENT_TYPE as XLSX
from reports.documents import report_filename, report_xlsx
from reports.selectors import report_cached, report_for


def _staff_only(request):
    if request.user.is_agent or request.user.role == request.user.Role.AUDITOR:
        raise PermissionDenied


def _period(request):
    """(year, its first day, its last day, today) — the year from ?year=, this year by default."""
    today = timezone.localdate()
    year = query_int(request.GET, "year", minimum=2000, maximum=today.year + 1) or today.year
    return year, datetime.date(year, 1, 1), datetime.date(year, 12, 31), today


@login_required
def report(request):
    """统计报表 of the chosen year, per district (with bars for the fees) and per plan."""
    _staff_only(request)
    year, start, end, today = _period(request)
    context = {
        **report_cached(request.user, start=start, end=end, today=today),
        "cache_minutes": -(-settings.REPORT_CACHE_SECONDS // 60),  # whole minutes, rounded up; 0: not cached
        "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "today": today,
        "page_title": "统计报表",
    }
    return render(request, "reports/report.html", context)


@login_required
def report_export(request):
    """【导出Excel】 of the same numbers (two sheets), counted afresh; every export is written to the audit
    trail."""
    _staff_only(request)
    year, start, end, today = _period(request)
    data = report_for(request.user, start=start, end=end, today=today)
    audit_read(
        actor=request.user, verb="report_export", object_type="reports", object_repr=f"统计报表 {year}"
    )
    response = HttpResponse(report_xlsx(data, year=year, today=today), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(report_filename(year))}"
    return response
