from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", include(([path("", core_views.home, name="home")], "core"))),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("healthz/web", core_views.healthz_web, name="healthz-web"),
    path("accounts/", include("accounts.urls")),
    path("units/", include("units.urls")),
    path("review/", include("review.urls")),
    path("enrollment/", include("enrollment.urls")),
    path("billing/", include("billing.urls")),
    path("claims/", include("claims.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
