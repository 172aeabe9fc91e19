from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from core import health


@login_required
def home(request):
    user = request.user
    if user.is_agent:
        return redirect("units:list")
    if user.is_reviewer:
        return redirect("review:queue")
    if user.is_finance:
        return redirect("billing:workbench")
    if user.is_auditor:
        return redirect("audit:log")
    return redirect("units:directory")


@never_cache
def healthz(request):
    """Monitoring: database, storage, queue depth, oldest waiting task, live workers; 503 when any is down."""
    healthy, details = health.report()
    return JsonResponse(details, status=200 if healthy else 503)


@never_cache
def healthz_web(request):
    """For the load balancer: can THIS web node serve (database and storage)? A dead worker must not take
    every web node out of rotation, so workers are left to /healthz and the monitoring."""
    healthy, details = health.report(with_workers=False)
    return JsonResponse(details, status=200 if healthy else 503)


def favicon(request):
    """/favicon.ico for what has no <link rel="icon"> (PDFs, files, JSON): the static icon."""
    response = redirect(static("core/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def refuse(request, *, status: int, message: str, code: str = "invalid", title: str = "提交的内容无法处理"):
    """A refusal before any view ran: JSON for the API, a feedback line for htmx, else a Chinese page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": code, "message": message}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    if request.headers.get("HX-Request"):
        response = HttpResponse(f'<div class="text-danger small">{escape(message)}</div>', status=status)
        response["HX-Retarget"] = "#upload-feedback"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "core/refused.html", {"title": title, "message": message}, status=status)


def too_large(request, limit: int, *, files: bool):
    what = "上传的文件" if files else "提交的内容"
    return refuse(
        request,
        status=413,
        code="too_large",
        title="提交的内容过大",
        message=f"{what}超过了 {limit / 1048576:.0f} MB 的上限，系统没有接收。",
    )


def not_found(request, exception=None):
    """404: the API answers JSON like its views do; pages get the Chinese 404 page."""
    if request.path_info.startswith("/api/"):
        return refuse(request, status=404, code="not_found", message="不存在或无权访问")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


@requires_csrf_token
def server_error(request):
    """500 page with the request id (rendered without context processors: the database may be down)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": getattr(request, "request_id", "")}))
