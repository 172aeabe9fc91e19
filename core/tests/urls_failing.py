"""The site's URLs plus one view that fails, for the 500-page tests."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [*site_urlpatterns, path("boom/", failing_view)]
