"""{% case_reason case %}: the reason of a return or a 不予给付, by the one rule of review.ui."""

from django import template

from review.ui import case_reason as reason_of

register = template.Library()


@register.inclusion_tag("review/_case_reason.html", takes_context=True)
def case_reason(context, case):
    user = context.get("user")
    return {"reason": reason_of(case), "for_agent": bool(user and user.is_authenticated and user.is_agent)}
