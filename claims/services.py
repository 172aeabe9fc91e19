"""Writes of claims (manual §3). Eligibility is checked at 保存 and again at 上报; review goes through
the engine; 给付 is recorded once and closes the claim (已结案)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import heirs as heir_rules
from claims.documents import batch_transfer_xlsx
from claims.eligibility import (
    RuleResult,
    benefit_cap,
    blocking_failures,
    covering,
    evaluate,
    stay_rules,
    suggest_amount,
)
from claims.medical import Computation, Receipt
from claims.models import (
    HEIR_SLOTS,
    BankFileTemplate,
    Claim,
    ClaimLine,
    Payout,
    PayoutBatch,
    PayoutBatchLine,
)
from claims.receipts import (
    medical_assessment,
    receipts_check_not_taken,
    receipts_clean,
    receipts_of,
    receipts_write,
)
from claims.selectors import (
    active_claims_for_event,
    coverage_facts,
    member_in_agent_units,
    overlapping_stays,
    plan_fact,
)
from core.audit import audit_log, model_diff, records_refusals
from core.dates import shift_years
from core.errors import DomainError, ErrorCode, Incomplete, InvalidTransition, NotAllowed
from core.money import parse_money
from core.text import bounded_text
from core.validators import id_number_is_female, normalize_code
from enrollment.models import Member
from plans.models import Disease, Plan
from review.engine import case_transition
from review.models import Action, BusinessKind, Case, Status
from review.services import case_create, material_store

Choice = Claim.PlanChoice
TEXT_FIELDS = {
    "hospital": ("医院名称", 100, False),
    "accident_description": ("意外情况", 1000, True),
    "diagnosis": ("诊断", 500, True),
    "payee_name": ("收款人", 50, False),
    "payee_bank": ("开户银行", 100, False),
    "payee_account": ("银行账号", 40, False),
}


def _plans_and_diseases(plan_choice: str, disease: Disease | None) -> list[tuple[Plan, Disease | None]]:
    """(plan, the disease as that plan lists it) for each plan of the choice."""
    if plan_choice == Choice.BOTH:
        if disease is None or disease.plan.code != "NG" or disease.counts_as_id is None:
            raise DomainError(
                "“重疾+女工”只适用于同时属于两个计划保障范围的疾病（如原发性乳腺癌等女性恶性肿瘤），请选择女职工特殊疾病中的相应疾病"
            )
        return [(disease.counts_as.plan, disease.counts_as), (disease.plan, disease)]
    plan = Plan.objects.filter(code=plan_choice).first()
    if plan is None:
        raise DomainError("请选择保障计划")
    if disease is not None and disease.plan_id != plan.pk:
        raise DomainError(f"“{disease.name}”不在{plan.name}的保障病种范围内")
    return [(plan, disease)]


# What a claim says that the eligibility rules read, and the fields an agent may edit.
ELIGIBILITY_FIELDS = ("plan_choice", "event_date", "disease", "injury", "disability_grade", "discharge_date")
EDITABLE_FIELDS = (*ELIGIBILITY_FIELDS, *TEXT_FIELDS)


@dataclass(frozen=True)
class ClaimFacts:
    """A claim as the eligibility rules see it, saved or not yet saved: the member, the units whose
    coverage counts (the agent's units at 保存, the claim's unit afterwards), its kind and the
    ELIGIBILITY_FIELDS."""

    member: Member
    unit_ids: frozenset[int]
    kind: str
    plan_choice: str
    event_date: datetime.date
    disease: Disease | None
    injury: str
    disability_grade: int | None
    discharge_date: datetime.date | None = None
    receipts: tuple[Receipt, ...] = ()

    @classmethod
    def of(cls, *, member: Member, unit_ids, kind: str, values: Mapping, receipts=()) -> "ClaimFacts":
        return cls(
            member=member,
            unit_ids=frozenset(unit_ids),
            kind=kind,
            receipts=tuple(receipts),
            **{field: values[field] for field in ELIGIBILITY_FIELDS},
        )

    @property
    def is_medical(self) -> bool:
        return self.kind == Claim.Kind.MEDICAL or self.injury == Claim.Injury.MEDICAL


def _benefit_per_share(plan: Plan, disease: Disease | None) -> Decimal:
    """The disease's own benefit (e.g. 原位癌) where it has one, else the plan's."""
    if disease is not None and disease.benefit_per_share is not None:
        return disease.benefit_per_share
    return plan.benefit_per_share


def check_eligibility(facts: ClaimFacts, *, exclude_claim=None) -> tuple[list[RuleResult], list[dict]]:
    """Run every rule for every plan of the claim; return (results, line specs with suggested amounts;
    a medical claim's line carries its computation)."""
    member, event_date = facts.member, facts.event_date
    today = timezone.localdate()
    results, lines = [], []
    stay = facts.discharge_date if facts.kind == Claim.Kind.MEDICAL else None
    if stay is not None:
        overlapping = overlapping_stays(member, event_date, stay, exclude_claim=exclude_claim)
        results += stay_rules(event_date, stay, today, overlapping)
    plans_and_diseases = _plans_and_diseases(facts.plan_choice, facts.disease)
    plans = [plan for plan, _disease in plans_and_diseases]
    all_coverages = coverage_facts(member, plans)
    same_event = active_claims_for_event(member, plans, event_date, exclude_claim=exclude_claim)
    for plan, disease in plans_and_diseases:
        coverages = all_coverages[plan.pk]
        results += evaluate(
            # _plans_and_diseases gives each plan the disease as that plan lists it: the one name the
            # disease rule asks about, without reading the plan's whole list
            plan=plan_fact(plan, disease_names=frozenset({disease.name} if disease else ())),
            event_date=event_date,
            today=today,
            member_is_female=id_number_is_female(member.id_number),
            coverages=coverages,
            unit_ids=facts.unit_ids,
            disease_name=disease.name if disease else None,
            needs_disease=facts.kind == Claim.Kind.ILLNESS,
            open_or_paid_claims=same_event.get(plan.pk, 0),
            discharge_date=stay,
        )
        # The same coverage as the in_force rule names (most 份 when several of the agent's units cover).
        current = covering(coverages, event_date, facts.unit_ids)
        shares = current.shares if current else 0
        suggested = suggest_amount(
            benefit_per_share=_benefit_per_share(plan, disease),
            shares=shares,
            injury=facts.injury or "",
            disability_grade=facts.disability_grade,
        )
        line = {"plan": plan, "shares": shares, "unit_id": current.unit_id if current else None}
        if facts.is_medical:
            assessment = medical_assessment(
                member=member,
                plan=plan,
                current=current,
                event_date=event_date,
                discharge_date=stay,
                receipts=list(facts.receipts),
                exclude_claim=exclude_claim,
            )
            results += assessment.results
            computation = assessment.computation
            suggested = computation.amount if computation else Decimal("0.00")
            line.update(
                computation=computation, deductible=computation.deductible_applied if computation else 0
            )
        lines.append({**line, "suggested": suggested})
    return results, lines


def _refuse_if_blocked(results: list[RuleResult], error=DomainError) -> None:
    failed = blocking_failures(results)
    if failed:
        raise error("不符合申请条件：" + "；".join(r.message for r in failed))


def _validate_fields(kind: str, values: Mapping) -> None:
    plan_choice, injury, grade = values["plan_choice"], values["injury"], values["disability_grade"]
    if kind == Claim.Kind.ILLNESS and plan_choice not in (Choice.ZJ, Choice.NG, Choice.BOTH):
        raise DomainError("重疾女工保障金申请请选择重大疾病、女职工特殊疾病或重疾+女工")
    if kind == Claim.Kind.ACCIDENT:
        if plan_choice != Choice.YW:
            raise DomainError("意外伤害保障金申请的保障计划为意外伤害")
        if injury not in Claim.Injury.values:
            raise DomainError("请选择伤情：死亡、伤残或医疗")
        if injury == Claim.Injury.DISABILITY and not (grade and 1 <= grade <= 10):
            raise DomainError("伤残请选择伤残等级（1–10级）")
    if kind == Claim.Kind.ILLNESS and values["disease"] is None:
        raise DomainError("请选择疾病名称")
    if kind == Claim.Kind.MEDICAL:
        if plan_choice != Choice.YL:
            raise DomainError("住院医疗保障金申请的保障计划为住院医疗")
        if values["discharge_date"] is None:
            raise DomainError("请填写出院日期")
        if values["discharge_date"] < values["event_date"]:
            raise DomainError("出院日期不能早于入院日期")
        if not (values["diagnosis"] or "").strip():
            raise DomainError("请填写诊断")
    if not (values["hospital"] or "").strip():
        raise DomainError("请填写医院名称")
    if _needs_heirs(kind, values):
        return  # paid to the heirs (claims.heirs), not to a payee
    if not all((values[name] or "").strip() for name in ("payee_name", "payee_bank", "payee_account")):
        raise DomainError("请填写收款人、开户银行和银行账号")


def _needs_heirs(kind: str, values: Mapping) -> bool:
    """Claim.needs_heirs of values not yet saved."""
    return Claim(
        kind=kind, injury=values["injury"] or "", member_deceased=values["member_deceased"]
    ).needs_heirs


def _checked_heirs(claim: Claim, values: Mapping, heirs) -> list:
    """The heirs to save (checked, all or nothing), none for a claim not paid to heirs; the payee fields
    of a claim paid to heirs stay blank."""
    if not _needs_heirs(claim.kind, values):
        return []
    return heir_rules.heirs_check(
        list(heirs or ()),
        member_id_number=claim.member.id_number,
        saved=list(claim.heirs.all()) if claim.pk else (),
    )


def _clean_fields(fields: dict) -> dict:
    """Free text bounded by its column and cleaned (no NUL, control or bidi characters)."""
    cleaned = dict(fields)
    for name, (label, limit, multiline) in TEXT_FIELDS.items():
        if name in cleaned:
            cleaned[name] = bounded_text(cleaned[name], label=label, max_length=limit, multiline=multiline)
    return cleaned


def _check_event_date(event_date: datetime.date) -> None:
    """Before any date arithmetic (deadlines, waiting periods): not in the future, not over 10 years back."""
    today = timezone.localdate()
    if event_date > today:
        raise DomainError("诊断/出险时间不能晚于今天")
    earliest = shift_years(today, -10)
    if event_date < earliest:
        raise DomainError(f"诊断/出险时间不能早于 {earliest:%Y-%m-%d}（十年以前）")


def _lines_write(claim: Claim, lines: list[dict]) -> None:
    claim.lines.all().delete()
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(
                [
                    ClaimLine(
                        claim=claim,
                        member=claim.member,
                        plan=line["plan"],
                        event_date=claim.event_date,
                        shares=line["shares"],
                        suggested_amount=line["suggested"],
                        deductible_applied=line.get("deductible", 0),
                    )
                    for line in lines
                ]
            )
    except IntegrityError:
        raise DomainError(
            "该会员同一计划同一事件已有未办结或已给付的申请，不能重复申请", code=ErrorCode.DUPLICATE
        ) from None


def _apply_values(claim: Claim, values: Mapping, results: list[RuleResult], lines: list[dict]) -> None:
    """Write the checked VALUES and what the rules said (suggested amount, eligibility panel) on CLAIM."""
    for field in EDITABLE_FIELDS:
        value = values[field]
        setattr(claim, field, (value or "").strip() if field in TEXT_FIELDS or field == "injury" else value)
    if claim.injury != Claim.Injury.DISABILITY:
        claim.disability_grade = None
    claim.member_deceased = bool(values.get("member_deceased")) and claim.kind == Claim.Kind.ILLNESS
    if claim.needs_heirs:
        claim.payee_name = claim.payee_bank = claim.payee_account = ""
    claim.suggested_amount = sum((line["suggested"] for line in lines), Decimal("0.00"))
    claim.eligibility = [r.as_dict() for r in results]
    computations = [line["computation"] for line in lines if line.get("computation")]
    claim.medical_computation = computations[0].as_json() if computations else {}


def _medical_receipts(kind: str, values: Mapping, receipts, *, exclude_claim) -> list[Receipt]:
    """The checked receipts of a medical claim (none for the other kinds); a receipt on another live
    claim is refused here, naming that claim's 申请编号."""
    if kind != Claim.Kind.MEDICAL and values["injury"] != Claim.Injury.MEDICAL:
        return []
    receipts = receipts_clean(receipts, required=True)
    receipts_check_not_taken(receipts, exclude_claim=exclude_claim)
    return receipts


def _case_title(claim: Claim) -> str:
    return f"{claim.member.name} {Choice(claim.plan_choice).label} {claim.event_date:%Y-%m-%d}"


@records_refusals("claim_create")
@transaction.atomic
def claim_create(
    *,
    actor,
    kind: str,
    id_number: str,
    plan_choice: str,
    event_date: datetime.date,
    hospital: str,
    payee_name: str,
    payee_bank: str,
    payee_account: str,
    disease: Disease | None = None,
    accident_description: str = "",
    injury: str = "",
    disability_grade: int | None = None,
    member_deceased: bool = False,
    heirs=None,
    discharge_date: datetime.date | None = None,
    diagnosis: str = "",
    receipts=(),
) -> tuple[Claim, list[RuleResult]]:
    """【保存】 of a 保障金申请: eligibility is checked now; blocking rules refuse with the rule's message.
    A death claim (Claim.needs_heirs) takes HEIRS (claims.heirs.HeirSpec) instead of the payee;
    住院医疗 (and 伤情「医疗」) take the medical RECEIPTS; the benefit is computed from them (claims.medical).

    Longer than 60 lines: the keyword-only fields of every claim kind are spelled out."""
    if not actor.is_agent:
        raise NotAllowed("只有代办员可以申请保障金")
    _check_event_date(event_date)
    values = {
        "plan_choice": plan_choice,
        "event_date": event_date,
        "disease": disease,
        "injury": injury,
        "disability_grade": disability_grade,
        "member_deceased": bool(member_deceased) and kind == Claim.Kind.ILLNESS,
        "discharge_date": discharge_date if kind == Claim.Kind.MEDICAL else None,
        **_clean_fields(
            {
                "hospital": hospital,
                "accident_description": accident_description,
                "diagnosis": diagnosis if kind == Claim.Kind.MEDICAL else "",
                "payee_name": payee_name,
                "payee_bank": payee_bank,
                "payee_account": payee_account,
            }
        ),
    }
    member, coverages = member_in_agent_units(actor, normalize_code(id_number))
    if member is None:
        raise DomainError("该身份证号在您的单位没有参保记录，请核对会员身份证号")
    _validate_fields(kind, values)
    receipts = _medical_receipts(kind, values, receipts, exclude_claim=None)
    facts = ClaimFacts.of(
        member=member, unit_ids={c.unit_id for c in coverages}, kind=kind, values=values, receipts=receipts
    )
    results, lines = check_eligibility(facts)
    _refuse_if_blocked(results)
    unit_id = next(line["unit_id"] for line in lines if line["unit_id"])
    unit = next(c.unit for c in coverages if c.unit_id == unit_id)
    claim = Claim(unit=unit, member=member, kind=kind, created_by=actor)
    checked_heirs = _checked_heirs(claim, values, heirs)
    _apply_values(claim, values, results, lines)
    claim.case = case_create(kind=BusinessKind.CLAIM, unit=unit, applicant=actor, title=_case_title(claim))
    claim.save()
    _lines_write(claim, lines)
    heir_rules.heirs_write(claim, checked_heirs)
    receipts_write(claim, receipts)
    heirs_audit = heir_rules.heirs_audit(checked_heirs)
    changes = {"plan": plan_choice, "event_date": str(event_date), "heirs": heirs_audit}
    audit_log(actor=actor, verb="claim_create", obj=claim, changes=changes)
    return claim, results


AUDITED_FIELDS = (
    "plan_choice",
    "event_date",
    "disease_ref",
    "hospital",
    "accident_description",
    "injury",
    "disability_grade",
    "payee_name",
    "payee_bank",
    "payee_account",
    "member_deceased",
)
ENCRYPTED_HEALTH_FIELDS = ("disease_ref", "accident_description")


def _audited_values(claim: Claim) -> dict:
    return {field: getattr(claim, field) for field in AUDITED_FIELDS}


def _edit_record(before: dict, after: dict) -> dict:
    """before → after of an edit; the diagnosis and the accident text are encrypted health data, so the
    trail says only that they changed (the account is masked by the trail itself)."""
    changes = model_diff(before, after)
    for field in ENCRYPTED_HEALTH_FIELDS:
        if field in changes:
            changes[field] = ["（加密保存）", "（已修改）"]
    return changes


@records_refusals("claim_update", obj="claim")
@transaction.atomic
def claim_update(*, actor, claim: Claim, receipts=None, **fields) -> tuple[Claim, list[RuleResult]]:
    """编辑 a claim in 草稿 / 材料待补充: the same checks as at 保存 (RECEIPTS None: keep the saved ones)."""
    claim = Claim.objects.select_for_update(of=("self",)).select_related("case", "member").get(pk=claim.pk)
    if claim.unit.agent_id != actor.id:
        raise NotAllowed("您无权修改该申请")
    if not claim.case.is_editable:
        raise InvalidTransition(f"当前状态为“{claim.case.status_label}”，不能修改")
    heirs = fields.pop("heirs", None)
    fields = _clean_fields(fields)
    if "event_date" in fields:
        _check_event_date(fields["event_date"])
    values = {
        field: fields.get(field, getattr(claim, field)) for field in (*EDITABLE_FIELDS, "member_deceased")
    }
    _validate_fields(claim.kind, values)
    checked_heirs = _checked_heirs(claim, values, heirs if heirs is not None else _saved_specs(claim))
    receipts = receipts_of(claim) if receipts is None else receipts
    receipts = _medical_receipts(claim.kind, values, receipts, exclude_claim=claim)
    _member, coverages = member_in_agent_units(actor, claim.member.id_number)
    facts = ClaimFacts.of(
        member=claim.member,
        unit_ids={c.unit_id for c in coverages},
        kind=claim.kind,
        values=values,
        receipts=receipts,
    )
    results, lines = check_eligibility(facts, exclude_claim=claim)
    _refuse_if_blocked(results)
    before = _audited_values(claim)
    _apply_values(claim, values, results, lines)
    before_heirs = heir_rules.heirs_audit(list(claim.heirs.all()))
    claim.save()
    _lines_write(claim, lines)
    heir_rules.heirs_write(claim, checked_heirs)
    receipts_write(claim, receipts)
    Case.objects.filter(pk=claim.case_id).update(title=_case_title(claim))
    changes = _edit_record(before, _audited_values(claim))
    after_heirs = heir_rules.heirs_audit(checked_heirs)
    if before_heirs != after_heirs:
        changes["heirs"] = [before_heirs, after_heirs]
    audit_log(actor=actor, verb="claim_update", obj=claim, changes=changes)
    return claim, results


def _saved_specs(claim: Claim) -> list:
    """An edit that does not send heirs keeps the saved ones."""
    return [heir_rules.HeirSpec.of(heir) for heir in claim.heirs.all()]


@dataclass(frozen=True)
class ReviewFacts:
    """A saved claim re-checked as of now: the eligibility panel, the medical computation (or None) and
    the most the city may approve."""

    results: list[RuleResult]
    computation: Computation | None
    cap: Decimal


def _eligibility_now(claim: Claim) -> tuple[list[RuleResult], list[dict]]:
    """check_eligibility of a saved claim as of now, through the claim's own unit."""
    values = {field: getattr(claim, field) for field in ELIGIBILITY_FIELDS}
    facts = ClaimFacts.of(
        member=claim.member,
        unit_ids={claim.unit_id},
        kind=claim.kind,
        values=values,
        receipts=receipts_of(claim) if claim.is_medical else (),
    )
    return check_eligibility(facts, exclude_claim=claim)


def claim_review_facts(claim: Claim) -> ReviewFacts:
    """Eligibility and (medical claims) the computation as of now, through the claim's own unit: the
    member's other claims of the period are read again, so the cap is what is left today."""
    results, lines = _eligibility_now(claim)
    computations = [line["computation"] for line in lines if line.get("computation")]
    if claim.is_medical:
        computation = computations[0] if computations else None
        return ReviewFacts(results, computation, computation.cap if computation else Decimal("0.00"))
    return ReviewFacts(results, None, claim_amount_cap(claim))


def recheck(claim: Claim) -> list[RuleResult]:
    """Eligibility as of now (for 上报 and for the reviewers' panel), through the claim's own unit; the
    panel's cap is claim_review_facts'."""
    return _eligibility_now(claim)[0]


def claim_amount_cap(claim: Claim) -> Decimal:
    """The largest amount the city may approve: per plan of the claim, benefit (the disease's own, e.g.
    原位癌, else the plan's) × the 份 in force on the event date, by injury for 意外伤害. A medical claim
    (住院医疗, 伤情「医疗」): what is left of the rule's cap (claim_review_facts)."""
    if claim.is_medical:
        return claim_review_facts(claim).cap
    shares = {line.plan_id: line.shares for line in claim.lines.filter(is_active=True)}
    cap = Decimal("0.00")
    for plan, disease in _plans_and_diseases(claim.plan_choice, claim.disease):
        cap += benefit_cap(
            benefit_per_share=_benefit_per_share(plan, disease),
            shares=shares.get(plan.pk, 0),
            injury=claim.injury,
            disability_grade=claim.disability_grade,
        )
    return cap


def _medical_amount_checked(claim: Claim, amount: Decimal, reason: str) -> Decimal:
    """A medical claim's 核定给付金额: within what is left of the cap now (the member's row is locked, so two
    approvals of one member's claims cannot both take the rest); a change from the computed amount needs
    the reviewer's reason (it goes into the timeline row of the decision)."""
    Member.objects.select_for_update().filter(pk=claim.member_id).first()
    facts = claim_review_facts(claim)
    if facts.computation is None:
        raise DomainError("该申请没有有效的医疗费用给付规则，不能核定给付金额；请退回或不予给付")
    if facts.cap <= 0:
        raise DomainError("该会员的医疗费用限额已用完，不能再核定给付金额；请不予给付")
    if amount > facts.cap:
        raise DomainError(
            f"核定给付金额 {amount:,.2f} 元超过上限：按医疗费用给付规则，"
            f"该会员本次最多可给付 {facts.cap:,.2f} 元（限额剩余）"
        )
    if amount != facts.computation.amount and not reason.strip():
        raise DomainError(
            f"核定给付金额与按规则计算的 {facts.computation.amount:,.2f} 元不同，请在意见中填写调整原因"
        )
    return facts.cap


@records_refusals("claim_approved_amount", obj="claim")
def claim_set_approved_amount(*, claim: Claim, raw_amount, actor, reason: str = "") -> Decimal:
    """The city's 核定给付金额 at its 通过: strict yuan, within the cap the member's 份 allow (medical claims:
    what is left of the rule's cap; a change from the computed amount needs REASON); audited."""
    if claim.is_medical:
        amount = parse_money(raw_amount, label="核定给付金额")
        cap = _medical_amount_checked(claim, amount, reason)
    else:
        cap = claim_amount_cap(claim)
        if cap <= 0:
            raise DomainError("该会员在出险/诊断日没有可给付的份数，不能核定给付金额；请退回或不予给付")
        amount = parse_money(raw_amount, label="核定给付金额")
        if amount > cap:
            raise DomainError(
                f"核定给付金额 {amount:,.2f} 元超过上限：按该会员所参份数和给付标准，最多可给付 {cap:,.2f} 元"
            )
    before = claim.approved_amount
    Claim.objects.filter(pk=claim.pk).update(approved_amount=amount)
    audit_log(
        actor=actor,
        verb="claim_approved_amount",
        obj=claim,
        changes={
            "approved_amount": [None if before is None else str(before), str(amount)],
            "suggested_amount": str(claim.suggested_amount),
            "cap": str(cap),
        },
    )
    return amount


@records_refusals("claim_payout", obj="claim")
@transaction.atomic
def claim_payout_record(
    *,
    actor,
    claim: Claim,
    paid_on: datetime.date,
    bank_reference: str,
    batch_line: PayoutBatchLine | None = None,
) -> Payout:
    """Finance records the transfer of the approved amount → 已结案. Never twice for one claim; a claim in
    an open 给付批次 only through that batch's result (BATCH_LINE). A claim paid to its heirs only through
    给付批次 (one line per heir): each paid heir line is one Payout of the heir's part, and the claim is
    已结案 when every heir is paid."""
    claim = Claim.objects.select_for_update(of=("self",)).select_related("case").get(pk=claim.pk)
    heir = getattr(batch_line, "heir", None)
    if claim.needs_heirs and heir is None:
        raise InvalidTransition("该申请按继承人份额分别给付，请通过【给付批次】制单给付（每位继承人一笔）")
    paid = Payout.objects.filter(claim=claim, heir=heir)
    if claim.case.status == Status.CLOSED or paid.exists():
        raise InvalidTransition("该申请已记录给付并结案，无需重复给付", code=ErrorCode.DUPLICATE)
    in_batch = PayoutBatchLine.objects.filter(claim=claim, is_open=True)
    if batch_line is not None:  # its batch's other lines (the other heirs) are being settled with it
        in_batch = in_batch.exclude(batch_id=batch_line.batch_id)
    if in_batch.exists():
        raise InvalidTransition("该申请已在给付批次中，请在给付批次中登记银行结果")
    if claim.case.status != Status.APPROVED or claim.approved_amount is None:
        raise InvalidTransition(f"当前状态为“{claim.case.status_label}”，不能给付")
    approved_on = timezone.localdate(claim.case.decided_at) if claim.case.decided_at else None
    if paid_on > timezone.localdate():
        raise DomainError("给付日期不能晚于今天")
    if approved_on and paid_on < approved_on:
        raise DomainError(f"给付日期不能早于市总审核通过的日期（{approved_on:%Y-%m-%d}）")
    bank_reference = bounded_text(bank_reference, label="银行流水号", max_length=64)
    if not bank_reference:
        raise DomainError("请填写银行流水号")
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                claim=claim,
                heir=heir,
                amount=claim.approved_amount if heir is None else batch_line.amount,
                paid_on=paid_on,
                bank_reference=bank_reference,
                recorded_by=actor,
            )
    except IntegrityError:  # a payout that committed after our check: the same refusal
        raise InvalidTransition("该申请已记录给付并结案，无需重复给付", code=ErrorCode.DUPLICATE) from None
    if heir is not None:
        unpaid = claim.heirs.exclude(payouts__isnull=False)
        if unpaid.exists():
            return payout  # 待给付 until the last heir is paid
        references = "、".join(claim.payouts.order_by("heir__seq").values_list("bank_reference", flat=True))
        bank_reference = f"{claim.heirs.count()}位继承人 {references}"
    case_transition(
        case=claim.case,
        action=Action.RECORD_PAYOUT,
        actor=actor,
        reason=f"给付 {claim.approved_amount:,.2f} 元，流水号 {bank_reference}",
    )
    # One record of the fact: this 给付 move's timeline row (amount, 流水号), read by the audit screen.
    return payout


def check_submittable(claim: Claim, missing: list[str]) -> None:
    _refuse_if_blocked(recheck(claim), error=Incomplete)
    if claim.needs_heirs:
        try:
            heir_rules.check_shares([heir.share for heir in claim.heirs.all()])
        except DomainError as error:
            raise Incomplete(error.message + "，请【编辑】后再上报") from None
    if missing:
        raise Incomplete("请先上传以下材料后再上报：" + "、".join(missing))


def _refuse_unless_payable_to_heirs(claim: Claim) -> None:
    """claim_register_death's state rules: approved, not paid, not in an open batch, not paid to heirs yet."""
    if claim.kind == Claim.Kind.MEDICAL:
        raise InvalidTransition("住院医疗保障金不按继承人份额给付，不能登记继承人")
    if claim.case.status == Status.CLOSED or Payout.objects.filter(claim=claim).exists():
        raise InvalidTransition("该申请已记录给付，不能再登记会员身故及继承人")
    if claim.needs_heirs:
        message = "该申请已按继承人份额给付，继承人已登记，不能重复登记"
        raise InvalidTransition(message, code=ErrorCode.DUPLICATE)
    if claim.case.status != Status.APPROVED or claim.approved_amount is None:
        raise InvalidTransition(
            f"当前状态为“{claim.case.status_label}”，只有审核通过、待给付的申请可以登记会员身故及继承人"
        )
    line = PayoutBatchLine.objects.filter(claim=claim, is_open=True).select_related("batch").first()
    if line is not None:
        raise InvalidTransition(
            f"该申请已在给付批次 {line.batch.number} 中，请先在给付批次中登记银行结果（失败后再登记继承人）"
        )


@records_refusals("claim_register_death", obj="claim")
@transaction.atomic
def claim_register_death(*, actor, claim: Claim, heirs, proofs: Mapping | None = None) -> Claim:
    """【登记身故及继承人】 (city reviewer): the member of an approved claim (审核通过, 待给付; 重疾/女工,
    or 意外伤害 of 伤残 / 医疗; not 住院医疗) died before the payout, so the approved amount goes to HEIRS
    (claims.heirs.HeirSpec, the same checks as at 保存) through 给付批次, one line each. PROOFS: slot code →
    upload for 死亡证明 / 户籍注销证明 / 亲属关系证明; each is needed unless already on the case. All or
    nothing; audited (heirs masked)."""
    if not actor.is_city_reviewer:
        raise NotAllowed("只有市总审核员可以登记会员身故及继承人")
    claim = Claim.objects.select_for_update(of=("self",)).select_related("case", "member").get(pk=claim.pk)
    _refuse_unless_payable_to_heirs(claim)
    checked = heir_rules.heirs_check(list(heirs or ()), member_id_number=claim.member.id_number)
    proofs = {slot: upload for slot, upload in (proofs or {}).items() if upload}
    present = set(claim.case.materials.filter(removed_at__isnull=True).values_list("slot", flat=True))
    missing = [slot.label for slot in HEIR_SLOTS if slot.code not in present and slot.code not in proofs]
    if missing:
        raise DomainError("请上传以下材料后再登记：" + "、".join(missing))
    for slot in HEIR_SLOTS:
        if slot.code in proofs:
            material_store(case=claim.case, slot=slot.code, upload=proofs[slot.code], actor=actor)
    payee = {"payee_name": claim.payee_name, "payee_account": claim.payee_account}
    claim.member_deceased = True
    claim.payee_name = claim.payee_bank = claim.payee_account = ""
    claim.save(update_fields=["member_deceased", "payee_name", "payee_bank", "payee_account"])
    heir_rules.heirs_write(claim, checked)
    changes = {
        "member_deceased": [False, True],
        "payee_before": payee,
        "heirs": heir_rules.heirs_audit(checked),
        "proofs": sorted(proofs),
    }
    audit_log(actor=actor, verb="claim_register_death", obj=claim, changes=changes)
    return claim


# --- 给付批次: 制单, 复核, the bank file, the bank's result -------------------------------------------------


def _refuse_busy(claims: list[Claim]) -> None:
    """A claim already in an open batch (any of its heir lines) is refused: all the open lines of a claim
    are in one batch. The callers hold the claims' row locks, so two clerks cannot both pass."""
    busy = PayoutBatchLine.objects.filter(claim__in=claims, is_open=True).select_related(
        "batch", "claim__member"
    )
    for line in busy[:1]:
        raise InvalidTransition(
            f"{line.claim.member.name}的保障金申请已在给付批次 {line.batch.number} 中，不能再加入其他批次",
            code=ErrorCode.DUPLICATE,
        )


@records_refusals("payout_batch_create")
@transaction.atomic
def payout_batch_create(*, actor, claims: list[Claim], template: BankFileTemplate) -> PayoutBatch:
    """制单: the chosen approved claims (each at its 核定给付金额) into a new batch. A claim already in an
    open batch is refused (and the database refuses it too)."""
    ids = [claim.pk for claim in claims]
    chosen = list(
        Claim.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("case", "member")
    )
    if not chosen:
        raise DomainError("请选择要加入批次的保障金申请")
    for claim in chosen:
        if claim.case.status != Status.APPROVED or claim.approved_amount is None:
            raise InvalidTransition(f"{claim.member.name}的申请当前为“{claim.case.status_label}”，不能给付")
    _refuse_busy(chosen)
    batch = PayoutBatch.objects.create(
        number=f"tmp-{timezone.now().timestamp()}", template=template, made_by=actor
    )
    batch.number = f"GF{timezone.localdate():%Y%m%d}{batch.pk:05d}"
    batch.save(update_fields=["number"])
    payees = [
        (claim, heir, amount)
        for claim in sorted(chosen, key=lambda c: c.pk)
        for heir, amount in _payees_of(claim)
    ]
    lines = [
        PayoutBatchLine(batch=batch, claim=claim, heir=heir, seq=seq, amount=amount)
        for seq, (claim, heir, amount) in enumerate(payees, start=1)
    ]
    try:
        with transaction.atomic():
            PayoutBatchLine.objects.bulk_create(lines)
    except IntegrityError:  # a batch that committed after our check: the same refusal
        _refuse_busy(chosen)
        raise
    total = sum((line.amount for line in lines), Decimal(0))
    audit_log(
        actor=actor,
        verb="payout_batch_create",
        obj=batch,
        changes={"lines": len(lines), "amount": str(total)},
    )
    return batch


def _payees_of(claim: Claim) -> list[tuple]:
    """(heir, amount) of each line a claim puts into a batch: the whole claim, or each heir not yet paid
    at their part (claims.heirs.split_amount of the approved amount)."""
    if not claim.needs_heirs:
        return [(None, claim.approved_amount)]
    parts = heir_rules.heir_parts(claim)
    if not parts:
        raise InvalidTransition(f"{claim.member.name}的身故理赔没有继承人，不能给付")
    paid = set(Payout.objects.filter(claim=claim).values_list("heir_id", flat=True))
    return [(heir, amount) for heir, amount in parts if heir.pk not in paid]


@records_refusals("payout_batch_check", obj="batch")
@transaction.atomic
def payout_batch_check(*, actor, batch: PayoutBatch) -> PayoutBatch:
    """复核 by a second finance clerk: never the one who made the batch."""
    if batch.made_by_id == actor.pk:
        raise NotAllowed("制单人不能复核自己制作的给付批次，请由另一位财务人员复核")
    checked = PayoutBatch.objects.filter(pk=batch.pk, state=PayoutBatch.State.MADE).update(
        state=PayoutBatch.State.CHECKED, checked_by=actor, checked_at=timezone.now()
    )
    batch.refresh_from_db()
    if not checked:
        raise InvalidTransition(f"给付批次当前为“{batch.get_state_display()}”，不能复核")
    audit_log(actor=actor, verb="payout_batch_check", obj=batch)
    return batch


@transaction.atomic
def payout_batch_files(*, actor, batch: PayoutBatch) -> list[tuple[str, bytes]]:
    """The bank files of a checked batch, the template's line limit per file; an audit row (the files carry
    the payees' full accounts)."""
    if batch.state == PayoutBatch.State.MADE:
        raise InvalidTransition("给付批次尚未复核，不能导出代发文件")
    lines = list(batch.lines.select_related("claim", "heir", "batch").order_by("seq"))
    size = batch.template.max_lines
    chunks = [lines[start : start + size] for start in range(0, len(lines), size)]
    files = [
        (f"{batch.number}-{batch.template.code}-{index:02d}.xlsx", batch_transfer_xlsx(batch.template, chunk))
        for index, chunk in enumerate(chunks, start=1)
    ]
    audit_log(
        actor=actor, verb="payout_batch_export", obj=batch, changes={"files": len(files), "lines": len(lines)}
    )
    return files


def _failure_reasons(lines: list[PayoutBatchLine], failures: Mapping[int, str]) -> dict[int, str]:
    by_pk = {line.pk: line for line in lines}
    if set(failures) - set(by_pk):
        raise DomainError("所选的失败明细不属于该批次，请刷新后重新登记")
    reasons = {}
    for pk, reason in failures.items():
        reason = bounded_text(reason, label="失败原因", max_length=200)
        if not reason:
            raise DomainError(f"请填写第{by_pk[pk].seq}笔的失败原因")
        reasons[pk] = reason
    return reasons


@records_refusals("payout_batch_settle", obj="batch")
@transaction.atomic
def payout_batch_settle(
    *, actor, batch: PayoutBatch, paid_on: datetime.date, failures: Mapping[int, str]
) -> tuple[int, int]:
    """The bank's result, all or nothing: each paid line through claim_payout_record (→ 已结案, the
    engine's timeline row); each failed line leaves its batch with the reason, and its claim waits for
    the next batch (待给付). (paid, failed)."""
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != PayoutBatch.State.CHECKED:
        raise InvalidTransition(f"给付批次当前为“{batch.get_state_display()}”，不能登记银行结果")
    lines = list(batch.lines.select_related("claim", "heir", "batch").filter(is_open=True).order_by("seq"))
    reasons = _failure_reasons(lines, failures)
    for line in lines:
        line.is_open = False
        if line.pk in reasons:
            line.result, line.failure_reason = PayoutBatchLine.Result.FAILED, reasons[line.pk]
        else:
            claim_payout_record(
                actor=actor, claim=line.claim, paid_on=paid_on, bank_reference=line.reference, batch_line=line
            )
            line.result = PayoutBatchLine.Result.PAID
    PayoutBatchLine.objects.bulk_update(lines, ["is_open", "result", "failure_reason"])
    PayoutBatch.objects.filter(pk=batch.pk).update(state=PayoutBatch.State.SETTLED, settled_at=timezone.now())
    failed = {line.reference: reasons[line.pk] for line in lines if line.pk in reasons}
    audit_log(
        actor=actor,
        verb="payout_batch_settle",
        obj=batch,
        changes={"paid": len(lines) - len(failed), "failed": failed},
    )
    return len(lines) - len(failed), len(failed)
