"""Eligibility engine for claims (SPEC §7.3): pure functions over coverage facts, one rule each.

Every rule has a code and a Chinese message. Blocking rules refuse 保存/上报; the others warn. The same
results are stored on the claim and shown to reviewers as a panel.
"""

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from core.money import yuan

DEADLINE_WARNING_DAYS = 30


@dataclass(frozen=True)
class CoverageFact:
    plan_code: str
    unit_id: int
    start: datetime.date
    end: datetime.date
    shares: int


@dataclass(frozen=True)
class PlanFact:
    code: str
    name: str
    waiting_days: int
    claim_deadline_days: int
    female_only: bool
    benefit_per_share: Decimal
    disease_names: frozenset[str]


@dataclass(frozen=True)
class RuleResult:
    code: str
    ok: bool
    blocking: bool
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def covering(coverages: list[CoverageFact], day: datetime.date, unit_ids: set[int]) -> CoverageFact | None:
    """The member's coverage of the plan in force on DAY through one of UNIT_IDS (most 份 first)."""
    found = [c for c in coverages if c.start <= day <= c.end and c.unit_id in unit_ids]
    return max(found, key=lambda c: (c.shares, c.start)) if found else None


def continuous_start(coverages: list[CoverageFact], current: CoverageFact) -> datetime.date:
    """Start of the gap-free chain of coverage (any unit) that ends in CURRENT: renewals keep it."""
    start = current.start
    changed = True
    while changed:
        changed = False
        for c in coverages:
            if c.start < start <= c.end + datetime.timedelta(days=1):
                start = c.start
                changed = True
    return start


def _waiting_period(plan: PlanFact, coverages, current: CoverageFact, event_date) -> RuleResult | None:
    """Past the plan's waiting period, counted from the start of gap-free coverage (renewals keep it)."""
    if not plan.waiting_days:
        return None
    chain_start = continuous_start(coverages, current)
    waiting_end = chain_start + datetime.timedelta(days=plan.waiting_days)
    if event_date < waiting_end:
        return RuleResult(
            "waiting_period",
            False,
            True,
            f"处于等待期：{plan.name}首次参保有{plan.waiting_days}天等待期（自{chain_start:%Y-%m-%d}起，"
            f"{waiting_end:%Y-%m-%d}及以后确诊/出险方可申请）",
        )
    return RuleResult(
        "waiting_period", True, True, f"已过{plan.waiting_days}天等待期（连续参保自{chain_start:%Y-%m-%d}起）"
    )


def _deadline(plan: PlanFact, event_date, today, counted_from: str = "诊断/出险") -> RuleResult | None:
    """Within the filing deadline; a warning (never blocking) in its last DEADLINE_WARNING_DAYS."""
    deadline = event_date + datetime.timedelta(days=plan.claim_deadline_days)
    if today > deadline:
        return RuleResult(
            "deadline",
            False,
            True,
            f"已超过申请时限：须在{counted_from}后{plan.claim_deadline_days}天内（{deadline:%Y-%m-%d}前）申请",
        )
    if (deadline - today).days <= DEADLINE_WARNING_DAYS:
        return RuleResult("deadline", True, False, f"申请时限将至：请于{deadline:%Y-%m-%d}前上报")
    return None


def _disease_listed(plan: PlanFact, disease_name: str | None) -> RuleResult:
    if not disease_name:
        return RuleResult("disease_listed", False, True, "请选择疾病名称")
    if disease_name not in plan.disease_names:
        return RuleResult("disease_listed", False, True, f"“{disease_name}”不在{plan.name}的保障病种范围内")
    return RuleResult("disease_listed", True, True, f"“{disease_name}”属于{plan.name}保障病种")


def evaluate(
    *,
    plan: PlanFact,
    event_date: datetime.date,
    today: datetime.date,
    member_is_female: bool,
    coverages: list[CoverageFact],
    unit_ids: set[int],
    disease_name: str | None,
    needs_disease: bool,
    open_or_paid_claims: int,
    discharge_date: datetime.date | None = None,
) -> list[RuleResult]:
    """Every rule for one plan of a claim, in the order the panel shows them. For 住院医疗 the event is
    the admission (in force, waiting period) and the deadline runs from DISCHARGE_DATE."""
    results = []
    if event_date > today:
        results.append(RuleResult("event_in_future", False, True, "诊断/出险时间不能晚于今天"))
    current = covering(coverages, event_date, unit_ids)
    if current is None:
        message = f"{event_date:%Y-%m-%d}该会员在本单位没有在保的{plan.name}"
        results.append(RuleResult("in_force", False, True, message))
    else:
        message = (
            f"{event_date:%Y-%m-%d}在保：{plan.name}{current.shares}份"
            f"（保期{current.start:%Y-%m-%d}至{current.end:%Y-%m-%d}）"
        )
        results += [
            RuleResult("in_force", True, True, message),
            _waiting_period(plan, coverages, current, event_date),
        ]
    if discharge_date is not None:
        results.append(_deadline(plan, discharge_date, today, counted_from="出院"))
    else:
        results.append(_deadline(plan, event_date, today))
    if needs_disease:
        results.append(_disease_listed(plan, disease_name))
    if plan.female_only and not member_is_female:
        results.append(RuleResult("female_only", False, True, f"{plan.name}仅限女职工"))
    if open_or_paid_claims:
        message = f"该会员同一计划同一事件已有未办结或已给付的{plan.name}申请，不能重复申请"
        results.append(RuleResult("no_duplicate", False, True, message))
    return [r for r in results if r is not None]


def stay_rules(
    admission: datetime.date, discharge: datetime.date, today: datetime.date, overlapping: list[str]
) -> list[RuleResult]:
    """住院医疗: the stay itself (出院 not before 入院, not in the future) and no other live claim of the
    member whose stay overlaps (the message names that claim's 申请编号 only)."""
    results = []
    if discharge < admission:
        results.append(RuleResult("stay_dates", False, True, "出院日期不能早于入院日期"))
    if discharge > today:
        results.append(RuleResult("stay_dates", False, True, "出院日期不能晚于今天（出院后方可申请）"))
    if overlapping:
        numbers = "、".join(overlapping)
        message = f"该会员已有住院期间重叠的住院医疗保障金申请（申请编号 {numbers}），同一次住院不能重复申请"
        results.append(RuleResult("no_overlapping_stay", False, True, message))
    return results


def receipt_date_warnings(
    issued: list[tuple[str, datetime.date]],
    *,
    stay: tuple[datetime.date, datetime.date] | None,
    coverage: tuple[datetime.date, datetime.date] | None,
    not_before: datetime.date | None = None,
) -> list[RuleResult]:
    """Receipts (label, 开票日期) dated outside the stay, outside the coverage or before the accident:
    warnings for the reviewer, never blocking (a bill is often issued a few days after discharge)."""
    results = []
    for label, day in issued:
        if stay is not None and not stay[0] <= day <= stay[1]:
            period = f"{stay[0]:%Y-%m-%d}至{stay[1]:%Y-%m-%d}"
            message = f"票据 {label} 开票日期 {day:%Y-%m-%d} 不在住院期间（{period}）内，请核对"
            results.append(RuleResult("receipt_outside_stay", False, False, message))
        if coverage is not None and not coverage[0] <= day <= coverage[1]:
            period = f"{coverage[0]:%Y-%m-%d}至{coverage[1]:%Y-%m-%d}"
            message = f"票据 {label} 开票日期 {day:%Y-%m-%d} 不在保期（{period}）内，请核对"
            results.append(RuleResult("receipt_outside_coverage", False, False, message))
        if not_before is not None and day < not_before:
            message = f"票据 {label} 开票日期 {day:%Y-%m-%d} 早于出险时间 {not_before:%Y-%m-%d}，请核对"
            results.append(RuleResult("receipt_before_event", False, False, message))
    return results


def blocking_failures(results: list[RuleResult]) -> list[RuleResult]:
    return [r for r in results if r.blocking and not r.ok]


def suggest_amount(
    *,
    benefit_per_share: Decimal,
    shares: int,
    injury: str = "",
    disability_grade: int | None = None,
) -> Decimal:
    """Benefit schedule × 份: disability grade 1 pays 100%, grade 10 pays 10%; 医疗 is set by the reviewer."""
    base = Decimal(benefit_per_share) * shares
    if injury == "disability":
        if not disability_grade or not 1 <= disability_grade <= 10:
            return yuan(0)
        return yuan(base * (11 - disability_grade) / 10)
    if injury == "medical":
        return yuan(0)
    return yuan(base)


def benefit_cap(
    *,
    benefit_per_share: Decimal,
    shares: int,
    injury: str = "",
    disability_grade: int | None = None,
) -> Decimal:
    """The most the member's 份 allow under the schedule: the suggested amount, except 医疗, which the
    reviewer sets up to the plan's full benefit × 份."""
    if injury == "medical":
        return yuan(Decimal(benefit_per_share) * shares)
    return suggest_amount(
        benefit_per_share=benefit_per_share, shares=shares, injury=injury, disability_grade=disability_grade
    )
