"""Form fields that parse hostile input safely; every form of the project uses them for text, money, dates.

- TextField: bounded (max_length is required and shown under the field), NUL refused, control and bidi
  characters removed (core.text).
- MoneyField: strict Decimal yuan (core.money.parse_money): no exponent, NaN, infinity, sign or third decimal.
- BoundedDateField: a date inside a plausible range, so that 9999-12-31 never reaches date arithmetic.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from core.dates import date_bounds
from core.errors import DomainError
from core.money import CENT, MONEY_MAX, parse_money
from core.text import UnsafeText, clean_text


class TextField(forms.CharField):
    """A bounded free-text field: max_length must match the model column and is shown in the form."""

    def __init__(self, *, max_length: int, multiline: bool | None = None, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"max_length": "最多可填写%(limit_value)d个字（现在是%(show_value)d个字）"},
        )
        super().__init__(max_length=max_length, **kwargs)
        self.multiline = isinstance(self.widget, forms.Textarea) if multiline is None else multiline

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return clean_text(value, multiline=self.multiline)
        except UnsafeText as error:
            raise ValidationError(str(error), code="null_characters_not_allowed") from None

    @property
    def limit_hint(self) -> str:
        return f"最多{self.max_length}字"


class MoneyField(forms.CharField):
    """An amount in yuan as Decimal (two places), within [minimum, maximum]."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"})

    def __init__(self, *, maximum=None, minimum=None, max_digits=None, decimal_places=None, **kwargs):
        # From a model DecimalField (the admin): its max_digits bound the amount.
        kwargs.pop("max_value", None), kwargs.pop("min_value", None), kwargs.pop("step_size", None)
        if maximum is None:
            maximum = MONEY_MAX if max_digits is None else Decimal(10) ** (max_digits - 2) - CENT
        self.maximum, self.minimum = maximum, CENT if minimum is None else minimum
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            label = str(self.label or "金额").removesuffix("（元）")
            return parse_money(value, label=label, maximum=self.maximum, minimum=self.minimum)
        except DomainError as error:
            raise ValidationError(error.message, code="money") from None

    def prepare_value(self, value):
        return f"{value:.2f}" if hasattr(value, "quantize") else value


class BoundedDateInput(forms.DateInput):
    """<input type=date min=… max=…>, the range worked out when the page is drawn (not at start-up)."""

    input_type = "date"

    def __init__(self, attrs=None, bounds=None):
        super().__init__(attrs, format="%Y-%m-%d")
        self.bounds = bounds

    def get_context(self, name, value, attrs):
        if self.bounds is not None:
            earliest, latest = self.bounds()
            attrs = {**(attrs or {}), "min": earliest.isoformat(), "max": latest.isoformat()}
        return super().get_context(name, value, attrs)


class BoundedDateField(forms.DateField):
    """A date between `years_back` years ago (None: 1900) and `years_ahead` years from today."""

    def __init__(self, *, years_back: int | None = None, years_ahead: int = 0, **kwargs):
        self.years_back, self.years_ahead = years_back, years_ahead
        kwargs.setdefault("error_messages", {"invalid": "请按“年-月-日”填写日期，如 2026-01-31"})
        kwargs.setdefault("widget", BoundedDateInput(bounds=self.bounds))
        super().__init__(**kwargs)

    def bounds(self):
        return date_bounds(years_back=self.years_back, years_ahead=self.years_ahead)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.bounds = result.bounds  # each form's copy asks its own field
        return result

    def to_python(self, value):
        day = super().to_python(value)
        if day is None:
            return None
        earliest, latest = self.bounds()
        if not earliest <= day <= latest:
            raise ValidationError(
                f"{self.label or '日期'}应在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间", code="date_range"
            )
        return day


class MaterialFileInput(forms.ClearableFileInput):
    """A PDF/JPG/PNG chooser that refuses a file over MATERIAL_MAX_BYTES in the browser (core/site.js)."""

    def get_context(self, name, value, attrs):
        from django.conf import settings

        attrs = {
            **(attrs or {}),
            "data-max-bytes": settings.MATERIAL_MAX_BYTES,
            "accept": ".pdf,.jpg,.jpeg,.png",
        }
        return super().get_context(name, value, attrs)
