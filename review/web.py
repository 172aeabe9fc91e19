"""View helpers shared by the businesses' agent screens: the standard row actions and 上报/删除."""

from django.contrib import messages

from core.converters import query_int
from core.errors import DomainError
from review.engine import case_transition
from review.models import Status

REASON_STATUSES = (Status.RETURNED, Status.NEEDS_MATERIALS, Status.REJECTED)


def agent_case_actions(
    case, *, detail_url, submit_url, edit_url, delete_url, delete_confirm, reason_url=None, extra=()
) -> list[dict]:
    """上报 / 查看 / 查看退回原因 / 编辑 / (extra) / 删除 — each only in the statuses that allow it."""
    actions = []
    if case.is_editable:
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
    if case.status in REASON_STATUSES:
        rejected = case.status == Status.REJECTED  # final, not a return: say so
        actions.append(
            {
                "key": "reason",
                "label": "查看不予给付原因" if rejected else "查看退回原因",
                "url": reason_url or detail_url,
                "css": "btn-outline-danger",
            }
        )
    if case.is_editable:
        actions.append({"key": "edit", "label": "编辑", "url": edit_url})
    actions.extend(extra)
    if case.status == Status.DRAFT:
        actions.append(
            {
                "key": "delete",
                "label": "删除",
                "url": delete_url,
                "post": True,
                "css": "btn-outline-danger",
                "confirm": delete_confirm,
            }
        )
    return actions


def agent_transition(request, case, action, *, success: str):
    """上报/删除 posted from a list or detail page: through the engine, with the version the page showed
    (a stale page gets "已被他人处理"); the outcome becomes a message. SUCCESS may use {status}."""
    try:
        case = case_transition(
            case=case,
            action=action,
            actor=request.user,
            expected_version=query_int(request.POST, "version", minimum=0),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success.format(status=case.status_label))
    return case
