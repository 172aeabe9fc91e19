from django.contrib import admin

from core.admin_inputs import SafeInputsMixin
from units.models import Unit


@admin.register(Unit)
class UnitAdmin(SafeInputsMixin, admin.ModelAdmin):
    list_display = ["name", "credit_code", "parent_org", "agent", "approved_at", "deleted_display"]
    list_filter = ["parent_org", "nature"]
    search_fields = ["name", "credit_code"]
    fields = [
        "name",
        "credit_code",
        "parent_org",
        "nature",
        "address",
        "contact_phone",
        "employee_count",
        "union_name",
        "merge_history",
        "merged_from",
        "agent",
        "registration_display",
        "approved_at",
        "deleted_display",
    ]
    readonly_fields = ["agent", "registration_display", "approved_at", "deleted_display"]
    filter_horizontal = ["merged_from"]

    @admin.display(description="注册业务")
    def registration_display(self, obj):
        case = obj.registration_case
        return f"{case.title}（{case.status_label}）" if case else "—"

    @admin.display(description="删除时间", ordering="deleted_at")
    def deleted_display(self, obj):
        return obj.deleted_at or "—"
