"""理赔申请 through the views: a 不予给付 reads as the final decision, not as a return."""

import re

import pytest

from review.engine import case_transition
from review.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim_at_city(factory):
    unit = factory.approved_unit()
    claim = factory.claim(unit, factory.covered_member(unit))
    factory.claim_materials(claim)
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer())
    claim.refresh_from_db()
    return claim


def decided_row(client, factory, claim, action, reason) -> str:
    """The city decides ACTION with REASON; the claim's row in the agent's 理赔申请 list."""
    case_transition(case=claim.case, action=action, actor=factory.city_reviewer(), reason=reason)
    client.force_login(claim.unit.agent)
    page = client.get("/claims/").content.decode()
    return re.search(rf'<tr data-claim="{claim.pk}">(.*?)</tr>', page, re.S).group(1)


def test_a_rejected_claim_offers_the_reason_of_the_rejection_shown_as_final(client, factory, claim_at_city):
    row = decided_row(client, factory, claim_at_city, Action.REJECT, "不属于保障范围")
    assert ">查看不予给付原因</a>" in row and "查看退回原因" not in row
    assert 'data-action="edit"' not in row and 'data-action="submit"' not in row

    link = re.search(r'href="([^"]+)"[^>]*data-action="reason"', row).group(1)
    page = client.get(link.replace("&amp;", "&")).content.decode()
    alert = re.search(
        r'<div class="alert alert-dark" id="reject-reason">(.*?)</div></div>', page, re.S
    ).group(1)
    assert "不予给付（最终审核结论）：</strong>不属于保障范围" in alert
    assert "市总审核决定。该申请已办结，不能再编辑或重新上报" in alert
    assert 'id="return-reason"' not in page


def test_a_returned_claim_still_says_return(client, factory, claim_at_city):
    row = decided_row(client, factory, claim_at_city, Action.RETURN, "请补充病理报告")
    assert ">查看退回原因</a>" in row and "不予给付" not in row
    page = client.get(f"/claims/{claim_at_city.pk}/").content.decode()
    assert 'id="reject-reason"' not in page and "材料待补充：</strong>请补充病理报告" in page
