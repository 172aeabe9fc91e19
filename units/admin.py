from django.contrib import admin

from core.admin_inputs import SafeInputsMixin
from units.models import Unit


@admin.register(Unit)
class UnitAdmin(SafeInputsMixin, admin.ModelAdmin):
    list_display = ["name", "credit_code", "parent_org", "agent", "approved_at", "deleted_at"]
    list_filter = ["parent_org", "nature"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["registration_case", "approved_at", "deleted_at", "agent"]
