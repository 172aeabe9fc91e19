"""参保业务经办 (manual §2), screen by screen: applications.py (参保申请: list, form, 查看, 上报/删除),
roster.py (参保职工名单: template, import, progress, errors, export) and members.py (会员查询)."""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from enrollment.documents import XLSX


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def to_roster_tab(application):
    return redirect(reverse("enrollment:detail", args=[application.pk]) + "?tab=roster")
