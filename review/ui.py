"""What an agent's screens show of a business: its row actions and the reason of a return or a 不予给付.

Pure functions of a case (no request, no HTTP): every business's views build their buttons with
`agent_case_actions`, and every page shows a reason through `case_reason` (the `{% case_reason case %}`
tag renders it), so the rules below are written once.
"""

from dataclasses import dataclass

from django.urls import reverse

from review.models import Action, Case, Status, Transition
from review.selectors import last_transition

# The one rule for "show the reason": a returned case (退回 / 材料待补充) shows the reason of its last return,
# a 不予给付 the reason of that final decision, every other status none. A page shows it once — inside the
# timeline where the page shows one (review/_timeline.html), else above its tabs.
REASON_HEADINGS = {
    Status.RETURNED: ("退回原因", "alert-danger"),
    Status.NEEDS_MATERIALS: ("材料待补充", "alert-warning"),
    Status.REJECTED: ("不予给付（最终审核结论）", "alert-dark"),
    Status.VOIDED: ("缴费通知单已作废", "alert-dark"),
}
REASON_BUTTONS = {
    Status.RETURNED: "查看退回原因",
    Status.NEEDS_MATERIALS: "查看退回原因",
    Status.REJECTED: "查看不予给付原因",  # final, not a return: say so
    Status.VOIDED: "查看作废原因",
}


@dataclass(frozen=True)
class CaseReason:
    """退回原因 / 不予给付原因 as the agent reads it."""

    heading: str
    text: str
    css: str
    decision: Transition | None = None  # 不予给付: the final decision (who, when), shown with it

    @property
    def is_final(self) -> bool:
        return self.decision is not None


def case_reason(case: Case | None) -> CaseReason | None:
    """The reason CASE shows, or None (see REASON_HEADINGS)."""
    if case is None or case.status not in REASON_HEADINGS:
        return None
    heading, css = REASON_HEADINGS[case.status]
    if case.status in (Status.REJECTED, Status.VOIDED):
        action = Action.REJECT if case.status == Status.REJECTED else Action.VOID
        decision = last_transition(case, action)
        return CaseReason(heading, decision.reason, css, decision) if decision else None
    return CaseReason(heading, case.last_return_reason, css) if case.last_return_reason else None


def agent_case_actions(
    case: Case | None,
    *,
    detail_url: str,
    submit_url: str,
    edit_url: str,
    delete_url: str,
    delete_confirm: str,
    reason_url: str | None = None,
    may_edit: bool | None = None,
    delete: dict | None = None,
    extra=(),
) -> list[dict]:
    """上报 / 查看 / 查看退回原因 / 编辑 / (EXTRA) / 删除 of one business, each only in the statuses that
    allow it.

    CASE is what the agent is working on (None: nothing under way — 查看, and 编辑 when MAY_EDIT). MAY_EDIT
    overrides "editable in its status" (an approved unit opens a new edit); DELETE overrides the 删除
    button's key/label/css/confirm (撤销编辑 of an approved unit's draft edit)."""
    editable = case is not None and case.is_editable
    actions = []
    if editable:
        actions.append(
            {
                "key": "submit",
                "label": "上报",
                "url": submit_url,
                "post": True,
                "css": "btn-brand",
                "version": case.version,
            }
        )
    actions.append({"key": "view", "label": "查看", "url": detail_url})
    if case is not None and case.status in REASON_BUTTONS:
        actions.append(
            {
                "key": "reason",
                "label": REASON_BUTTONS[case.status],
                "url": reason_url or detail_url,
                "css": "btn-outline-danger",
            }
        )
    if may_edit if may_edit is not None else editable:
        actions.append({"key": "edit", "label": "编辑", "url": edit_url})
    actions.extend(extra)
    if case is not None and case.status == Status.DRAFT:
        delete_action = {
            "key": "delete",
            "label": "删除",
            "url": delete_url,
            "post": True,
            "css": "btn-outline-danger",
            "confirm": delete_confirm,
        }
        actions.append({**delete_action, **(delete or {})})
    # Every key core/_row_actions.html reads, so that the template finds each (a missing key costs it four
    # exceptions, twice per button: the buttons and the ⋯ menu); the defaults render as the missing keys did.
    return [{**ACTION_DEFAULTS, **action} for action in actions]


ACTION_DEFAULTS = {"post": False, "confirm": "", "version": None, "css": ""}


def agent_urls(prefix: str, pk) -> dict:
    """detail / submit / edit / delete URLs of a business whose URL names share PREFIX ("claims:",
    "units:binding_"), for agent_case_actions."""
    return {
        f"{name}_url": reverse(f"{prefix}{name}", args=[pk])
        for name in ("detail", "submit", "edit", "delete")
    }


def without_view(actions: list[dict]) -> list[dict]:
    """The same buttons on the detail page itself, where 查看 would lead nowhere."""
    return [a for a in actions if a["key"] != "view"]
