"""Forms of the finance screens: parsing only (bounded dates, strict money, bounded text). The rules
(the amount equals the notice, dates not before the notice or the approval) live in the services."""

from decimal import Decimal

from django import forms

from core.forms import BoundedDateField, MoneyField, TextField


class ReceiptForm(forms.Form):
    """收款确认."""

    amount = MoneyField(label="到账金额（元）", maximum=Decimal("999999999999.99"))
    paid_on = BoundedDateField(label="到账日期", years_back=5, years_ahead=0)
    bank_reference = TextField(label="银行流水号", max_length=64)
