from django.contrib import admin

from orgs.models import OrgNode


@admin.register(OrgNode)
class OrgNodeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "kind", "position", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
