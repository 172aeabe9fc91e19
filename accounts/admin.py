from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Staff accounts (reviewers, finance, administrators) are created here by the administrator."""

    list_display = ["username", "real_name", "role", "org", "mobile", "is_active"]
    list_filter = ["role", "org", "is_active"]
    search_fields = ["username", "real_name", "mobile", "id_number"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "角色与实名信息",
            {"fields": ("role", "org", "real_name", "id_number", "mobile", "realname_verified_at")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("角色", {"fields": ("role", "org", "real_name")}),
    )
