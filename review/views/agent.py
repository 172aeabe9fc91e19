"""The agent's 【上报】 / 【删除】 of any business, posted from its list or its detail page: one view for all.

Each business type says how to find its case from the URL (`BusinessType.agent_case_for`), what to say
(`agent_done_message`) and where to go back (`agent_list_url`); the engine does the rest. A business's
urls.py adds its two URLs with `*case_action_paths(BusinessKind.CLAIM)`.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from core.converters import query_int
from core.errors import DomainError
from review.engine import case_transition
from review.models import Action
from review.registry import business_type_for


@agent_required
@require_POST
def case_action(request, pk, *, kind, action):
    """【上报】 / 【删除】 of business KIND's object PK, then back to the agent's list of that business."""
    business = business_type_for(kind)
    try:
        case = business.agent_case_for(request.user, pk, action)
        case = case_transition(
            case=case,
            action=action,
            actor=request.user,
            # The version the page showed: a stale page gets "已被他人处理" instead of acting twice.
            expected_version=query_int(request.POST, "version", minimum=0),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, business_type_for(case.kind).agent_done_message(case, action))
    return redirect(business.agent_list_url)


def case_action_paths(kind, *, route: str = "<id:pk>/", name_prefix: str = "") -> list:
    """ROUTE + submit/ and ROUTE + delete/ of business KIND, named NAME_PREFIX + submit / delete."""
    return [
        path(f"{route}{verb}/", case_action, {"kind": kind, "action": action}, name=f"{name_prefix}{verb}")
        for verb, action in (("submit", Action.SUBMIT), ("delete", Action.DELETE))
    ]
