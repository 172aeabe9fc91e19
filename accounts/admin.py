from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin

from accounts.models import User


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django appends this warning in English (not translatable): say it in Chinese.
    usable_password_help_text = SetUnusablePasswordMixin.usable_password_help_text + (
        '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
        "禁用后，该用户当前的密码将失效。</li></ul>"
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Staff accounts (reviewers, finance, administrators) are created here by the administrator.

    What a user may do follows from 角色 (and 所属区县 for district reviewers): Django's groups and
    per-user permissions are not used, so they are not offered."""

    list_display = ["username", "real_name", "role", "org", "mobile", "is_active"]
    list_filter = ["role", "org", "is_active"]
    search_fields = ["username", "real_name", "mobile", "id_number"]
    filter_horizontal = ()
    change_password_form = PasswordChangeForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "角色与实名信息",
            {"fields": ("role", "org", "real_name", "id_number", "mobile", "realname_verified_at")},
        ),
        ("账号状态", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("角色", {"fields": ("role", "org", "real_name")}),
    )
