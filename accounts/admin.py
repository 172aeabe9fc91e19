from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin

from accounts.models import User
from accounts.services import user_deactivate
from core.masking import mask_id_number


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django appends this warning in English (not translatable): say it in Chinese.
    usable_password_help_text = SetUnusablePasswordMixin.usable_password_help_text + (
        '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
        "禁用后，该用户当前的密码将失效。</li></ul>"
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Staff accounts (reviewers, finance, administrators, auditors) are created here by the administrator.

    What a user may do follows from 角色 (and 所属区县 for district reviewers): Django's groups and
    per-user permissions are not used, so they are not offered.

    A password set here is an initial password: the person must change it at the next login. 停用 (is_active
    off) revokes the account's API tokens. ID numbers are shown masked and are not edited here."""

    list_display = ["username", "real_name", "role", "org", "masked_mobile", "is_active"]
    list_filter = ["role", "org", "is_active"]
    search_fields = ["username", "real_name", "=mobile", "=id_number"]
    readonly_fields = ["masked_id", "realname_verified_at", "password_changed_at"]
    filter_horizontal = ()
    change_password_form = PasswordChangeForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "角色与实名信息",
            {
                "fields": (
                    "role",
                    "org",
                    "real_name",
                    "masked_id",
                    "mobile",
                    "realname_verified_at",
                    "password_changed_at",
                )
            },
        ),
        ("账号状态", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("角色", {"fields": ("role", "org", "real_name")}),
    )

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return mask_id_number(obj.id_number or "") or "—"

    @admin.display(description="手机号")
    def masked_mobile(self, obj):
        return obj.masked_mobile

    def save_model(self, request, obj, form, change):
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        if not change:
            obj.password_changed_at = None  # an initial password: changed at the first login
        super().save_model(request, obj, form, change)
        if deactivated:
            user_deactivate(user=obj, actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            User.objects.filter(pk=id).update(password_changed_at=None)
        return response
