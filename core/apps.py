from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "公共"

    def ready(self):
        from django.urls import register_converter

        from core.converters import IdConverter

        register_converter(IdConverter, "id")  # before any urls.py is loaded

        from core import tasklog  # noqa: F401  (connects the per-task log line)


class AuditedAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the site whose every edit writes the audit trail (core.admin_site)."""

    default = False
    default_site = "core.admin_site.AuditedAdminSite"
