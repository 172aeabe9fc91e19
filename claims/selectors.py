"""Reads of claims, scoped by the actor, and the coverage facts the eligibility engine needs."""

from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from claims.eligibility import CoverageFact, PlanFact
from claims.medical import Rule, Usage
from claims.models import Claim, ClaimLine, MedicalReceipt, Payout, PayoutBatch, PayoutBatchLine
from core.ledger import LedgerPaths, ledger_filter
from enrollment.models import Coverage, Member
from plans.models import MedicalRule, Plan
from review.models import Status
from review.selectors import scope_business
from units.selectors import units_visible_to


def claims_visible_to(actor) -> QuerySet[Claim]:
    return scope_business(actor, Claim.objects.all())


def claim_list_for(actor, *, kind: str = "", status: str = "", query: str = "") -> QuerySet[Claim]:
    claims = claims_visible_to(actor).select_related("unit", "member", "case__current_step")
    if kind:
        claims = claims.filter(kind=kind)
    if status:
        claims = claims.filter(case__status=status)
    if query:
        claims = claims.filter(member__name__icontains=query) | claims.filter(member__id_number=query.upper())
    return claims.order_by("-id")


def claim_get_for(actor, pk) -> Claim:
    return get_object_or_404(
        claims_visible_to(actor)
        .select_related("unit__parent_org", "member", "case__current_step", "case__workflow")
        .prefetch_related(Prefetch("receipts", queryset=MedicalReceipt.objects.order_by("position", "id"))),
        pk=pk,
    )


def claim_lines(claim: Claim) -> list[ClaimLine]:
    """The claim's lines (one per plan: 份 and the suggested amount)."""
    return list(claim.lines.select_related("plan"))


def plan_fact(plan: Plan, *, disease_names: frozenset[str] | None = None) -> PlanFact:
    """The plan as the rules read it; DISEASE_NAMES, when the caller already knows which of the plan's
    diseases the rules will ask about, saves reading all of them."""
    if disease_names is None:
        disease_names = frozenset(plan.diseases.values_list("name", flat=True))
    return PlanFact(
        code=plan.code,
        name=plan.name,
        waiting_days=plan.waiting_days,
        claim_deadline_days=plan.claim_deadline_days,
        female_only=plan.sex == Plan.Sex.FEMALE,
        benefit_per_share=plan.benefit_per_share,
        disease_names=disease_names,
    )


def coverage_facts(member: Member, plans: list[Plan]) -> dict[int, list[CoverageFact]]:
    """All the member's coverage of each of PLANS, in every unit (the waiting-period chain may cross
    units), by plan id — one query for any number of plans."""
    codes = {plan.pk: plan.code for plan in plans}
    facts: dict[int, list[CoverageFact]] = {pk: [] for pk in codes}
    rows = Coverage.objects.filter(member=member, plan__in=list(codes)).values_list(
        "plan_id", "unit_id", "start", "end", "shares"
    )
    for plan_id, unit_id, start, end, shares in rows:
        facts[plan_id].append(CoverageFact(codes[plan_id], unit_id, start, end, shares))
    return facts


def active_claims_for_event(member: Member, plans: list[Plan], event_date, *, exclude_claim=None) -> dict:
    """How many live claims of the member have a line of each of PLANS for EVENT_DATE, by plan id (a plan
    without one is missing) — one query."""
    lines = ClaimLine.objects.filter(
        member=member, plan__in=[plan.pk for plan in plans], event_date=event_date, is_active=True
    )
    if exclude_claim is not None:
        lines = lines.exclude(claim=exclude_claim)
    return dict(lines.order_by().values("plan_id").annotate(n=Count("id")).values_list("plan_id", "n"))


def member_in_agent_units(actor, id_number: str):
    """(member, coverages in the actor's units) — nothing at all when the member is not covered there."""
    member = Member.objects.filter(id_number=id_number).first()
    if member is None:
        return None, []
    coverages = list(
        Coverage.objects.filter(member=member, unit__in=units_visible_to(actor))
        .select_related("plan", "unit")
        .order_by("-end", "plan__position")
    )
    if not coverages:
        return None, []
    return member, coverages


def payouts_awaiting(actor) -> QuerySet[Claim]:
    """保障金给付's list (finance): claims approved by the city, awaiting the transfer, oldest first."""
    claims = Claim.objects.filter(case__status=Status.APPROVED) if actor.is_finance else Claim.objects.none()
    failures = PayoutBatchLine.objects.filter(claim=OuterRef("pk"), result=PayoutBatchLine.Result.FAILED)
    open_lines = PayoutBatchLine.objects.filter(claim=OuterRef("pk"), is_open=True)
    return (
        claims.select_related("unit", "member", "case")
        .annotate(
            last_failure=Subquery(failures.order_by("-pk").values("failure_reason")[:1]),
            open_batch=Subquery(open_lines.values("batch__number")[:1]),
        )
        .order_by("case__decided_at", "id")
    )


def batches_for(actor) -> QuerySet[PayoutBatch]:
    """给付批次's list (finance), the latest first, with the count and total of each."""
    batches = PayoutBatch.objects.all() if actor.is_finance else PayoutBatch.objects.none()
    return (
        batches.select_related("made_by", "checked_by", "template")
        .annotate(line_count=Count("lines"), total=Sum("lines__amount"))
        .order_by("-id")
    )


def batch_for(actor, pk) -> PayoutBatch:
    return get_object_or_404(batches_for(actor), pk=pk)


def batch_lines(batch: PayoutBatch) -> QuerySet[PayoutBatchLine]:
    return batch.lines.select_related("claim__member", "claim__unit", "batch", "heir").order_by("seq")


PAYOUT_PATHS = LedgerPaths(
    date="paid_on",
    amount="amount",
    unit_name="claim__unit__name",
    district="claim__unit__parent_org",
    plan="claim__lines__plan",
    reference="bank_reference",
)


def payouts_history(actor, filters: dict) -> QuerySet[Payout]:
    """给付记录 (finance): every recorded payout matching FILTERS, the latest first."""
    payouts = Payout.objects.all() if actor.is_finance else Payout.objects.none()
    return (
        ledger_filter(payouts, filters, PAYOUT_PATHS)
        .select_related("claim__unit__parent_org", "claim__member", "recorded_by", "heir")
        .order_by("-paid_on", "-id")
    )


def payout_claim_get_for(actor, pk) -> Claim:
    """A claim for 保障金给付 (finance), with its payout once recorded (`getattr(claim, "payout", None)`)."""
    claims = Claim.objects.all() if actor.is_finance else Claim.objects.none()
    payouts = Prefetch("payouts", queryset=Payout.objects.select_related("recorded_by"))
    return get_object_or_404(claims.select_related("member", "unit", "case").prefetch_related(payouts), pk=pk)


# --- 住院医疗 / 意外 医疗: receipts, the rule in force, what the member's other claims already took ---------


def claim_receipts(claim: Claim) -> list[MedicalReceipt]:
    """The claim's receipts in order — one query (prefetched ones reused)."""
    if "receipts" in getattr(claim, "_prefetched_objects_cache", {}):
        return list(claim.receipts.all())
    return list(claim.receipts.order_by("position", "id"))


def medical_rule_fact(plan: Plan, day) -> Rule | None:
    """The plan's 医疗费用给付规则 version in force on DAY, as the computation reads it."""
    rule = plan.medical_rule_on(day)
    if rule is None:
        return None
    return Rule(
        plan_name=plan.name,
        valid_from=rule.valid_from,
        deductible=rule.deductible,
        ratio_percent=rule.ratio_percent,
        cap_per_share=rule.cap_per_share,
        per_period=rule.cap_scope == MedicalRule.CapScope.PERIOD,
    )


def medical_usage(member: Member, plan: Plan, start, end, *, exclude_claim=None) -> Usage:
    """What the member's other live (not rejected / deleted) claims of PLAN with an event in START–END
    took: the 起付线 they used and their amounts (the approved amount, else the suggested one)."""
    lines = ClaimLine.objects.filter(
        member=member, plan=plan, is_active=True, event_date__gte=start, event_date__lte=end
    )
    if exclude_claim is not None and exclude_claim.pk:
        lines = lines.exclude(claim=exclude_claim)
    deductible, amount, count = Decimal("0.00"), Decimal("0.00"), 0
    for used, suggested, approved in lines.values_list(
        "deductible_applied", "suggested_amount", "claim__approved_amount"
    ):
        deductible += used
        amount += approved if approved is not None else suggested
        count += 1
    return Usage(deductible_used=deductible, amount_used=amount, claims=count)


def overlapping_stays(member: Member, admission, discharge, *, exclude_claim=None) -> list[str]:
    """申请编号 of the member's other live 住院医疗 claims whose stay overlaps ADMISSION–DISCHARGE."""
    claims = Claim.objects.filter(
        member=member,
        kind=Claim.Kind.MEDICAL,
        event_date__lte=discharge,
        discharge_date__gte=admission,
        lines__is_active=True,
    ).distinct()
    if exclude_claim is not None and exclude_claim.pk:
        claims = claims.exclude(pk=exclude_claim.pk)
    return [claim.number for claim in claims.only("pk").order_by("pk")]


def receipts_taken(pairs, *, exclude_claim=None) -> dict[tuple[str, str], str]:
    """(票据代码, 票据号码) of PAIRS already on another live claim → that claim's 申请编号 (nothing else of
    it: the claim may belong to another unit)."""
    if not pairs:
        return {}
    query = Q()
    for code, number in pairs:
        query |= Q(code=code, number=number)
    taken = MedicalReceipt.objects.filter(query, is_active=True)
    if exclude_claim is not None and exclude_claim.pk:
        taken = taken.exclude(claim=exclude_claim)
    return {
        (code, number): f"LP{claim_id:08d}"
        for code, number, claim_id in taken.values_list("code", "number", "claim_id")
    }
