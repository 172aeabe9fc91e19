from django.contrib import admin

from core.admin_inputs import SafeInputsMixin
from orgs.models import OrgNode


@admin.register(OrgNode)
class OrgNodeAdmin(SafeInputsMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "kind", "position", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
