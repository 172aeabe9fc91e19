from django import template
from django.utils.html import format_html

from audit.reveal import masked_value, may_reveal, token_for
from core.reversing import reverse_plain

register = template.Library()


@register.simple_tag(takes_context=True)
def reveal(context, obj, field):
    """OBJ.FIELD masked and, for a role that may see it, a 「显示完整」 button (htmx, audited)."""
    masked = masked_value(obj, field)
    user = context.get("user")
    if not masked or not may_reveal(user):
        return format_html(
            '<span class="masked-value font-monospace"><span class="masked-text">{}</span></span>', masked
        )
    return format_html(
        '<span class="masked-value font-monospace"><span class="masked-text">{}</span> '
        '<button type="button" class="btn btn-link btn-sm p-0 align-baseline reveal-button" '
        'hx-post="{}" hx-vals=\'{{"t": "{}"}}\' hx-target="closest .masked-value" '
        'hx-swap="outerHTML">显示完整</button></span>',
        masked,
        reverse_plain("audit:reveal"),
        token_for(user, obj, field),
    )
