"""review.ui: the agents' row actions by status, and the one rule for showing a return / 不予给付 reason."""

import pytest
from django.template.loader import render_to_string

from review.models import Action, BusinessKind, Status
from review.ui import agent_case_actions, case_reason

pytestmark = pytest.mark.django_db
UNIT, CLAIM = BusinessKind.UNIT_REGISTRATION, BusinessKind.CLAIM
URLS = {"detail_url": "/x/", "submit_url": "/x/submit/", "edit_url": "/x/edit/", "delete_url": "/x/delete/"}


def actions_of(case, **kw) -> dict[str, str]:
    return {
        a["key"]: a["label"] for a in agent_case_actions(case, **URLS, delete_confirm="确定删除吗？", **kw)
    }


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        (Status.DRAFT, UNIT, {"submit": "上报", "view": "查看", "edit": "编辑", "delete": "删除"}),
        (Status.IN_REVIEW, UNIT, {"view": "查看"}),
        (Status.RETURNED, UNIT, {"submit": "上报", "view": "查看", "reason": "查看退回原因", "edit": "编辑"}),
        (
            Status.NEEDS_MATERIALS,
            CLAIM,
            {"submit": "上报", "view": "查看", "reason": "查看退回原因", "edit": "编辑"},
        ),
        (Status.REJECTED, CLAIM, {"view": "查看", "reason": "查看不予给付原因"}),
        (Status.APPROVED, UNIT, {"view": "查看"}),
    ],
)
def test_each_status_offers_only_the_actions_it_allows(cases, status, kind, expected):
    assert actions_of(cases.in_status(status, kind)) == expected


def test_submit_carries_the_version_the_page_showed_and_delete_asks_first(cases):
    case = cases.in_status(Status.DRAFT)
    by_key = {a["key"]: a for a in agent_case_actions(case, **URLS, delete_confirm="确定删除吗？")}

    assert (by_key["submit"]["post"], by_key["submit"]["version"]) == (True, case.version)
    assert (by_key["delete"]["post"], by_key["delete"]["confirm"]) == (True, "确定删除吗？")


def test_nothing_under_way_offers_view_and_edit_when_allowed():
    assert actions_of(None, may_edit=True) == {"view": "查看", "edit": "编辑"}
    assert actions_of(None, may_edit=False) == {"view": "查看"}


def test_a_business_may_rename_its_delete(cases):
    case = cases.in_status(Status.DRAFT)
    actions = agent_case_actions(
        case, **URLS, delete_confirm="?", delete={"key": "cancel_edit", "label": "撤销编辑"}
    )
    assert [a["key"] for a in actions][-1] == "cancel_edit" and actions[-1]["url"] == "/x/delete/"


# --- the reason ----------------------------------------------------------------------------------


def test_a_returned_case_shows_the_reason_of_its_last_return(cases):
    reason = case_reason(cases.in_status(Status.RETURNED))
    assert (reason.heading, reason.text, reason.is_final) == ("退回原因", "请补充材料", False)


def test_a_claim_returned_for_materials_says_so(cases):
    reason = case_reason(cases.in_status(Status.NEEDS_MATERIALS, CLAIM))
    assert (reason.heading, reason.text, reason.css) == ("材料待补充", "请补充材料", "alert-warning")


def test_a_rejected_claim_shows_the_final_decision_with_who_decided(cases):
    reason = case_reason(cases.in_status(Status.REJECTED, CLAIM))
    assert (reason.heading, reason.text, reason.is_final) == ("不予给付（最终审核结论）", "请补充材料", True)
    assert reason.decision.action == Action.REJECT and reason.decision.step_name == "区县审核"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.DELETED])
def test_other_statuses_show_no_reason(cases, status):
    assert case_reason(cases.in_status(status)) is None


def test_submitting_again_clears_the_reason(cases):
    case = cases.act(cases.in_status(Status.RETURNED), Action.SUBMIT)
    assert case_reason(case) is None


def test_the_timeline_shows_the_reason_once_and_the_agents_advice_only_to_agents(cases):
    case = cases.in_status(Status.REJECTED, CLAIM)
    context = {"case": case, "transitions": case.transitions.all(), "steps_ahead": []}

    for_agent = render_to_string("review/_timeline.html", {**context, "user": case.unit.agent})
    for_reviewer = render_to_string("review/_timeline.html", {**context, "user": cases.staff("city")})

    assert for_agent.count('id="reject-reason"') == 1 and 'id="return-reason"' not in for_agent
    assert "如有异议，请联系市总工会" in for_agent
    assert "该申请已办结" in for_reviewer and "如有异议" not in for_reviewer
