from django import forms
from django.core.exceptions import ValidationError

from core.forms import MaterialFileInput, TextField
from core.validators import validate_credit_code
from orgs.selectors import org_get_active, org_leaves
from units.models import InvoiceInfo, Unit
from units.services import BINDING_UNAVAILABLE, INVOICE_FIELDS, FieldRefusal


class ServiceErrorsMixin:
    """Show a service's refusal under the field it is about (FieldRefusal), else above the form."""

    def add_service_error(self, error) -> None:
        field = error.field if isinstance(error, FieldRefusal) and error.field in self.fields else None
        self.add_error(field, error.message)


def grouped_leaf_choices():
    """上级单位 choices grouped as in the tree: 市区 → districts, 市直 → categories. Leaves only."""
    groups: dict[str, list] = {}
    for leaf in org_leaves():
        groups.setdefault(leaf.parent.name if leaf.parent else "", []).append((leaf.pk, leaf.name))
    return [("", "请选择上级单位"), *groups.items()]


class UnitBasicForm(ServiceErrorsMixin, forms.Form):
    """基本信息 tab — parsing only; the rules (leaf 上级单位, merge history, uniqueness) live in
    units.services."""

    name = TextField(label="单位名称", max_length=100)
    credit_code = TextField(label="统一社会信用代码", max_length=40)
    parent_org = forms.TypedChoiceField(label="上级单位", coerce=int)
    nature = forms.ChoiceField(label="单位性质", choices=[("", "请选择"), *Unit.Nature.choices])
    address = TextField(label="单位地址", max_length=200)
    contact_phone = TextField(label="联系人电话", max_length=20)
    employee_count = forms.IntegerField(label="职工人数", min_value=1, max_value=10_000_000)
    union_name = TextField(label="工会名称", max_length=100)
    merge_history = forms.ChoiceField(
        label="是否有过单位合并或拆解",
        choices=Unit.MergeHistory.choices,
        initial=Unit.MergeHistory.NONE,
        widget=forms.RadioSelect,
    )
    merged_from = forms.ModelMultipleChoiceField(
        label="由哪些单位合并/拆解",
        queryset=Unit.objects.filter(deleted_at__isnull=True, approved_at__isnull=False),
        required=False,
        widget=forms.MultipleHiddenInput,
    )

    def __init__(self, *args, exclude_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_org"].choices = grouped_leaf_choices()
        if exclude_pk:
            self.fields["merged_from"].queryset = self.fields["merged_from"].queryset.exclude(pk=exclude_pk)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_credit_code(self):
        return validate_credit_code(self.cleaned_data["credit_code"])

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if not phone.replace("-", "").isdigit() or not 7 <= len(phone) <= 20:
            raise ValidationError("请填写正确的电话号码（手机号或区号-座机号）")
        return phone

    def clean_parent_org(self):
        org = org_get_active(self.cleaned_data["parent_org"])
        if org is None:
            raise ValidationError("上级单位请选择到具体区县或市直类别")
        return org

    @classmethod
    def initial_from(cls, unit) -> dict:
        """Initial values from a Unit or a pending UnitChange (same field names)."""
        return {
            "name": unit.name,
            "credit_code": unit.credit_code,
            "parent_org": unit.parent_org_id,
            "nature": unit.nature,
            "address": unit.address,
            "contact_phone": unit.contact_phone,
            "employee_count": unit.employee_count,
            "union_name": unit.union_name,
            "merge_history": unit.merge_history,
            "merged_from": list(unit.merged_from.all()),
        }


class BindingForm(forms.Form):
    """【单位绑定】: the unit picked from the fuzzy search, the reason, the stamped form."""

    unit = forms.ModelChoiceField(
        label="单位",
        # Only approved units, so "no such unit", "a private draft" and "not approved yet" read the same.
        queryset=Unit.objects.filter(deleted_at__isnull=True, approved_at__isnull=False),
        widget=forms.HiddenInput,
        error_messages={
            "required": "请输入单位名称，并在搜索结果中点击选择要绑定的单位",
            "invalid_choice": BINDING_UNAVAILABLE,
        },
    )
    reason = TextField(label="变更原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    form_file = forms.FileField(
        label="盖章后的代办员变更申请表",
        error_messages={"required": "请上传盖章后的代办员变更申请表"},
        widget=MaterialFileInput,
    )


class BindingReasonForm(forms.Form):
    reason = TextField(label="变更原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class InvoiceInfoForm(ServiceErrorsMixin, forms.Form):
    """开票信息: 开一个户头 (the invoice fields) or 开多个户头 (an attachment). Parses the fields the mode
    needs; the rules (专票 needs 开户行及账号, one record per unit) live in units.services."""

    mode = forms.ChoiceField(
        label="开票方式",
        choices=InvoiceInfo.Mode.choices,
        initial=InvoiceInfo.Mode.SINGLE,
        widget=forms.RadioSelect,
    )
    invoice_type = forms.ChoiceField(
        label="发票类型", choices=[("", "请选择"), *InvoiceInfo.InvoiceType.choices], required=False
    )
    title = TextField(label="发票抬头", max_length=100, required=False)
    taxpayer_id = TextField(label="纳税人识别号", max_length=40, required=False)
    address_phone = TextField(label="注册地址及电话", max_length=200, required=False)
    bank_account = TextField(label="开户行及账号", max_length=200, required=False)
    email = forms.EmailField(label="接收邮箱", max_length=254, required=False)
    attachment = forms.FileField(label="开票说明附件", required=False, widget=MaterialFileInput)

    def clean(self):
        data = super().clean()
        if data.get("mode") == InvoiceInfo.Mode.SINGLE:
            for field in ("invoice_type", "title", "taxpayer_id", "email"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, f"请填写{self.fields[field].label}")
            if data.get("taxpayer_id"):
                try:
                    data["taxpayer_id"] = validate_credit_code(data["taxpayer_id"])
                except ValidationError as error:
                    self.add_error(
                        "taxpayer_id", error.messages[0].replace("统一社会信用代码", "纳税人识别号")
                    )
        return data

    @classmethod
    def initial_for(cls, unit, info=None) -> dict:
        """开一个户头 starts from the unit: 发票抬头 = its name, 纳税人识别号 = its credit code, its address
        and phone; a saved record's own values win. 开多个户头 keeps no single-title fields, so switching
        back starts from these defaults again."""
        initial = {"mode": InvoiceInfo.Mode.SINGLE}
        if unit is not None:
            initial.update(
                {
                    "title": unit.name,
                    "taxpayer_id": unit.credit_code,
                    "address_phone": f"{unit.address} {unit.contact_phone}",
                }
            )
        if info is not None:
            initial.update({field: getattr(info, field) for field in INVOICE_FIELDS if getattr(info, field)})
        return initial
