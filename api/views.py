"""JSON API v1 for agents' HR systems (SPEC §9): units, applications, rosters (read and submit), claims.

Every read is scoped by the same selectors as the web pages; every write goes through the same services.
The OpenAPI document is at /api/openapi.json.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api.auth import api_view, ok
from api.openapi import OPENAPI
from api.selectors import api_token_get_for, api_tokens_of
from api.serializers import application_json, claim_json, import_json, roster_entry_json, unit_json
from api.services import api_token_create, api_token_revoke
from claims.selectors import claims_visible_to
from core.audit import audit_read
from core.errors import BadFile, DomainError, ErrorCode
from core.text import clean_filename
from core.uploads import upload_limit
from enrollment.models import RosterImport
from enrollment.selectors import application_get_for, applications_visible_to, roster_page
from enrollment.services import roster_import_current, roster_upload
from units.selectors import units_visible_to

PAGE_SIZE = 500


@api_view
@require_http_methods(["GET"])
def units(request):
    rows = units_visible_to(request.user).select_related("parent_org", "registration_case__current_step")
    return ok({"results": [unit_json(u) for u in rows.order_by("id")]})


@api_view
@require_http_methods(["GET"])
def applications(request):
    rows = applications_visible_to(request.user).select_related("case__current_step").order_by("-id")
    return ok({"results": [application_json(a) for a in rows[:PAGE_SIZE]]})


@api_view
@require_http_methods(["GET"])
def application(request, pk):
    return ok(application_json(application_get_for(request.user, pk)))


def _raw_body_file(request):
    """The request body (an xlsx posted as is) streamed into a temporary file, at most ROSTER_MAX_BYTES."""
    limit = settings.ROSTER_MAX_BYTES
    name = clean_filename(request.headers.get("X-Filename"), default="roster.xlsx")
    upload = TemporaryUploadedFile(name, "application/octet-stream", 0, None)
    size = 0
    while chunk := request.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            upload.close()
            raise BadFile(f"文件过大：名单文件不能超过 {limit // 1048576} MB", code=ErrorCode.TOO_LARGE)
        upload.write(chunk)
    upload.size = size
    upload.seek(0)
    return upload if size else None


@upload_limit("ROSTER_MAX_BYTES")
@api_view
@require_http_methods(["GET", "POST"])
def roster(request, pk):
    """GET: the roster, PAGE_SIZE rows a page (?page=N). POST: a roster file (multipart field `file`, or the
    xlsx as the raw body); ?only_valid_rows=1 imports the valid rows. Large files continue in the worker."""
    app = application_get_for(request.user, pk)
    if request.method == "GET":
        page = Paginator(roster_page(app), PAGE_SIZE).get_page(request.GET.get("page"))
        audit_read(
            actor=request.user,
            verb="api_read",
            obj=app,
            details={"what": "参保职工名单", "page": page.number, "rows": len(page.object_list)},
        )
        return ok(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": [roster_entry_json(e) for e in page],
            }
        )
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
    else:
        upload = _raw_body_file(request)
    try:
        job = roster_upload(
            actor=request.user,
            application=app,
            upload=upload,
            only_valid_rows=request.GET.get("only_valid_rows") in ("1", "true"),
        )
    finally:
        if upload is not None:
            upload.close()
    return ok(import_json(job), status=201 if job.status == RosterImport.Status.SUCCEEDED else 202)


@api_view
@require_http_methods(["GET"])
def roster_import(request, pk, job_pk):
    job = roster_import_current(application=application_get_for(request.user, pk), pk=job_pk)
    if job is None:
        raise Http404
    return ok(import_json(job))


@api_view
@require_http_methods(["GET"])
def claims(request):
    rows = claims_visible_to(request.user).select_related("member", "case__current_step").order_by("-id")
    rows = list(rows[:PAGE_SIZE])
    audit_read(
        actor=request.user,
        verb="api_read",
        object_type="claims.claim",
        object_repr="保障金申请列表",
        details={"what": "保障金申请", "rows": len(rows)},
    )
    return ok({"results": [claim_json(c) for c in rows]})


def openapi(request):
    return ok(OPENAPI)


# --- token management for agents (web pages) ----------------------------------------------------------


@login_required
def tokens(request):
    """接口令牌: an agent creates a token for their HR system; it is shown once."""
    if not request.user.is_agent:
        raise PermissionDenied
    new_key = request.session.pop("new_api_key", None)
    context = {
        "tokens": api_tokens_of(request.user),
        "new_key": new_key,
        "page_title": "接口令牌",
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_create(request):
    if not request.user.is_agent:
        raise PermissionDenied
    try:
        _token, key = api_token_create(actor=request.user, name=request.POST.get("name"))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("api:tokens")
    request.session["new_api_key"] = key
    messages.success(request, "令牌已生成，请立即复制保存：离开本页后将无法再次查看")
    return redirect("api:tokens")


@login_required
@require_POST
def token_revoke(request, pk):
    token = api_token_get_for(request.user, pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"令牌“{token.name}”已停用")
    return redirect("api:tokens")
