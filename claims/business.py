"""保障金申请 as seen by the review engine: district → city (city sets the amount); 退回 = 材料待补充;
不予给付 is final; finance's 给付 closes it (已结案)."""

from dataclasses import replace

from django.urls import reverse

from claims.models import ACCIDENT_SLOTS, HEIR_SLOTS, ILLNESS_SLOTS, Claim, ClaimLine
from claims.selectors import claim_get_for, claim_lines
from claims.services import check_submittable, claim_amount_cap, claim_set_approved_amount, recheck
from core.errors import DomainError
from review.engine import applicable_steps
from review.models import Action, BusinessKind
from review.registry import BusinessType


class ClaimBusiness(BusinessType):
    kind = BusinessKind.CLAIM
    material_slots = ILLNESS_SLOTS + tuple(s for s in ACCIDENT_SLOTS if s not in ILLNESS_SLOTS)
    detail_template = "claims/_claim_review.html"
    decision_template = "claims/_decision_amount.html"
    agent_list_url = "claims:list"
    submitted_message = "保障金申请已上报，当前状态：{status}"
    deleted_message = "申请已删除"

    def claim_of(self, case) -> Claim:
        return Claim.objects.select_related("member", "unit").get(case=case)

    def agent_case_for(self, actor, pk, action):
        return claim_get_for(actor, pk).case

    def slots_for(self, case):
        claim = self.claim_of(case)
        slots = ILLNESS_SLOTS if claim.kind == Claim.Kind.ILLNESS else ACCIDENT_SLOTS
        if claim.needs_heirs:  # 死亡证明, 户籍注销证明, 亲属关系证明 become required
            slots = tuple(replace(slot, required=True) if slot in HEIR_SLOTS else slot for slot in slots)
        return slots

    def missing_materials(self, case) -> list[str]:
        missing = super().missing_materials(case)
        claim = self.claim_of(case)
        present = set(case.materials.filter(removed_at__isnull=True).values_list("slot", flat=True))
        if claim.injury == Claim.Injury.DISABILITY and "disability_assessment" not in present:
            missing.append("伤残鉴定书")
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
            amount = claim_set_approved_amount(
                claim=self.claim_of(case), raw_amount=data.get("approved_amount"), actor=actor
            )
            return f"核定给付金额 {amount:,.2f} 元"
        return ""

    def on_rejected(self, case, actor) -> None:
        ClaimLine.objects.filter(claim__case=case).update(is_active=False)

    def on_deleted(self, case, actor) -> None:
        ClaimLine.objects.filter(claim__case=case).update(is_active=False)

    def detail_context(self, case) -> dict:
        claim = self.claim_of(case)
        steps = applicable_steps(case)
        return {
            "claim": claim,
            "lines": claim_lines(claim),
            "eligibility_now": [r.as_dict() for r in recheck(claim)],
            "sets_amount": bool(steps) and case.current_step_id == steps[-1].id,
            "amount_cap": claim_amount_cap(claim),
        }

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
