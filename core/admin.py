"""系统管理: the site's header, and what the administrator may not touch is not registered.

The background queue's task results (django-tasks) and Django's permission groups (roles are the user's
角色 field, not groups) are internal: they are not shown.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django_tasks_db.models import DBTaskResult

from core.audit import verb_label
from core.models import AuditLog

admin.site.site_header = "职工互助保障信息化管理系统 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "系统管理"

for model in (DBTaskResult, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _model_of(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


class VerbFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "verb"

    def lookups(self, request, model_admin):
        verbs = AuditLog.objects.order_by("verb").values_list("verb", flat=True).distinct()
        return [(verb, verb_label(verb)) for verb in verbs]

    def queryset(self, request, queryset):
        return queryset.filter(verb=self.value()) if self.value() else queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: rows written by the services (operations, the review timeline)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """操作日志, read-only, with Chinese labels for the operations, objects and changed fields."""

    list_display = ["at_display", "actor_display", "verb_display", "type_display", "object_repr_display"]
    list_filter = [VerbFilter]
    search_fields = ["object_repr", "object_id"]
    fields = [
        "at_display",
        "actor_display",
        "verb_display",
        "type_display",
        "object_id_display",
        "object_repr_display",
        "changes_display",
    ]
    readonly_fields = fields

    @admin.display(description="时间", ordering="at")
    def at_display(self, obj):
        return obj.at

    @admin.display(description="操作人", ordering="actor")
    def actor_display(self, obj):
        return obj.actor.display_name if obj.actor else "系统"

    @admin.display(description="操作", ordering="verb")
    def verb_display(self, obj):
        return verb_label(obj.verb)

    @admin.display(description="对象类型", ordering="object_type")
    def type_display(self, obj):
        model = _model_of(obj.object_type)
        return model._meta.verbose_name if model else obj.object_type

    @admin.display(description="对象编号")
    def object_id_display(self, obj):
        return obj.object_id

    @admin.display(description="对象")
    def object_repr_display(self, obj):
        return obj.object_repr

    @admin.display(description="变更内容")
    def changes_display(self, obj):
        model = _model_of(obj.object_type)
        labels = {}
        for key in obj.changes or {}:
            try:
                labels[key] = model._meta.get_field(key).verbose_name if model else key
            except FieldDoesNotExist:
                labels[key] = key
        rows = (
            (
                labels[key],
                f"{value[0]} → {value[1]}" if isinstance(value, list) and len(value) == 2 else value,
            )
            for key, value in (obj.changes or {}).items()
        )
        if not obj.changes:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}：{}</li>", rows))
