"""Reads of plans and their diseases (reference data, the same for every user)."""

from plans.models import Disease


def diseases_grouped(plan_codes) -> list[tuple[str, list[Disease]]]:
    """The diseases of PLAN_CODES as (plan name, [diseases]) in the order of the plans and their lists —
    the 疾病名称 picker of a 保障金申请."""
    groups: dict[str, list[Disease]] = {}
    diseases = Disease.objects.filter(plan__code__in=plan_codes).select_related("plan", "counts_as")
    for disease in diseases.order_by("plan__position", "position", "id"):
        groups.setdefault(disease.plan.name, []).append(disease)
    return list(groups.items())
