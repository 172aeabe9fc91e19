"""单位注册 screens (units.views) through the Django test client: tabs, list actions, scoping, search."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from core.samples import demo_credit_code, tiny_pdf
from review.engine import case_transition
from review.models import Action, Status
from units.models import Unit

CREDIT = demo_credit_code("91370202MA3C8K7X1")


def form_data(factory, **overrides):
    data = {
        "name": "青岛海川机械有限公司",
        "credit_code": CREDIT,
        "parent_org": factory.org("市南区").pk,
        "nature": "enterprise",
        "address": "青岛市市南区香港中路100号",
        "contact_phone": "0532-80000001",
        "employee_count": "120",
        "union_name": "青岛海川机械有限公司工会",
        "merge_history": "none",
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def agent(factory):
    return factory.agent(name="张三")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


# --- the three tabs, end to end --------------------------------------------------------------------


@pytest.mark.django_db
def test_registering_a_unit_through_the_three_tabs(agent_client, agent, factory):
    assert agent_client.get("/units/new/").status_code == 200

    response = agent_client.post("/units/new/", form_data(factory))
    unit = Unit.objects.get(name="青岛海川机械有限公司")
    assert response.status_code == 302
    assert response.url == f"/units/{unit.pk}/edit/agent/"

    agent_tab = agent_client.get(response.url)
    assert agent.real_name in agent_tab.text
    assert agent.masked_id_number in agent_tab.text
    assert agent.id_number not in agent_tab.text

    response = agent_client.post(f"/units/{unit.pk}/edit/agent/")
    assert response.url == f"/units/{unit.pk}/edit/materials/"

    materials_tab = agent_client.get(response.url)
    case = unit.registration_case
    assert f'hx-post="/review/cases/{case.pk}/materials/"' in materials_tab.text
    assert "上报前还需上传：批复文件、法人资格证书" in materials_tab.text

    for slot, name in (("approval_doc", "批复.pdf"), ("legal_cert", "法人证书.pdf")):
        upload = SimpleUploadedFile(name, tiny_pdf(slot), content_type="application/pdf")
        uploaded = agent_client.post(f"/review/cases/{case.pk}/materials/", {"slot": slot, "file": upload})
        assert f"“{name}”上传成功" in uploaded.text

    response = agent_client.post(f"/units/{unit.pk}/edit/materials/", follow=True)
    assert response.redirect_chain == [("/units/", 302)]
    assert "单位信息已保存，可以上报" in messages_of(response)
    assert [a["key"] for a in response.context["rows"][0]["actions"]] == ["submit", "view", "edit", "delete"]

    response = agent_client.post(f"/units/{unit.pk}/submit/", {"version": case.version}, follow=True)
    assert "“青岛海川机械有限公司”已上报，当前状态：区县审核中" in messages_of(response)
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW


@pytest.mark.django_db
def test_saving_the_materials_tab_without_both_files_says_what_is_missing(agent_client, agent, factory):
    unit = factory.unit(agent, materials=False)

    response = agent_client.post(f"/units/{unit.pk}/edit/materials/", follow=True)

    assert "材料已保存。上报前还需上传：批复文件、法人资格证书" in messages_of(response)


@pytest.mark.django_db
def test_submitting_from_the_list_without_materials_shows_what_is_missing(agent_client, agent, factory):
    unit = factory.unit(agent, materials=False)

    response = agent_client.post(f"/units/{unit.pk}/submit/", {"version": 0}, follow=True)

    assert "请先上传以下材料后再上报：批复文件、法人资格证书" in messages_of(response)
    unit.registration_case.refresh_from_db()
    assert unit.registration_case.status == Status.DRAFT


@pytest.mark.django_db
def test_submitting_from_a_stale_list_is_refused(agent_client, agent, factory):
    unit = factory.unit(agent)
    stale = unit.registration_case.version
    agent_client.post(f"/units/{unit.pk}/submit/", {"version": stale})

    response = agent_client.post(f"/units/{unit.pk}/submit/", {"version": stale}, follow=True)

    assert "该业务已被他人处理，当前状态为“区县审核中”，请刷新后查看" in messages_of(response)
    assert unit.registration_case.transitions.count() == 1


@pytest.mark.django_db
def test_the_basic_tab_shows_a_duplicate_name_as_an_error(agent_client, factory):
    factory.unit(name="青岛海川机械有限公司")

    response = agent_client.post(
        "/units/new/", form_data(factory, credit_code=demo_credit_code("91370203MA3C8K7X2"))
    )

    assert response.status_code == 200
    assert "单位名称“青岛海川机械有限公司”已被注册" in response.text
    assert Unit.objects.count() == 1


@pytest.mark.django_db
def test_the_basic_tab_checks_the_credit_code(agent_client, factory):
    response = agent_client.post("/units/new/", form_data(factory, credit_code=CREDIT[:17] + "0"))

    assert "统一社会信用代码校验位错误，请核对" in response.text
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_the_basic_tab_refuses_a_group_as_parent_org(agent_client, factory):
    response = agent_client.post("/units/new/", form_data(factory, parent_org=factory.org("市区").pk))

    assert response.status_code == 200
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_a_merge_needs_at_least_one_picked_unit(agent_client, factory):
    response = agent_client.post("/units/new/", form_data(factory, merge_history="merge"))

    assert "请搜索并选择由哪些单位合并" in response.text
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_picked_units_are_saved_with_the_merge(agent_client, factory):
    old = factory.approved_unit(name="青岛老海川厂", org="市直企业")

    agent_client.post("/units/new/", form_data(factory, merge_history="merge", merged_from=[old.pk]))

    unit = Unit.objects.get(name="青岛海川机械有限公司")
    assert list(unit.merged_from.all()) == [old]


@pytest.mark.django_db
def test_only_approved_units_can_be_picked(agent_client, factory):
    draft = factory.unit(name="青岛草稿厂")

    response = agent_client.post(
        "/units/new/", form_data(factory, merge_history="merge", merged_from=[draft.pk])
    )

    assert response.status_code == 200
    assert not Unit.objects.filter(name="青岛海川机械有限公司").exists()


# --- the list: actions per status -------------------------------------------------------------------


def row_actions(client, unit):
    response = client.get("/units/")
    (row,) = [r for r in response.context["rows"] if r["unit"].pk == unit.pk]
    return [a["label"] for a in row["actions"]]


@pytest.mark.django_db
def test_a_draft_offers_submit_view_edit_delete(agent_client, agent, factory):
    assert row_actions(agent_client, factory.unit(agent)) == ["上报", "查看", "编辑", "删除"]


@pytest.mark.django_db
def test_a_unit_under_review_offers_view_only(agent_client, agent, factory):
    unit = factory.submitted_unit(agent=agent)
    assert row_actions(agent_client, unit) == ["查看"]

    case_transition(case=unit.registration_case, action=Action.APPROVE, actor=factory.district_reviewer())
    assert row_actions(agent_client, unit) == ["查看"]


@pytest.mark.django_db
def test_a_returned_unit_offers_submit_view_reason_edit(agent_client, agent, factory):
    unit = factory.submitted_unit(agent=agent)
    case_transition(
        case=unit.registration_case,
        action=Action.RETURN,
        actor=factory.district_reviewer(),
        reason="名称有误",
    )

    assert row_actions(agent_client, unit) == ["上报", "查看", "查看退回原因", "编辑"]


@pytest.mark.django_db
def test_an_approved_unit_offers_view_and_the_edit_that_starts_a_change(agent_client, agent, factory):
    # §5.2: 编辑 on an approved unit opens a pending change (编辑市总审核中); it is never deleted.
    assert row_actions(agent_client, factory.approved_unit(agent=agent)) == ["查看", "编辑"]


@pytest.mark.django_db
def test_the_list_shows_the_status_and_the_buttons_of_each_row(agent_client, agent, factory):
    factory.unit(agent, name="青岛草稿有限公司")
    factory.submitted_unit(agent=agent, name="青岛审核有限公司")

    html = agent_client.get("/units/").text

    draft_row = re.search(r'<tr data-unit="青岛草稿有限公司">.*?</tr>', html, re.S).group(0)
    review_row = re.search(r'<tr data-unit="青岛审核有限公司">.*?</tr>', html, re.S).group(0)
    assert "草稿" in draft_row and 'data-action="delete"' in draft_row
    assert "区县审核中" in review_row and 'data-action="submit"' not in review_row


@pytest.mark.django_db
def test_the_return_reason_is_shown_under_the_timeline_tab(agent_client, agent, factory):
    unit = factory.submitted_unit(agent=agent)
    case_transition(
        case=unit.registration_case,
        action=Action.RETURN,
        actor=factory.district_reviewer(),
        reason="缺少公章",
    )

    response = agent_client.get(f"/units/{unit.pk}/?tab=timeline")

    assert "退回原因：</strong>缺少公章" in response.text


@pytest.mark.django_db
def test_a_unit_under_review_cannot_be_opened_for_editing(agent_client, agent, factory):
    unit = factory.submitted_unit(agent=agent, name="青岛审核有限公司")

    for path in ("edit/", "edit/agent/", "edit/materials/"):
        response = agent_client.get(f"/units/{unit.pk}/{path}", follow=True)
        assert response.redirect_chain == [(f"/units/{unit.pk}/", 302)]
        assert "“青岛审核有限公司”当前状态为“区县审核中”，不能编辑" in messages_of(response)


@pytest.mark.django_db
def test_deleting_a_draft_from_the_list(agent_client, agent, factory):
    unit = factory.unit(agent, name="青岛草稿有限公司")

    response = agent_client.post(f"/units/{unit.pk}/delete/", follow=True)

    assert "“青岛草稿有限公司”已删除" in messages_of(response)
    assert response.context["rows"] == []
    unit.refresh_from_db()
    assert unit.deleted_at is not None


# --- scoping: another agent's unit does not exist -------------------------------------------------


@pytest.fixture
def others_unit(factory):
    return factory.unit(factory.agent(name="李四"), name="李四的单位")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["", "?tab=materials", "edit/", "edit/agent/", "edit/materials/"])
def test_another_agents_unit_pages_are_404(agent_client, others_unit, path):
    assert agent_client.get(f"/units/{others_unit.pk}/{path}").status_code == 404


@pytest.mark.django_db
def test_another_agents_unit_cannot_be_edited_by_post(agent_client, factory, others_unit):
    response = agent_client.post(f"/units/{others_unit.pk}/edit/", form_data(factory))

    assert response.status_code == 404
    others_unit.refresh_from_db()
    assert others_unit.name == "李四的单位"


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["submit", "delete"])
def test_submitting_or_deleting_another_agents_unit_is_404_and_changes_nothing(
    agent_client, others_unit, action
):
    case = others_unit.registration_case

    response = agent_client.post(f"/units/{others_unit.pk}/{action}/", {"version": case.version})

    assert response.status_code == 404
    others_unit.refresh_from_db()
    case.refresh_from_db()
    assert (case.status, case.version, others_unit.deleted_at) == (Status.DRAFT, 0, None)
    assert not case.transitions.exists()


@pytest.mark.django_db
def test_another_agents_material_is_404(agent_client, others_unit):
    material = others_unit.registration_case.materials.first()

    assert agent_client.get(f"/review/materials/{material.pk}/").status_code == 404
    assert agent_client.get(f"/review/materials/{material.pk}/file/").status_code == 404


@pytest.mark.django_db
def test_my_list_leaves_out_other_agents_units(agent_client, agent, factory, others_unit):
    mine = factory.unit(agent)

    rows = agent_client.get("/units/").context["rows"]

    assert [r["unit"] for r in rows] == [mine]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [User.Role.DISTRICT_REVIEWER, User.Role.CITY_REVIEWER, User.Role.FINANCE, "superuser"]
)
def test_staff_have_no_agent_unit_pages(client, factory, role):
    if role == "superuser":
        user = factory.staff(User.Role.ADMIN)
        User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    else:
        user = factory.staff(role, org=factory.org("市南区") if role == User.Role.DISTRICT_REVIEWER else None)
    client.force_login(User.objects.get(pk=user.pk))

    assert client.get("/units/").status_code == 403
    assert client.post("/units/new/", form_data(factory)).status_code == 403
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_the_district_directory_shows_units_of_my_district_only(client, factory):
    factory.submitted_unit(org="市南区", name="市南的单位")
    factory.submitted_unit(org="市北区", name="市北的单位")
    client.force_login(factory.district_reviewer("市南区"))

    response = client.get("/units/directory/")

    assert [u.name for u in response.context["page"]] == ["市南的单位"]


# --- 由哪些单位合并/拆解: the type-ahead ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_search_endpoint_returns_only_approved_units(agent_client, factory):
    factory.approved_unit(name="青岛啤酒厂", org="市直企业")
    factory.submitted_unit(name="青岛啤酒二厂")
    factory.unit(name="青岛啤酒三厂")

    response = agent_client.get("/units/search/", {"q": "啤酒"})

    assert re.findall(r'data-pick="([^"]+)"', response.text) == ["青岛啤酒厂"]


@pytest.mark.django_db
def test_the_search_endpoint_says_when_nothing_matches(agent_client, factory):
    response = agent_client.get("/units/search/", {"q": "不存在的厂"})

    assert "没有找到名称包含“不存在的厂”的已注册单位" in response.text


@pytest.mark.django_db
def test_a_picked_unit_becomes_a_chip_with_its_hidden_input(agent_client, factory):
    old = factory.approved_unit(name="青岛啤酒厂", org="市直企业")

    response = agent_client.get(f"/units/chip/{old.pk}/", {"name": "merged_from"})

    assert "青岛啤酒厂" in response.text
    assert re.search(
        rf'name="merged_from"[^>]*value="{old.pk}"|value="{old.pk}"[^>]*name="merged_from"', response.text
    )


@pytest.mark.django_db
def test_a_draft_cannot_be_picked_as_a_chip(agent_client, factory):
    assert agent_client.get(f"/units/chip/{factory.unit().pk}/").status_code == 404
