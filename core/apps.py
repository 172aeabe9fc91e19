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

        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core import tasklog  # noqa: F401  (connects the per-task log line)
        from core.navigation import note_write

        for signal in (post_save, post_delete, m2m_changed):  # any write makes the menu's counts stale
            signal.connect(note_write, dispatch_uid=f"menu-counts-{signal}")


class AuditedAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the site whose every edit writes the audit trail (core.admin_site)."""

    default = False
    default_site = "core.admin_site.AuditedAdminSite"
