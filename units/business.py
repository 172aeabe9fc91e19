"""The unit businesses as seen by the review engine: what to check at 上报, what approval does."""

from django.urls import reverse
from django.utils import timezone

from core.errors import Incomplete
from review.models import Action, BusinessKind, Status
from review.registry import BusinessType
from units.models import BINDING_MATERIAL_SLOTS, UNIT_MATERIAL_SLOTS, Unit, UnitBinding, UnitChange
from units.selectors import binding_get_for, unit_change_before_after, unit_get_for
from units.services import (
    merge_history_gap,
    unit_binding_apply,
    unit_case_to_act_on,
    unit_change_apply,
    unit_change_diff,
    unit_change_material_diff,
)


class UnitBusiness(BusinessType):
    """单位注册 and 单位信息编辑 share the unit's URLs: 【上报】/【删除】 of a unit act on what its agent is
    working on — the registration, or the pending edit of an approved unit."""

    agent_list_url = "units:list"
    submitted_message = "“{unit}”已上报，当前状态：{status}"

    def agent_case_for(self, actor, pk, action):
        return unit_case_to_act_on(unit_get_for(actor, pk), action)


class UnitRegistration(UnitBusiness):
    """单位注册 (manual §1.1.1): district → city, 市直 units city only."""

    kind = BusinessKind.UNIT_REGISTRATION
    deleted_message = "“{unit}”已删除"
    material_slots = UNIT_MATERIAL_SLOTS
    detail_template = "units/_unit_tabs.html"

    def unit_of(self, case) -> Unit:
        return Unit.objects.select_related("parent_org", "agent").get(pk=case.unit_id)

    def check_submittable(self, case) -> None:
        unit = self.unit_of(case)
        gap = merge_history_gap(unit.merge_history, unit.merged_from.exists())
        if gap:
            raise Incomplete(f"请在基本信息中填写由哪些单位{gap}")
        super().check_submittable(case)

    def on_approved(self, case, actor) -> None:
        Unit.objects.filter(pk=case.unit_id).update(approved_at=timezone.now(), materials_case=case)

    def on_deleted(self, case, actor) -> None:
        Unit.objects.filter(pk=case.unit_id).update(deleted_at=timezone.now())

    def detail_context(self, case) -> dict:
        unit = self.unit_of(case)
        return {"unit": unit, "merged_from": list(unit.merged_from.all())}

    def agent_url(self, case) -> str:
        return reverse("units:detail", args=[case.unit_id])

    def subject(self, case) -> str:
        return f"您的单位注册申请（{case.unit.name}）"

    def approved_next(self, case) -> str:
        return "单位注册完成，可以为职工办理参保业务。"


class UnitChangeBusiness(UnitBusiness):
    """单位信息编辑 (manual §1.1.2): city only ("编辑市总审核中"); approval applies the change."""

    kind = BusinessKind.UNIT_CHANGE
    # 删除 of a draft edit: only the edit goes, the unit and its approved data stay.
    deleted_message = "已撤销“{unit}”的本次编辑，单位仍为审核通过，信息保持不变"
    material_slots = UNIT_MATERIAL_SLOTS
    detail_template = "units/_change_compare.html"

    def change_of(self, case) -> UnitChange:
        return UnitChange.objects.select_related("unit__parent_org", "unit__agent", "parent_org").get(
            case=case
        )

    def check_submittable(self, case) -> None:
        change = self.change_of(case)
        gap = merge_history_gap(change.merge_history, change.merged_from.exists())
        if gap:
            raise Incomplete(f"请在基本信息中填写由哪些单位{gap}")
        super().check_submittable(case)
        if not unit_change_diff(change) and not unit_change_material_diff(change):
            raise Incomplete("单位信息没有任何修改，无需上报")

    def on_decision(self, case, actor, action, data) -> None:
        # Lock the unit before the engine writes the case row: 编辑 → 保存 locks the unit and then the
        # change's case, so taking them in the same order here avoids a deadlock when both run at once.
        if action == Action.APPROVE:
            Unit.objects.select_for_update().get(pk=case.unit_id)

    def on_approved(self, case, actor) -> None:
        unit_change_apply(change=self.change_of(case), actor=actor)

    def on_deleted(self, case, actor) -> None:
        UnitChange.objects.filter(case=case).update(is_open=False)

    def detail_context(self, case) -> dict:
        change = self.change_of(case)
        applied = not change.is_open and change.applied_at is not None
        return {
            "unit": change.unit,
            "change": change,
            "before_after": unit_change_before_after(change) if applied else None,
            "diff": None if applied else unit_change_diff(change),
            "material_diff": None if applied else unit_change_material_diff(change),
        }

    def agent_url(self, case) -> str:
        return reverse("units:detail", args=[case.unit_id])

    def subject(self, case) -> str:
        return f"您提交的“{case.unit.name}”单位信息变更"

    def approved_next(self, case) -> str:
        return "变更后的单位信息已生效，可在“变更记录”中查看。"

    def message_url(self, case, transition) -> str:
        return self.agent_url(case) + ("?tab=history" if transition.to_status == Status.APPROVED else "")


class UnitBindingBusiness(BusinessType):
    """单位绑定 (manual §1.2): city only; approval swaps the unit's agent."""

    kind = BusinessKind.UNIT_BINDING
    material_slots = BINDING_MATERIAL_SLOTS
    detail_template = "units/_binding_info.html"
    agent_list_url = "units:bindings"
    submitted_message = "绑定申请已上报，当前状态：{status}"
    deleted_message = "绑定申请已删除"

    def agent_case_for(self, actor, pk, action):
        return binding_get_for(actor, pk).case

    def binding_of(self, case) -> UnitBinding:
        return UnitBinding.objects.select_related("unit__parent_org", "requester", "previous_agent").get(
            case=case
        )

    def on_approved(self, case, actor) -> None:
        unit_binding_apply(binding=self.binding_of(case), actor=actor)

    def on_deleted(self, case, actor) -> None:
        UnitBinding.objects.filter(case=case).update(is_open=False)

    def detail_context(self, case) -> dict:
        binding = self.binding_of(case)
        return {"binding": binding, "unit": binding.unit}

    def agent_url(self, case) -> str:
        return reverse("units:binding_detail", args=[self.binding_of(case).pk])

    def subject(self, case) -> str:
        return f"您绑定单位“{case.unit.name}”的申请"

    def approved_next(self, case) -> str:
        return "该单位已绑定到您的账号，可以查看和办理它的全部业务。"

    def message_url(self, case, transition) -> str:
        if transition.to_status == Status.APPROVED:
            return reverse("units:detail", args=[case.unit_id])
        return self.agent_url(case)
