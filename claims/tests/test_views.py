"""理赔申请 through the views (claims.views.claims and the shared 上报/删除 of review.views.agent): who may
open which screen, 保存 and 编辑 through the form, 查看, 上报/删除 with their messages, the member panel,
and a 不予给付 read as the final decision, not as a return."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import Claim
from core.models import AuditLog
from review.engine import case_transition
from review.models import Action, Status
from tests.clients import client_for

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def unit(factory):
    return factory.approved_unit(org="市南区")


@pytest.fixture
def li_mei(factory, unit):
    """Female, covered for a year through UNIT: 重大疾病 1份, 女职工 1份, 意外 2份."""
    return factory.covered_member(unit, name="李梅")


@pytest.fixture
def agent(unit):
    return client_for(unit.agent)


@pytest.fixture
def claim_at_city(factory):
    unit = factory.approved_unit()
    claim = factory.claim(unit, factory.covered_member(unit))
    factory.claim_materials(claim)
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer())
    claim.refresh_from_db()
    return claim


def illness_form(member, **overrides) -> dict:
    from plans.models import Disease

    data = {
        "kind": "illness",
        "id_number": member.id_number,
        "plan_choice": "NG",
        "event_date": f"{today() - 60 * DAY:%Y-%m-%d}",
        "disease": Disease.objects.get(plan__code="NG", name="原发性乳腺癌").pk,
        "hospital": "青岛大学附属医院",
        "payee_name": member.name,
        "payee_bank": "中国工商银行青岛分行",
        "payee_account": "6222020000000000001",
    }
    return {**data, **overrides}


# --- who may open the screens ---------------------------------------------------------------------


def test_the_claim_screens_are_for_agents_only(factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)
    staff = client_for(factory.city_reviewer())

    for url in ("/claims/", "/claims/new/", f"/claims/{claim.pk}/edit/", "/claims/member/"):
        assert staff.get(url).status_code == 403, url
    assert staff.post(f"/claims/{claim.pk}/submit/", {"version": claim.case.version}).status_code == 403
    assert Client().get("/claims/").status_code == 302  # to the login page
    claim.refresh_from_db()
    assert claim.case.status == Status.DRAFT


def test_staff_opening_a_claim_are_sent_to_the_review_item(factory, claim_at_city):
    response = client_for(factory.city_reviewer()).get(f"/claims/{claim_at_city.pk}/")

    assert response.status_code == 302 and response.url == f"/review/cases/{claim_at_city.case_id}/"


def test_another_agent_cannot_see_edit_or_submit_the_claim(factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)
    factory.claim_materials(claim)
    other = Client()
    other.force_login(factory.approved_unit().agent)

    assert other.get(f"/claims/{claim.pk}/").status_code == 404
    assert other.get(f"/claims/{claim.pk}/edit/").status_code == 404
    assert other.post(f"/claims/{claim.pk}/edit/", {"hospital": "x"}).status_code == 404
    assert other.post(f"/claims/{claim.pk}/submit/", {"version": claim.case.version}).status_code == 404
    assert other.post(f"/claims/{claim.pk}/delete/").status_code == 404
    assert other.get(f"/review/cases/{claim.case_id}/").status_code == 404
    assert "李梅" not in other.get("/claims/").text
    claim.refresh_from_db()
    assert claim.case.status == Status.DRAFT

    owner = Client()
    owner.force_login(unit.agent)
    assert owner.get(f"/claims/{claim.pk}/").status_code == 200
    assert owner.post(f"/claims/{claim.pk}/submit/", {"version": claim.case.version}).status_code == 302
    claim.refresh_from_db()
    assert claim.case.status == Status.IN_REVIEW


# --- 保存 and 编辑 through the form ---------------------------------------------------------------------


def test_saving_the_form_creates_the_claim_and_opens_its_materials_with_the_success_dialog(agent, li_mei):
    response = agent.post("/claims/new/", illness_form(li_mei))

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response.url == f"/claims/{claim.pk}/?tab=materials&saved=1"
    assert (claim.member, claim.plan_choice, claim.case.status) == (li_mei, "NG", Status.DRAFT)
    page = agent.get(response.url).content.decode()
    assert "申请成功" in page and 'id="saved-dialog"' in page


def test_an_id_not_covered_in_my_units_is_refused_on_the_form_and_saves_nothing(agent, factory, li_mei):
    elsewhere = factory.approved_unit(org="市北区", name="青岛北岸物流有限公司")
    stranger = factory.covered_member(elsewhere, name="王秀英")

    response = agent.post("/claims/new/", illness_form(stranger))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "该身份证号在您的单位没有参保记录，请核对会员身份证号"
    ]
    assert not Claim.objects.exists()


def test_editing_keeps_the_account_unless_it_is_retyped(agent, factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)
    form = agent.get(f"/claims/{claim.pk}/edit/").content.decode()
    assert "青岛大学附属医院" in form and "6222020000000000001" not in form  # shown masked only

    data = illness_form(li_mei, hospital="青岛市立医院", payee_account="")
    response = agent.post(f"/claims/{claim.pk}/edit/", data, follow=True)

    assert "申请已保存，请补充材料后上报" in messages_of(response)
    claim.refresh_from_db()
    assert (claim.hospital, claim.payee_account) == ("青岛市立医院", "6222020000000000001")


def test_a_claim_under_review_is_not_edited(agent, factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)
    factory.claim_materials(claim)
    case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)

    response = agent.post(f"/claims/{claim.pk}/edit/", illness_form(li_mei, hospital="别处"), follow=True)

    assert "当前状态为“区县审核中”，不能编辑" in messages_of(response)
    claim.refresh_from_db()
    assert claim.hospital == "青岛大学附属医院"


def test_opening_a_claim_is_written_to_the_audit_trail(agent, factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)

    assert agent.get(f"/claims/{claim.pk}/").status_code == 200

    assert AuditLog.objects.filter(verb="claim_view", actor=unit.agent).count() == 1


# --- 上报 / 删除 (the shared view) -----------------------------------------------------------------------


def test_submitting_says_the_new_status_and_a_stale_page_is_refused(agent, factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)
    factory.claim_materials(claim)
    stale = claim.case.version

    response = agent.post(f"/claims/{claim.pk}/submit/", {"version": stale}, follow=True)
    assert response.redirect_chain[-1][0] == "/claims/"
    assert "保障金申请已上报，当前状态：区县审核中" in messages_of(response)

    again = agent.post(f"/claims/{claim.pk}/submit/", {"version": stale}, follow=True)
    assert "该业务已被他人处理，当前状态为“区县审核中”，请刷新后查看" in messages_of(again)


def test_submitting_without_the_required_materials_names_them(agent, factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)

    response = agent.post(f"/claims/{claim.pk}/submit/", {"version": claim.case.version}, follow=True)

    (message,) = messages_of(response)
    assert message.startswith("请先上传以下材料后再上报：") and "病理报告" in message
    claim.refresh_from_db()
    assert claim.case.status == Status.DRAFT


def test_deleting_a_draft_says_so_and_the_list_no_longer_shows_it(agent, factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)

    response = agent.post(f"/claims/{claim.pk}/delete/", follow=True)

    assert "申请已删除" in messages_of(response)
    claim.refresh_from_db()
    assert claim.case.status == Status.DELETED
    assert f'data-claim="{claim.pk}"' not in agent.get("/claims/").content.decode()


def test_submit_and_delete_take_a_post_only(agent, factory, unit, li_mei):
    claim = factory.claim(unit, li_mei)

    assert agent.get(f"/claims/{claim.pk}/submit/").status_code == 405
    assert agent.get(f"/claims/{claim.pk}/delete/").status_code == 405


# --- the member panel of the form ---------------------------------------------------------------------


def test_the_member_panel_shows_own_coverage_only_and_nothing_about_other_units(factory, unit, li_mei):
    elsewhere = factory.approved_unit(org="市北区", name="青岛北岸物流有限公司")
    factory.coverage(li_mei, elsewhere, "YW", start=today() - 100 * DAY, end=today() + 100 * DAY, shares=3)
    stranger = factory.covered_member(elsewhere, name="王秀英")
    client = client_for(unit.agent)

    own = client.get("/claims/member/", {"id_number": li_mei.id_number.lower()})
    assert own.status_code == 200
    assert 'data-member-name="李梅"' in own.text
    assert "女职工特殊疾病互助保障 1份" in own.text
    assert unit.name in own.text
    assert "青岛北岸物流有限公司" not in own.text and "3份" not in own.text

    other = client.get("/claims/member/", {"id_number": stranger.id_number})
    assert "该身份证号在您的单位没有参保记录，请核对。" in other.text
    assert "王秀英" not in other.text and "青岛北岸物流有限公司" not in other.text

    partial = client.get("/claims/member/", {"id_number": stranger.id_number[:10]})
    assert partial.text.strip() == ""


def test_looking_up_a_member_is_written_to_the_audit_trail(agent, unit, li_mei):
    agent.get("/claims/member/", {"id_number": li_mei.id_number})
    agent.get("/claims/member/", {"id_number": li_mei.id_number[:10]})  # not a lookup yet

    assert AuditLog.objects.filter(actor=unit.agent, verb__contains="member").count() == 1


# --- 退回 and 不予给付 in the agent's list and on the claim -----------------------------------------------


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
