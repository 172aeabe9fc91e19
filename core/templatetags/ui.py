from decimal import Decimal

from django import template
from django.conf import settings

from core.validators import mask_id_number
from core.validators import mask_mobile as mask_mobile_number

register = template.Library()

# Status → Bootstrap badge class. The app that owns the statuses registers them (review's AppConfig.ready()),
# so core knows no business status; an unregistered status is shown grey.
BADGE_CLASSES: dict[str, str] = {}


def register_status_badges(classes: dict[str, str]) -> None:
    BADGE_CLASSES.update(classes)


@register.inclusion_tag("core/_status_badge.html")
def status_badge(case):
    """A case's status as a coloured badge (anything with .status and .status_label)."""
    if case is None:
        return {"label": "", "css": ""}
    return {"label": case.status_label, "css": BADGE_CLASSES.get(case.status, "text-bg-secondary")}


@register.filter
def mask_id(value):
    return mask_id_number(value or "")


@register.filter
def mask_mobile(value):
    return mask_mobile_number(value or "")


@register.filter
def money(value):
    """1234.5 → 1,234.50 (元 is added by the template where needed)."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value):,.2f}"


@register.inclusion_tag("core/_field.html")
def bs_field(field, help_text="", col="", mark=False):
    """Render one form field the Bootstrap way: label, widget with the right class, errors."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type in ("radio", "checkbox"):
        css = "form-check-input"
    elif widget.__class__.__name__ in ("Select", "SelectMultiple"):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.field.required:
        attrs["required"] = True
    rendered = field.as_widget(attrs=attrs) if input_type != "radio" else None
    help_text = help_text or field.help_text
    limit = getattr(field.field, "limit_hint", "")  # TextField: "最多N字"
    if limit:
        help_text = f"{help_text}；{limit}" if help_text else limit
    return {
        "field": field,
        "rendered": rendered,
        "help_text": help_text,
        "col": col,
        # mark=True: required in this situation although the form field itself is optional (e.g. 专票).
        "required": field.field.required or mark,
    }


@register.simple_tag
def upload_limit(setting_name: str) -> int:
    """{% upload_limit "ROSTER_MAX_BYTES" %} → the byte limit, for <input type=file data-max-bytes=…>."""
    return int(getattr(settings, setting_name))
