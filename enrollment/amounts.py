"""The amounts of an application: per plan line (members × fee per member) and the total."""

from enrollment.models import Application
from enrollment.periods import fee_per_member


def recompute_amounts(application: Application) -> None:
    total = 0
    for line in application.plan_lines.select_related("plan"):
        count = application.roster.filter(**{f"shares__{line.plan.code}__isnull": False}).count()
        line.member_count = count
        line.fee_per_member = fee_per_member(
            fee_per_share=line.fee_per_share, shares=line.shares, months=application.months
        )
        line.amount = line.fee_per_member * count
        line.save(update_fields=["member_count", "fee_per_member", "amount"])
        total += line.amount
    Application.objects.filter(pk=application.pk).update(total_amount=total)
    application.total_amount = total
