"""安全审计: the 操作日志 screen (search, export), 登录锁定 (unlock) and 「显示完整」."""

from urllib.parse import quote

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from audit.export import audit_xlsx
from audit.forms import AuditFilterForm
from audit.reveal import resolve
from audit.selectors import audit_rows, audit_trail, lockouts_recent
from audit.services import lockout_release
from core.audit import audit_read
from core.errors import DomainError

EXPORT_LIMIT = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _auditors_only(request):
    if not request.user.may_read_audit:
        raise PermissionDenied


@login_required
def log(request):
    """操作日志: every audit row and every review step, newest first, searchable."""
    _auditors_only(request)
    form = AuditFilterForm(request.GET or None)
    page = Paginator(audit_trail(**form.filters()), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": audit_rows(page.object_list),
        "query": query.urlencode(),
        "retention_days": settings.AUDIT_RETENTION_DAYS,
        "page_title": "操作日志",
    }
    return render(request, "audit/log.html", context)


@login_required
def log_export(request):
    """【导出Excel】 of the current search (at most EXPORT_LIMIT rows), masked and formula-safe."""
    _auditors_only(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    rows = audit_rows(audit_trail(**filters)[:EXPORT_LIMIT])
    audit_read(
        actor=request.user,
        verb="audit_export",
        object_type="core.auditlog",
        object_repr="操作日志",
        details={"rows": len(rows), **{k: str(v) for k, v in filters.items() if v}},
    )
    response = HttpResponse(audit_xlsx(rows), content_type=XLSX)
    name = f"操作日志-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _admin_only(request):
    if not request.user.is_admin:
        raise PermissionDenied


@login_required
def lockouts(request):
    """登录锁定: accounts + clients with failed logins in the lockout window; 【解锁】 releases one."""
    _admin_only(request)
    rows = lockouts_recent(request.user)
    context = {
        "rows": rows,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "page_title": "登录锁定",
    }
    return render(request, "audit/lockouts.html", context)


@login_required
@require_POST
def lockout_unlock(request, pk):
    _admin_only(request)
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    try:
        lockout_release(actor=request.user, attempt=attempt)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已解除锁定：{attempt.username}（{attempt.ip_address}）")
    return redirect("audit:lockouts")


@login_required
@require_POST
def reveal(request):
    """「显示完整」 (htmx): the full value in place of the masked one; the read is recorded."""
    found = resolve(request.user, request.POST.get("t", ""))
    if found is None:
        return HttpResponse(
            '<span class="masked-value text-danger small">无法显示，请刷新页面</span>', status=200
        )
    obj, spec, _field = found
    audit_read(actor=request.user, verb="reveal", obj=obj, details={"field": spec.label})
    return HttpResponse(format_html('<span class="masked-value font-monospace">{}</span>', spec.value(obj)))
