"""{% heirs_table claim %}: a death claim's 继承人 with masked ID numbers and accounts (「显示完整」 for the
roles that may), their shares, their parts of the amount and, once paid, each heir's payment."""

from django import template

from claims.heirs import heir_parts

register = template.Library()


@register.inclusion_tag("claims/_heirs.html", takes_context=True)
def heirs_table(context, claim):
    payouts = {payout.heir_id: payout for payout in claim.payouts.all() if payout.heir_id}
    rows = [{"heir": heir, "part": part, "payout": payouts.get(heir.pk)} for heir, part in heir_parts(claim)]
    return {
        "user": context.get("user"),
        "claim": claim,
        "rows": rows,
        "approved": claim.approved_amount is not None,
    }
