"""医疗票据 of a claim (SPEC §7.4): checking what the agent typed, the rule that a receipt
(票据代码 + 票据号码) is on one live claim only (a service check, and the database's partial unique
constraint for races), and the medical computation with the facts it needs (the rule in force, the
member's other claims)."""

import datetime
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.eligibility import CoverageFact, RuleResult, receipt_date_warnings
from claims.medical import Computation, Receipt, Usage, compute, receipt_problems
from claims.models import Claim, MedicalReceipt
from claims.selectors import medical_rule_fact, medical_usage, receipts_taken
from core.dates import shift_years
from core.errors import DomainError, ErrorCode
from core.validators import normalize_code
from enrollment.models import Member
from plans.models import Plan

MAX_RECEIPTS = 50
CODE_PATTERN = re.compile(r"^[0-9A-Z]{1,20}$")


def receipt_label(receipt) -> str:
    return f"{receipt.code}-{receipt.number}"


def receipts_clean(receipts, *, required: bool) -> list[Receipt]:
    """The typed receipts, normalised (trimmed, half-width, upper case) and checked one by one: a clear
    message naming the receipt's row for the first problem; the same receipt twice is refused."""
    receipts = list(receipts)
    if required and not receipts:
        raise DomainError("请至少填写一张医疗票据")
    if len(receipts) > MAX_RECEIPTS:
        raise DomainError(f"一次申请最多填写{MAX_RECEIPTS}张医疗票据")
    today = timezone.localdate()
    earliest = shift_years(today, -10)
    cleaned, seen = [], set()
    for row, receipt in enumerate(receipts, start=1):
        code, number = normalize_code(receipt.code), normalize_code(receipt.number)
        if not CODE_PATTERN.match(code) or not CODE_PATTERN.match(number):
            raise DomainError(f"第{row}张票据：票据代码和票据号码请填写1–20位数字或字母")
        if not earliest <= receipt.issued_on <= today:
            raise DomainError(f"第{row}张票据：开票日期应在 {earliest:%Y-%m-%d} 至 {today:%Y-%m-%d} 之间")
        problems = receipt_problems(receipt)
        if problems:
            raise DomainError(f"第{row}张票据：" + "；".join(problems))
        if (code, number) in seen:
            raise DomainError(f"第{row}张票据：票据 {code}-{number} 在本申请中重复填写")
        seen.add((code, number))
        cleaned.append(Receipt(**{**receipt.__dict__, "code": code, "number": number}))
    return cleaned


def _taken_error(taken: dict) -> DomainError:
    (code, number), other = next(iter(taken.items()))
    return DomainError(
        f"票据 {code}-{number} 已在申请 {other} 中申请过（该申请未被不予给付或删除），同一张票据不能重复申请",
        code=ErrorCode.DUPLICATE,
    )


def receipts_check_not_taken(receipts: list[Receipt], *, exclude_claim=None) -> None:
    """Refuse a receipt already on another live claim, naming only that claim's 申请编号."""
    taken = receipts_taken([(r.code, r.number) for r in receipts], exclude_claim=exclude_claim)
    if taken:
        raise _taken_error(taken)


def receipts_write(claim: Claim, receipts: list[Receipt]) -> None:
    """Replace the claim's receipts. A receipt that another claim committed after our check (a race)
    is refused by the database: the same message as the check's."""
    claim.receipts.all().delete()
    rows = [
        MedicalReceipt(claim=claim, position=position, **receipt.__dict__)
        for position, receipt in enumerate(receipts, start=1)
    ]
    try:
        with transaction.atomic():
            MedicalReceipt.objects.bulk_create(rows)
    except IntegrityError:
        taken = receipts_taken([(r.code, r.number) for r in receipts], exclude_claim=claim)
        if taken:
            raise _taken_error(taken) from None
        raise


def receipts_of(claim: Claim) -> list[Receipt]:
    """The saved receipts of CLAIM as the computation reads them (prefetched ones reused)."""
    fields = ("code", "number", "issued_on", "total", "fund_paid", "category_b_self", "self_pay")
    return [
        Receipt(**{f: getattr(r, f) for f in fields}, self_funded=r.self_funded) for r in claim.receipts.all()
    ]


@dataclass(frozen=True)
class MedicalAssessment:
    computation: Computation | None
    results: list[RuleResult]


def medical_assessment(
    *,
    member: Member,
    plan: Plan,
    current: CoverageFact | None,
    event_date: datetime.date,
    discharge_date: datetime.date | None,
    receipts: list[Receipt],
    exclude_claim=None,
) -> MedicalAssessment:
    """The computation of one plan's medical benefit and the receipts' date warnings. Without a rule in
    force on EVENT_DATE the plan pays no medical bills (a blocking result names that)."""
    rule = medical_rule_fact(plan, event_date)
    if rule is None:
        message = f"{plan.name}在{event_date:%Y-%m-%d}没有有效的医疗费用给付规则，请联系管理员"
        return MedicalAssessment(None, [RuleResult("medical_rule", False, True, message)])
    usage = Usage()
    if current is not None and rule.per_period:
        usage = medical_usage(member, plan, current.start, current.end, exclude_claim=exclude_claim)
    computation = compute(rule=rule, receipts=receipts, shares=current.shares if current else 0, usage=usage)
    issued = [(receipt_label(r), r.issued_on) for r in receipts]
    warnings = receipt_date_warnings(
        issued,
        stay=(event_date, discharge_date) if discharge_date else None,
        coverage=(current.start, current.end) if current else None,
        not_before=None if discharge_date else event_date,
    )
    if computation.capped:
        message = (
            f"个人自付按规则计算{computation.uncapped:,.2f}元，超过限额剩余{computation.cap:,.2f}元，"
            "建议给付按限额剩余计算"
        )
        warnings.append(RuleResult("cap_reached", False, False, message))
    return MedicalAssessment(computation, warnings)
