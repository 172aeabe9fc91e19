"""系统管理: the site's header, and what the administrator may not touch is not registered.

The background queue's task results (django-tasks) and Django's permission groups (roles are the user's
角色 field, not groups) are internal: they are not shown.

The audit trail has no admin page: it is read on the 操作日志 screen (audit app) and edited by nobody.
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from django_tasks_db.models import DBTaskResult

admin.site.site_header = "职工互助保障信息化管理系统 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "系统管理"

for model in (DBTaskResult, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: rows written by the services (e.g. the review timeline)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
