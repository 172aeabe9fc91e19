"""The administrator's forms parse money and text like every other form (core.forms)."""

from decimal import Decimal

from django.db import models

from core.forms import MoneyField, TextField

SAFE_FORMFIELDS = {
    models.DecimalField: {"form_class": MoneyField, "minimum": Decimal("0")},
    models.CharField: {"form_class": TextField},
}


class SafeInputsMixin:
    """ModelAdmin/InlineModelAdmin mixin: strict Decimal for money, cleaned bounded text for CharFields."""

    formfield_overrides = SAFE_FORMFIELDS
