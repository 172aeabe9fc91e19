import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.models import WorkerHeartbeat


@login_required
def home(request):
    user = request.user
    if user.is_agent:
        return redirect("units:list")
    if user.is_reviewer:
        return redirect("review:queue")
    if user.role == user.Role.FINANCE:
        return redirect("billing:workbench")
    if user.role == user.Role.AUDITOR:
        return redirect("audit:log")
    return redirect("units:directory")


@never_cache
def healthz(request):
    """Liveness for load balancers and `make run` watchers: database and background worker."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "error"
    worker = "no worker seen"
    if database == "ok":
        window = timezone.now() - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)
        if WorkerHeartbeat.objects.filter(last_seen__gte=window).exists():
            worker = "ok"
    status = "ok" if database == "ok" else "error"
    return JsonResponse(
        {"status": status, "database": database, "worker": worker}, status=200 if status == "ok" else 503
    )


def favicon(request):
    """/favicon.ico for what has no <link rel="icon"> (PDFs, files, JSON): the static icon."""
    response = redirect(static("core/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
