"""Business types plug into the engine here: each app registers one BusinessType per kind in its
AppConfig.ready(). The engine calls these hooks inside its transaction — no signals, nothing hidden.

Others hear of every move through `case_moved` (notifications subscribes): the engine publishes
(case, transition) after the business hooks, so a subscriber can read what they produced."""

from dataclasses import dataclass

from core.errors import Incomplete
from core.hooks import Hook
from review.models import Action

case_moved = Hook("review.case_moved")  # case=…, transition=… after each move, in the engine's transaction


@dataclass(frozen=True)
class MaterialSlot:
    code: str
    label: str
    required: bool = True


class BusinessType:
    kind: str = ""
    material_slots: tuple[MaterialSlot, ...] = ()
    # Template included in the reviewer's item screen (and the agent's 查看) for the business's own tabs.
    detail_template: str = ""
    # Optional extra fields inside the reviewer's decision form (e.g. the approved amount of a claim).
    decision_template: str = ""

    def slots_for(self, case) -> tuple[MaterialSlot, ...]:
        """The material slots of this case (a business may vary them, e.g. by claim kind)."""
        return self.material_slots

    def slot(self, case, code: str) -> MaterialSlot | None:
        return next((s for s in self.slots_for(case) if s.code == code), None)

    def missing_materials(self, case) -> list[str]:
        present = set(case.materials.filter(removed_at__isnull=True).values_list("slot", flat=True))
        return [s.label for s in self.slots_for(case) if s.required and s.code not in present]

    def check_submittable(self, case) -> None:
        """Raise Incomplete naming what is missing before 上报."""
        missing = self.missing_materials(case)
        if missing:
            raise Incomplete("请先上传以下材料后再上报：" + "、".join(missing))

    def on_decision(self, case, actor, action, data) -> str:
        """Validate and store the reviewer's extra input before 通过/退回/不予给付 (same transaction);
        return a note for the decision's timeline row (e.g. the approved amount), or ""."""
        return ""

    def on_rejected(self, case, actor) -> None:
        """不予给付 is final. Runs in the engine's transaction."""

    def on_approved(self, case, actor) -> None:
        """Apply the business (the final step approved). Runs in the engine's transaction."""

    def on_settled(self, case, actor) -> None:
        """Finance settled the approved business (收款确认 / 给付). Runs in the engine's transaction."""

    def on_deleted(self, case, actor) -> None:
        """Clean up after 删除 of a draft. Runs in the engine's transaction."""

    def detail_context(self, case) -> dict:
        return {}

    def agent_url(self, case) -> str:
        raise NotImplementedError

    # --- the agent's 【上报】/【删除】: one view for every business (review.views.agent.case_action) --------

    agent_list_url: str = ""  # URL name of the agent's list, where 上报 / 删除 lead back to
    submitted_message: str = "已上报，当前状态：{status}"  # {status}: the status after 上报
    deleted_message: str = "已删除"

    def agent_case_for(self, actor, pk, action):
        """The case behind the agent's URL PK (a claim, an application …) that ACTION applies to; 404
        outside ACTOR's scope, a DomainError when there is nothing to act on."""
        raise NotImplementedError

    def agent_done_message(self, case, action) -> str:
        """What the agent reads after ACTION succeeded on CASE."""
        template = self.deleted_message if action == Action.DELETE else self.submitted_message
        return template.format(status=case.status_label, unit=case.unit.name)

    # --- the agent's messages (notifications.services.case_message writes the sentence) ---------------

    def subject(self, case) -> str:
        """How a message names the business: 您的单位注册申请（青岛海川机械有限公司）."""
        return f"您的{case.get_kind_display()}（{case.title}）"

    def approved_next(self, case) -> str:
        """What the agent may or must do once the business is finally approved (ends that message)."""
        return ""

    def settled_text(self, case) -> str:
        """The end of the message when finance settles the business (收款确认 / 给付)."""
        return "已办结。"

    def message_url(self, case, transition) -> str:
        """Where the message leads the agent: the business, or the tab that matters after this move."""
        return self.agent_url(case)


_registry: dict[str, BusinessType] = {}


def register(business_type: BusinessType) -> BusinessType:
    _registry[business_type.kind] = business_type
    return business_type


def business_type_for(kind: str) -> BusinessType:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"no business type registered for {kind!r}") from None
