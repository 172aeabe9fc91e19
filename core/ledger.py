"""The filters of a money ledger (收款记录, 给付记录): the same six questions asked of any table of transfers.

Each app says which of its columns answers which question (`LedgerPaths`); `ledger_filter` applies the
filters a finance screen parsed (billing.forms.LedgerFilterForm's cleaned_data) and `ledger_totals`
sums them per day or per month in one query each."""

from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import TruncMonth


@dataclass(frozen=True)
class LedgerPaths:
    date: str  # the day the money moved
    amount: str
    unit_name: str
    district: str  # the unit's 上级单位 (an OrgNode)
    plan: str  # a plans.Plan behind the transfer
    reference: str  # 银行流水号


def ledger_filter(queryset: QuerySet, filters: dict, paths: LedgerPaths) -> QuerySet:
    """QUERYSET narrowed by every filter that is set (date range, unit name, district, plan, amount range,
    bank reference)."""
    lookups = {
        "date_from": f"{paths.date}__gte",
        "date_to": f"{paths.date}__lte",
        "unit": f"{paths.unit_name}__icontains",
        "district": paths.district,
        "plan": paths.plan,
        "amount_min": f"{paths.amount}__gte",
        "amount_max": f"{paths.amount}__lte",
        "bank_reference": f"{paths.reference}__icontains",
    }
    conditions = {
        lookup: filters[key] for key, lookup in lookups.items() if filters.get(key) not in (None, "")
    }
    if "plan" in filters and filters.get("plan"):
        # a plan filter joins a to-many relation: keep each row once
        return queryset.filter(pk__in=queryset.model.objects.filter(**conditions).values("pk"))
    return queryset.filter(**conditions)


def ledger_totals(queryset: QuerySet, paths: LedgerPaths, *, monthly: bool) -> dict:
    """{day or first of the month: (count, amount)} for QUERYSET — one query."""
    period = TruncMonth(paths.date) if monthly else F(paths.date)
    rows = (
        queryset.order_by()
        .annotate(period=period)
        .values("period")
        .annotate(count=Count("pk"), amount=Sum(paths.amount))
        .values_list("period", "count", "amount")
    )
    return {day: (count, amount) for day, count, amount in rows}
