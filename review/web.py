"""Deprecated: the agents' row actions moved to review.ui, their 上报/删除 to review.views.agent.

Kept only until enrollment's views use review.views.agent.case_action (wired at the merge of issue 12);
then this module goes."""

from django.contrib import messages

from core.converters import query_int
from core.errors import DomainError
from review.engine import case_transition
from review.ui import agent_case_actions

__all__ = ["agent_case_actions", "agent_transition"]


def agent_transition(request, case, action, *, success: str):
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
