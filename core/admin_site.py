"""The administrator's site (/admin/): every add, change and delete also writes the audit trail, with the
changed fields before → after. Registering a ModelAdmin here adds that behaviour, so no admin page can
bypass the trail. The admin login is the application's login (lockout, expiry and all)."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from core.audit import audit_log
from core.fields import EncryptedJSONField, EncryptedTextField

HIDDEN = "（已修改，内容不记录）"


def _value(form, field_name, value):
    model_field = None
    if getattr(form, "instance", None) is not None:
        try:
            model_field = form.instance._meta.get_field(field_name)
        except Exception:
            model_field = None
    if "password" in field_name or isinstance(model_field, EncryptedTextField | EncryptedJSONField):
        return HIDDEN
    if hasattr(value, "all"):  # a queryset of a many-to-many field
        return "、".join(str(v) for v in value.all()) if hasattr(value, "model") else str(value)
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def form_changes(form) -> dict:
    """{field: [before, after]} of a bound, valid admin form (only the fields that changed)."""
    changes = {}
    for name in form.changed_data:
        before = form.initial.get(name)
        if name in form.fields and hasattr(form.fields[name], "queryset") and before is not None:
            queryset = form.fields[name].queryset
            ids = before if isinstance(before, list | tuple) else [before]
            before = [str(o) for o in queryset.filter(pk__in=[getattr(i, "pk", i) for i in ids])]
        changes[name] = [_value(form, name, before), _value(form, name, form.cleaned_data.get(name))]
    return changes


class AuditedModelAdmin:
    """Mixed into every ModelAdmin registered on the site."""

    def save_model(self, request, obj, form, change):
        request._audit_changes = {**getattr(request, "_audit_changes", {}), **form_changes(form)}
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        inline = getattr(request, "_audit_inline", [])
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.instance.pk:
                inline.append({"object": str(inline_form.instance), "changes": form_changes(inline_form)})
        for deleted in getattr(formset, "deleted_objects", []):
            inline.append({"object": str(deleted), "deleted": True})
        request._audit_inline = inline

    def _audit(self, request, verb, obj, message=""):
        changes = dict(getattr(request, "_audit_changes", {}))
        if getattr(request, "_audit_inline", None):
            changes["inline"] = request._audit_inline
        if message and not changes:
            changes["message"] = str(message)[:500]
        audit_log(actor=request.user, verb=verb, obj=obj, changes=changes)
        request._audit_changes, request._audit_inline = {}, []

    def log_addition(self, request, obj, message):
        self._audit(request, "admin_add", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, "admin_change", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_log(actor=request.user, verb="admin_delete", obj=obj, changes={"deleted": str(obj)})
        return super().log_deletions(request, queryset)


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(admin_class.__name__, (AuditedModelAdmin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)

    def login(self, request, extra_context=None):
        """One login for the whole site: /accounts/login/ (lockout, password expiry, audit)."""
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect(reverse("accounts:login") + "?" + urlencode({REDIRECT_FIELD_NAME: target}))
