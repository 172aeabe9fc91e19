from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
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
    if user.role == user.Role.FINANCE:
        return redirect("billing:workbench")
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


@requires_csrf_token
def server_error(request):
    """500 page with the request id (rendered without context processors: the database may be down)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": getattr(request, "request_id", "")}))
