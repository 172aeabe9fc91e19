"""统计报表 (SPEC §8): per district and per plan — units, members covered, fees received, claims filed and
paid. Pure reads, scoped by the actor (a district reviewer sees their own district only)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone

from billing.models import PaymentReceipt
from claims.models import ClaimLine, Payout
from enrollment.models import ApplicationPlan, Coverage
from orgs.selectors import org_leaves
from plans.models import Plan
from review.models import Status
from units.models import Unit

ZERO = Decimal("0.00")


@dataclass
class Row:
    key: int
    label: str
    units: int = 0
    members: int = 0
    fees: Decimal = ZERO
    claims_filed: int = 0
    claims_paid: int = 0
    paid_amount: Decimal = ZERO
    extra: dict = field(default_factory=dict)


def _org_filter(actor) -> dict:
    """Restrict to the actor's district, or nothing for city-wide roles."""
    if actor.is_district_reviewer:
        return {"pk": actor.org_id}
    return {}


def report_for(actor, *, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    """统计报表: a Row per district in ACTOR's scope and per active plan — units, members in force TODAY,
    fees received, claims filed and paid between START and END — with the districts' 合计."""
    leaves = [leaf for leaf in org_leaves() if not _org_filter(actor) or leaf.pk == actor.org_id]
    leaf_ids = [leaf.pk for leaf in leaves]
    by_org = {leaf.pk: Row(key=leaf.pk, label=leaf.name) for leaf in leaves}
    plans = list(Plan.objects.filter(is_active=True).order_by("position"))
    by_plan = {plan.pk: Row(key=plan.pk, label=plan.name) for plan in plans}
    _count_units_and_members(by_org, by_plan, leaf_ids, today)
    _sum_fees(by_org, by_plan, leaf_ids, start, end)
    _count_claims_filed(by_org, by_plan, leaf_ids, start, end)
    _sum_payouts(by_org, by_plan, leaf_ids, start, end)

    districts = list(by_org.values())
    max_fees = max((r.fees for r in districts), default=ZERO) or Decimal("1")
    for row in districts:
        row.extra["bar"] = int(row.fees * 100 / max_fees)  # the bar's width in %, the top district full
    return {
        "districts": districts,
        "plans": list(by_plan.values()),
        "totals": _totals(districts),
        "max_fees": max_fees,
    }


def _count_units_and_members(by_org, by_plan, leaf_ids, today) -> None:
    # Every grouped query below is .order_by(): a model's Meta.ordering on a foreign key (Coverage's
    # "plan") left its join in the GROUP BY query although the ORDER BY goes — 38 → 12 ms for the members
    # per district on the 1/50 city (docs/benchmarks.md, Phase 4).
    units = Unit.objects.filter(
        deleted_at__isnull=True, approved_at__isnull=False, parent_org_id__in=leaf_ids
    ).order_by()
    for org_id, count in units.values_list("parent_org_id").annotate(n=Count("id")):
        by_org[org_id].units = count

    in_force = Coverage.objects.filter(
        start__lte=today, end__gte=today, unit__parent_org_id__in=leaf_ids
    ).order_by()
    for org_id, count in in_force.values_list("unit__parent_org_id").annotate(
        n=Count("member_id", distinct=True)
    ):
        by_org[org_id].members = count
    # Per plan, 单位数 is the units with members in force in that plan today (参保单位数).
    for plan_id, members, units_in_plan in in_force.values_list("plan_id").annotate(
        n=Count("member_id", distinct=True), u=Count("unit_id", distinct=True)
    ):
        if plan_id in by_plan:
            by_plan[plan_id].members = members
            by_plan[plan_id].units = units_in_plan


def _sum_fees(by_org, by_plan, leaf_ids, start, end) -> None:
    receipts = PaymentReceipt.objects.filter(
        paid_on__gte=start, paid_on__lte=end, notice__application__unit__parent_org_id__in=leaf_ids
    ).order_by()
    for org_id, amount in receipts.values_list("notice__application__unit__parent_org_id").annotate(
        s=Sum("amount")
    ):
        by_org[org_id].fees = amount or ZERO
    paid_lines = ApplicationPlan.objects.filter(application__payment_notice__receipt__in=receipts).order_by()
    for plan_id, amount in paid_lines.values_list("plan_id").annotate(s=Sum("amount")):
        if plan_id in by_plan:
            by_plan[plan_id].fees = amount or ZERO


def _count_claims_filed(by_org, by_plan, leaf_ids, start, end) -> None:
    filed = (
        ClaimLine.objects.filter(
            # submitted from START's first moment to before the day after END, local time: the same
            # claims as `__date` between them, without converting every case's time in the database
            claim__case__submitted_at__gte=_day_start(start),
            claim__case__submitted_at__lt=_day_start(end + datetime.timedelta(days=1)),
            claim__unit__parent_org_id__in=leaf_ids,
        )
        .exclude(claim__case__status=Status.DELETED)
        .order_by()
    )
    for org_id, count in filed.values_list("claim__unit__parent_org_id").annotate(
        n=Count("claim_id", distinct=True)
    ):
        by_org[org_id].claims_filed = count
    for plan_id, count in filed.values_list("plan_id").annotate(n=Count("claim_id", distinct=True)):
        if plan_id in by_plan:
            by_plan[plan_id].claims_filed = count


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _sum_payouts(by_org, by_plan, leaf_ids, start, end) -> None:
    """Paid claims and amounts by organisation and by plan: two queries of plain values (no model instances:
    a payout's claim and unit would decrypt their encrypted fields, most of the page's time). A claim paid
    to its heirs has one payout per heir: it counts once."""
    payouts = list(
        Payout.objects.filter(
            paid_on__gte=start, paid_on__lte=end, claim__unit__parent_org_id__in=leaf_ids
        ).values_list("claim_id", "amount", "claim__unit__parent_org_id")
    )
    # every payout's claim lines in one query (was one query per paid claim: 9,000 on the full city)
    lines = defaultdict(list)
    claim_ids = Payout.objects.filter(
        paid_on__gte=start, paid_on__lte=end, claim__unit__parent_org_id__in=leaf_ids
    ).values("claim_id")
    for claim_id, plan_id, suggested in ClaimLine.objects.filter(claim_id__in=claim_ids).values_list(
        "claim_id", "plan_id", "suggested_amount"
    ):
        lines[claim_id].append((plan_id, suggested))
    split = defaultdict(lambda: ZERO)
    counted = set()
    for claim_id, amount, org_id in payouts:
        row = by_org[org_id]
        counts = claim_id not in counted
        counted.add(claim_id)
        row.claims_paid += counts
        row.paid_amount += amount
        for plan_id, share in _plan_shares(amount, lines[claim_id]).items():
            split[plan_id] += share
            if plan_id in by_plan and counts:
                by_plan[plan_id].extra["paid_claims"] = by_plan[plan_id].extra.get("paid_claims", 0) + 1
    for plan_id, amount in split.items():
        if plan_id in by_plan:
            by_plan[plan_id].paid_amount = amount.quantize(Decimal("0.01"))
            by_plan[plan_id].claims_paid = by_plan[plan_id].extra.get("paid_claims", 0)


def _plan_shares(amount: Decimal, lines: list[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """A payout split over its claim's plans in proportion to the suggested amounts (重疾+女工 pays both);
    LINES are the claim's (plan id, suggested amount)."""
    suggested = sum((line_suggested for _plan, line_suggested in lines), ZERO)
    if not lines:
        return {}
    if suggested == 0:
        return {plan_id: amount / len(lines) for plan_id, _ in lines}
    return {plan_id: amount * line_suggested / suggested for plan_id, line_suggested in lines}


def _totals(rows: list[Row]) -> Row:
    total = Row(key=0, label="合计")
    for row in rows:
        total.units += row.units
        total.members += row.members
        total.fees += row.fees
        total.claims_filed += row.claims_filed
        total.claims_paid += row.claims_paid
        total.paid_amount += row.paid_amount
    return total


def report_cached(actor, *, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    """report_for, computed at most once per REPORT_CACHE_SECONDS (settings, 300 by default) for the same
    scope (the city, or one district), period and day, in each server process; the answer carries
    `computed_at`, which the page shows (统计时间). On the full city one computation is ~2 s of aggregates
    over a million coverages — too much for every reader of a page that need not be exact to the second."""
    scope = f"org{actor.org_id}" if _org_filter(actor) else "city"
    key = f"reports:v1:{scope}:{start}:{end}:{today}"
    data = cache.get(key)
    if data is None:
        data = {**report_for(actor, start=start, end=end, today=today), "computed_at": timezone.now()}
        cache.set(key, data, settings.REPORT_CACHE_SECONDS)
    return data
