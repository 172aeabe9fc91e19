"""Forms of the finance screens: parsing only (bounded dates, strict money, bounded text). The rules
(the amount equals the notice, dates not before the notice or the approval) live in the services."""

from decimal import Decimal

from django import forms

from core.forms import BoundedDateField, MoneyField, TextField
from orgs.models import OrgNode
from plans.models import Plan


class ReceiptForm(forms.Form):
    """收款确认."""

    amount = MoneyField(label="到账金额（元）", maximum=Decimal("999999999999.99"))
    paid_on = BoundedDateField(label="到账日期", years_back=5, years_ahead=0)
    bank_reference = TextField(label="银行流水号", max_length=64)


class LedgerFilterForm(forms.Form):
    """收款记录 / 给付记录's filters: every one optional (core.ledger.ledger_filter applies them)."""

    date_from = BoundedDateField(label="起始日期", years_back=10, required=False)
    date_to = BoundedDateField(label="截止日期", years_back=10, required=False)
    unit = TextField(label="单位名称", max_length=100, required=False)
    district = forms.ModelChoiceField(
        label="上级单位",
        queryset=OrgNode.objects.filter(kind__in=[OrgNode.Kind.DISTRICT, OrgNode.Kind.CITY_DIRECT]),
        required=False,
        empty_label="全部",
    )
    plan = forms.ModelChoiceField(
        label="保障计划", queryset=Plan.objects.all(), required=False, empty_label="全部"
    )
    amount_min = MoneyField(label="最低金额（元）", required=False)
    amount_max = MoneyField(label="最高金额（元）", required=False)
    bank_reference = TextField(label="银行流水号", max_length=64, required=False)

    def filters(self) -> dict:
        """The parsed filters, or none at all while one of them does not parse (the form shows why)."""
        return self.cleaned_data if self.is_valid() else {}


class StatementUploadForm(forms.Form):
    """【上传银行流水】: the file only; billing.statements reads it."""

    file = forms.FileField(
        label="银行流水文件（xlsx / csv）", error_messages={"required": "请选择银行流水文件"}
    )


class VoidForm(forms.Form):
    """作废 an unpaid 缴费通知单: the reason is required (the engine says so when it is empty)."""

    reason = TextField(
        label="作废原因", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InvoiceForm(forms.Form):
    """开票登记; the rules (type from the unit's 开票信息, number shapes, amount, PDF) are the service's."""

    invoice_type = forms.ChoiceField(label="发票类型", choices=[("normal", "普票"), ("special", "专票")])
    code = TextField(label="发票代码（数电发票不填）", max_length=12, required=False)
    number = TextField(label="发票号码", max_length=20)
    issued_on = BoundedDateField(label="开票日期", years_back=5, years_ahead=0)
    amount = MoneyField(label="开票金额（元）", maximum=Decimal("999999999999.99"))
    file = forms.FileField(label="发票文件（PDF）", required=False)
