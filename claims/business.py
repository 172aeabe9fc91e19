"""保障金申请 as seen by the review engine: district → city (city sets the amount); 退回 = 材料待补充;
不予给付 is final; finance's 给付 closes it (已结案)."""

from dataclasses import replace

from django.urls import reverse

from claims.models import (
    ACCIDENT_SLOTS,
    HEIR_SLOTS,
    ILLNESS_SLOTS,
    MEDICAL_SLOTS,
    Claim,
    ClaimLine,
    MedicalReceipt,
    PayoutBatchLine,
)
from claims.selectors import claim_get_for, claim_lines, claim_receipts
from claims.services import check_submittable, claim_review_facts, claim_set_approved_amount
from core.errors import DomainError
from review.engine import applicable_steps
from review.models import Action, BusinessKind, Status
from review.registry import BusinessType


class ClaimBusiness(BusinessType):
    kind = BusinessKind.CLAIM
    material_slots = tuple(
        {s.code: s for s in (*MEDICAL_SLOTS, *ACCIDENT_SLOTS, *ILLNESS_SLOTS)}.values()
    )  # every code once (for lookups across kinds); slots_for gives each kind its own
    detail_template = "claims/_claim_review.html"
    decision_template = "claims/_decision_amount.html"
    agent_list_url = "claims:list"
    submitted_message = "保障金申请已上报，当前状态：{status}"
    deleted_message = "申请已删除"

    def claim_of(self, case) -> Claim:
        return Claim.objects.select_related("member", "unit", "case").get(case=case)

    def agent_case_for(self, actor, pk, action):
        return claim_get_for(actor, pk).case

    def slots_for(self, case):
        claim = self.claim_of(case)
        slots = {Claim.Kind.ILLNESS: ILLNESS_SLOTS, Claim.Kind.MEDICAL: MEDICAL_SLOTS}.get(
            claim.kind, ACCIDENT_SLOTS
        )
        if claim.needs_heirs:  # 死亡证明, 户籍注销证明, 亲属关系证明 become required
            slots = tuple(replace(slot, required=True) if slot in HEIR_SLOTS else slot for slot in slots)
        return slots

    def missing_materials(self, case) -> list[str]:
        missing = super().missing_materials(case)
        claim = self.claim_of(case)
        present = set(case.materials.filter(removed_at__isnull=True).values_list("slot", flat=True))
        if claim.injury == Claim.Injury.DISABILITY and "disability_assessment" not in present:
            missing.append("伤残鉴定书")
        if claim.injury == Claim.Injury.MEDICAL and "medical_receipts" not in present:
            missing.append("医疗票据")
        return missing

    def check_submittable(self, case) -> None:
        check_submittable(self.claim_of(case), self.missing_materials(case))

    def on_decision(self, case, actor, action, data) -> str:
        """At the city's 通过 the approved amount is set; it goes into the timeline row of the decision."""
        steps = applicable_steps(case)
        is_last_step = steps and case.current_step_id == steps[-1].id
        if action == Action.APPROVE and is_last_step:
            if not str(data.get("approved_amount", "")).strip():
                raise DomainError("请填写核定给付金额（元）后再通过")
            claim = self.claim_of(case)
            amount = claim_set_approved_amount(
                claim=claim,
                raw_amount=data.get("approved_amount"),
                actor=actor,
                reason=str(data.get("reason", "")),
            )
            note = f"核定给付金额 {amount:,.2f} 元"
            if claim.is_medical and amount != claim.suggested_amount:
                note += f"（按规则计算 {claim.suggested_amount:,.2f} 元，调整原因见意见）"
            return note
        return ""

    def on_rejected(self, case, actor) -> None:
        ClaimLine.objects.filter(claim__case=case).update(is_active=False)
        MedicalReceipt.objects.filter(claim__case=case).update(is_active=False)  # may be claimed again

    def on_deleted(self, case, actor) -> None:
        ClaimLine.objects.filter(claim__case=case).update(is_active=False)
        MedicalReceipt.objects.filter(claim__case=case).update(is_active=False)

    def detail_context(self, case) -> dict:
        claim = self.claim_of(case)
        steps = applicable_steps(case)
        facts = claim_review_facts(claim)
        return {
            "claim": claim,
            "lines": claim_lines(claim),
            "receipts": claim_receipts(claim),
            "eligibility_now": [r.as_dict() for r in facts.results],
            "computation_now": facts.computation,
            "sets_amount": bool(steps) and case.current_step_id == steps[-1].id,
            "amount_cap": facts.cap,
            "death_registrable": self._death_registrable(claim),
        }

    def _death_registrable(self, claim: Claim) -> bool:
        """【登记身故及继承人】 is offered (to the city reviewer; claim_register_death has the last word):
        approved, waiting for the payout outside any open batch, not yet paid to heirs, not 住院医疗."""
        return (
            claim.case.status == Status.APPROVED
            and not claim.needs_heirs
            and claim.kind != Claim.Kind.MEDICAL
            and not claim.payouts.exists()
            and not PayoutBatchLine.objects.filter(claim=claim, is_open=True).exists()
        )

    def agent_url(self, case) -> str:
        return reverse("claims:detail", args=[self.claim_of(case).pk])

    def subject(self, case) -> str:
        claim = self.claim_of(case)
        return f"您为会员{claim.member.name}申请的{claim.get_plan_choice_display()}保障金"

    def approved_next(self, case) -> str:
        claim = self.claim_of(case)
        return f"核定给付金额{claim.approved_amount:,.2f}元，等待财务给付。"

    def settled_text(self, case) -> str:
        claim = self.claim_of(case)
        return f"已给付{claim.approved_amount:,.2f}元，已结案。"
