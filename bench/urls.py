"""The project's URLs plus /bench/hello/ — a hello-world Django view through the same middleware (the floor
of the page-load benchmark). Only bench.settings (the benchmark's gunicorn) uses this module."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench-hello"), path("", include("config.urls"))]
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
