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
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api.auth import api_view, ok
from api.models import ApiToken
from api.openapi import OPENAPI
from api.services import api_token_create, api_token_revoke
from claims.selectors import claims_visible_to
from core.audit import audit_read
from core.errors import BadFile, DomainError, ErrorCode
from core.masking import mask_id_number, mask_mobile
from core.text import bounded_text, clean_filename
from core.uploads import upload_limit
from enrollment.models import RosterImport
from enrollment.selectors import application_get_for, applications_visible_to, roster_page
from enrollment.services import roster_imports_expire, roster_upload
from units.selectors import units_visible_to

PAGE_SIZE = 500


def _unit(u) -> dict:
    case = u.registration_case
    return {
        "id": u.pk,
        "name": u.name,
        "credit_code": u.credit_code,
        "parent_org": u.parent_org.name,
        "status": case.status if case else None,
        "status_label": case.status_label if case else None,
        "approved": u.is_approved,
    }


def _application(a) -> dict:
    return {
        "id": a.pk,
        "unit_id": a.unit_id,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "period_start": a.period_start.isoformat(),
        "period_end": a.period_end.isoformat(),
        "months": a.months,
        "status": a.case.status,
        "status_label": a.case.status_label,
        "roster_count": a.roster_count,
        "over60_count": a.over60_count,
        "total_amount": str(a.total_amount),
        "plans": [
            {
                "code": line.plan.code,
                "name": line.plan.name,
                "shares": line.shares,
                "fee_per_share": str(line.fee_per_share),
                "fee_per_member": str(line.fee_per_member),
                "members": line.member_count,
                "amount": str(line.amount),
            }
            for line in a.plan_lines.select_related("plan")
        ],
    }


def _import(job: RosterImport) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "imported_rows": job.imported_rows,
        "over60_count": job.over60_count,
        "message": job.message,
        "retryable": job.status == RosterImport.Status.FAILED and job.retryable,
        "errors": [{"row": r, "column": c, "message": m} for r, c, m in job.errors[:1000]],
        "error_count": job.error_count,
    }


@api_view
@require_http_methods(["GET"])
def units(request):
    rows = units_visible_to(request.user).select_related("parent_org", "registration_case__current_step")
    return ok({"results": [_unit(u) for u in rows.order_by("id")]})


@api_view
@require_http_methods(["GET"])
def applications(request):
    rows = applications_visible_to(request.user).select_related("case__current_step").order_by("-id")
    return ok({"results": [_application(a) for a in rows[:PAGE_SIZE]]})


@api_view
@require_http_methods(["GET"])
def application(request, pk):
    return ok(_application(application_get_for(request.user, pk)))


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
                "results": [
                    {
                        "row": e.row_number,
                        "name": e.name,
                        "id_number": mask_id_number(e.id_number),
                        "mobile": mask_mobile(e.mobile),
                        "sex": e.sex,
                        "birth_date": e.birth_date.isoformat(),
                        "shares": e.shares,
                    }
                    for e in page
                ],
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
    return ok(_import(job), status=201 if job.status == RosterImport.Status.SUCCEEDED else 202)


@api_view
@require_http_methods(["GET"])
def roster_import(request, pk, job_pk):
    app = application_get_for(request.user, pk)
    roster_imports_expire(application=app)
    return ok(_import(get_object_or_404(RosterImport, pk=job_pk, application=app)))


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
    return ok(
        {
            "results": [
                {
                    "id": c.pk,
                    "unit_id": c.unit_id,
                    "kind": c.kind,
                    "member_name": c.member.name,
                    "member_id_number": mask_id_number(c.member.id_number),
                    "plan": c.plan_choice,
                    "event_date": c.event_date.isoformat(),
                    "disease": c.disease.name if c.disease else None,
                    "status": c.case.status,
                    "status_label": c.case.status_label,
                    "suggested_amount": str(c.suggested_amount),
                    "approved_amount": None if c.approved_amount is None else str(c.approved_amount),
                }
                for c in rows
            ]
        }
    )


def openapi(request):
    return ok(OPENAPI)


# --- token management for agents (web pages) ----------------------------------------------------------


@login_required
def tokens(request):
    """接口令牌: an agent creates a token for their HR system; it is shown once."""
    if not request.user.is_agent:
        raise PermissionDenied
    new_key = request.session.pop("new_api_key", None)
    rows = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    context = {
        "tokens": rows,
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
        name = bounded_text(request.POST.get("name"), label="用途", max_length=50) or "人事系统"
        _token, key = api_token_create(actor=request.user, name=name)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("api:tokens")
    request.session["new_api_key"] = key
    messages.success(request, "令牌已生成，请立即复制保存：离开本页后将无法再次查看")
    return redirect("api:tokens")


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"令牌“{token.name}”已停用")
    return redirect("api:tokens")
