from django.contrib import admin
from django.urls import include, path

from core import views as core_views

admin.site.site_header = "职工互助保障信息化管理系统 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path("", include(([path("", core_views.home, name="home")], "core"))),
    path("healthz", core_views.healthz, name="healthz"),
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
    path("admin/", admin.site.urls),
]

handler500 = "core.views.server_error"
