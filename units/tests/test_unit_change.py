"""单位信息编辑 (manual §1.1.2, SPEC §5.2): an approved unit's edit is a pending change reviewed by the city.

The Unit row keeps the approved data in force for everybody until the city approves the change; then the
change is applied in one transaction and kept as the unit's 变更记录.
"""

import re
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ConcurrentChange, DomainError, ErrorCode, Incomplete, InvalidTransition, NotAllowed
from core.samples import demo_credit_code, tiny_pdf
from review.engine import case_transition
from review.models import Action, BusinessKind, Case, Status, StepActor, Transition
from review.selectors import review_queue_for
from review.services import case_create, material_remove, material_upload
from tests.clients import client_for
from tests.concurrency import run_at_once, skip_unless_postgresql
from units import services
from units.models import BASIC_FIELDS, Unit, UnitChange
from units.selectors import unit_change_history, units_visible_to
from units.services import unit_change_save, unit_submit

NEW_ADDRESS = "青岛市市南区东海西路37号"
NEW_NAME = "青岛海川智能装备有限公司"


def fields_of(unit, **overrides) -> dict:
    """The 基本信息 of UNIT as service keyword arguments, with OVERRIDES."""
    data = {field: getattr(unit, field) for field in BASIC_FIELDS}
    data["merged_from"] = list(unit.merged_from.all())
    data.update(overrides)
    return data


def form_of(unit, **overrides) -> dict:
    """The 基本信息 tab as POSTed by the browser."""
    data = {field: getattr(unit, field) for field in BASIC_FIELDS}
    data["parent_org"] = unit.parent_org_id
    data.update(overrides)
    return data


def save(unit, **overrides) -> UnitChange:
    return unit_change_save(actor=unit.agent, unit=unit, **fields_of(unit, **overrides))


def submit(unit) -> Case:
    return unit_submit(actor=unit.agent, unit=Unit.objects.get(pk=unit.pk))


def approve(case, reviewer, **kw) -> Case:
    return case_transition(case=case, action=Action.APPROVE, actor=reviewer, **kw)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def unit(factory):
    return factory.approved_unit(name="青岛海川机械有限公司", org="市南区")


@pytest.fixture
def agent_client(client, unit):
    client.force_login(unit.agent)
    return client


# --- saving: a pending change, the approved data stays in force -----------------------------------------


@pytest.mark.django_db
def test_saving_an_edit_creates_a_pending_change_and_leaves_the_unit_row_alone(unit):
    approved = {field: getattr(unit, field) for field in BASIC_FIELDS}

    change = save(unit, name=NEW_NAME, address=NEW_ADDRESS)

    unit.refresh_from_db()
    assert {field: getattr(unit, field) for field in BASIC_FIELDS} == approved
    assert unit.is_approved and unit.materials_case_id == unit.registration_case_id
    assert (change.name, change.address, change.is_open, change.applied_at) == (
        NEW_NAME,
        NEW_ADDRESS,
        True,
        None,
    )
    case = change.case
    assert (case.kind, case.status, case.unit_id) == (BusinessKind.UNIT_CHANGE, Status.DRAFT, unit.pk)
    assert case.title == "青岛海川机械有限公司"
    # The change starts from the materials in force.
    assert sorted(case.materials.values_list("slot", flat=True)) == ["approval_doc", "legal_cert"]
    assert unit.open_change == change and unit.editing_case == case


@pytest.mark.django_db
def test_saving_again_updates_the_same_pending_change(unit):
    first = save(unit, address=NEW_ADDRESS)
    second = save(unit, address="青岛市市南区南京路1号", employee_count=130)

    assert first.pk == second.pk
    assert UnitChange.objects.filter(unit=unit).count() == 1
    second.refresh_from_db()
    assert (second.address, second.employee_count) == ("青岛市市南区南京路1号", 130)
    assert second.case.materials.filter(removed_at__isnull=True).count() == 2  # not copied twice


@pytest.mark.django_db
def test_while_an_edit_is_under_review_everybody_reads_the_approved_data(factory, unit, city):
    save(unit, name=NEW_NAME, address=NEW_ADDRESS)
    change_case = submit(unit)
    district = factory.district_reviewer("市南区")

    # Selectors: units_visible_to of the agent, the district reviewer and the city read the Unit row.
    for actor in (unit.agent, district, city):
        seen = units_visible_to(actor).get(pk=unit.pk)
        assert (seen.name, seen.address) == ("青岛海川机械有限公司", "青岛市市南区测试路1号")

    # The unit directory (staff) and the reviewer's registration case screen.
    for reviewer in (district, city):
        directory = page(client_for(reviewer), "/units/directory/")
        assert "青岛海川机械有限公司" in directory and NEW_NAME not in directory
        registration = page(client_for(reviewer), f"/review/cases/{unit.registration_case_id}/")
        assert "青岛海川机械有限公司" in registration and NEW_NAME not in registration
        assert NEW_ADDRESS not in registration

    # The city's screen of the change itself: titled with the approved name, the new one only as 变更后.
    screen = page(client_for(city), f"/review/cases/{change_case.pk}/")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", screen, re.S).group(1)
    assert heading.strip() == "青岛海川机械有限公司"
    name_row = re.search(r'<tr data-field="name">(.*?)</tr>', screen, re.S).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", name_row) == ["青岛海川机械有限公司", NEW_NAME]

    # The agent's own list and 查看 show the approved data (with a note about the pending change).
    agent = client_for(unit.agent)
    listing = page(agent, "/units/")
    assert "青岛海川机械有限公司" in listing and NEW_NAME not in listing
    detail = page(agent, f"/units/{unit.pk}/")
    basic = re.search(r'<dl class="dl-grid mb-4" id="unit-basic">(.*?)</dl>', detail, re.S).group(1)
    assert "青岛海川机械有限公司" in basic and "青岛市市南区测试路1号" in basic
    assert NEW_NAME not in basic and NEW_ADDRESS not in basic
    assert "审核通过前，系统中使用的仍是下方已生效的信息" in detail


@pytest.mark.django_db
def test_an_enrollment_made_while_the_edit_is_in_review_reads_the_approved_name(factory, unit):
    save(unit, name=NEW_NAME)
    submit(unit)

    application = factory.application(unit=Unit.objects.get(pk=unit.pk))

    agent = client_for(unit.agent)
    for url in ("/enrollment/", f"/enrollment/{application.pk}/"):
        html = page(agent, url)
        assert "青岛海川机械有限公司" in html and NEW_NAME not in html
    assert application.unit.name == "青岛海川机械有限公司"


# --- 上报: city only, 编辑市总审核中 --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("org", ["市南区", "市直企业"])
def test_submitting_an_edit_goes_straight_to_the_city_as_编辑市总审核中(factory, city, org):
    unit = factory.approved_unit(org=org)
    save(unit, address=NEW_ADDRESS)

    case = submit(unit)

    assert case.status == Status.IN_REVIEW
    assert case.status_label == "编辑市总审核中"
    assert case.current_step.actor == StepActor.CITY
    district = factory.district_reviewer("市南区")
    assert case not in review_queue_for(district)
    assert case in review_queue_for(city)
    if org == "市南区":
        with pytest.raises(NotAllowed, match="该业务当前不在您的审核环节"):
            approve(case, district)


@pytest.mark.django_db
def test_the_list_shows_编辑市总审核中_and_offers_no_edit_while_in_review(agent_client, unit):
    save(unit, address=NEW_ADDRESS)
    response = agent_client.post(f"/units/{unit.pk}/submit/", follow=True)

    assert "“青岛海川机械有限公司”已上报，当前状态：编辑市总审核中" in messages_of(response)
    html = response.content.decode()
    row = re.search(r'<tr data-unit="青岛海川机械有限公司">(.*?)</tr>', html, re.S).group(1)
    assert "编辑市总审核中" in row
    assert 'data-action="view"' in row
    assert 'data-action="edit"' not in row and 'data-action="submit"' not in row

    bounced = agent_client.get(f"/units/{unit.pk}/edit/", follow=True)
    assert bounced.redirect_chain == [(f"/units/{unit.pk}/", 302)]
    assert "“青岛海川机械有限公司”当前状态为“编辑市总审核中”，不能编辑" in messages_of(bounced)


@pytest.mark.django_db
def test_only_the_units_agent_may_submit_the_edit(factory, unit):
    save(unit, address=NEW_ADDRESS)
    other = factory.agent(name="李四")
    with pytest.raises(NotAllowed):
        case_transition(case=unit.open_change.case, action=Action.SUBMIT, actor=other)
    assert client_for(other).post(f"/units/{unit.pk}/submit/").status_code == 404


@pytest.mark.django_db
def test_submitting_an_edit_without_any_change_is_refused(agent_client, unit):
    change = save(unit)  # 保存 without touching anything

    with pytest.raises(Incomplete, match="单位信息没有任何修改，无需上报"):
        submit(unit)

    response = agent_client.post(f"/units/{unit.pk}/submit/", follow=True)
    assert "单位信息没有任何修改，无需上报" in messages_of(response)
    change.case.refresh_from_db()
    assert change.case.status == Status.DRAFT


@pytest.mark.django_db
def test_a_replaced_material_alone_is_a_change_worth_submitting(unit):
    change = save(unit)
    _replace_material(change, "approval_doc", "new-pifu.pdf", unit.agent)

    assert submit(unit).status_label == "编辑市总审核中"


def _replace_material(change, slot, name, agent):
    old = change.case.materials.get(slot=slot, removed_at__isnull=True)
    material_remove(material=old, actor=agent)
    material_upload(case=change.case, slot=slot, upload=ContentFile(tiny_pdf(name), name=name), actor=agent)


# --- the city's comparison: only what differs -----------------------------------------------------------


@pytest.mark.django_db
def test_the_city_case_screen_lists_only_the_differing_fields_and_materials(unit, city):
    change = save(unit, address=NEW_ADDRESS)
    _replace_material(change, "approval_doc", "pifu-2026.pdf", unit.agent)
    case = submit(unit)

    html = page(client_for(city), f"/review/cases/{case.pk}/")

    assert "变更内容（仅列出有变化的项目）" in html
    assert re.findall(r'<tr data-field="(\w+)">', html) == ["address"]
    address = re.search(r'<tr data-field="address">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", address) == ["青岛市市南区测试路1号", NEW_ADDRESS]
    materials = re.search(r'<table class="table table-sm" id="change-materials">(.*?)</table>', html, re.S)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td[^>]*>(.*?)</td></tr>", materials.group(1))
    assert rows == [("批复文件", "approval_doc.pdf", "pifu-2026.pdf")]  # 法人资格证书 unchanged: not listed
    assert 'id="approve"' in html and 'id="return"' in html


@pytest.mark.django_db
def test_the_diff_functions_compare_by_value_and_by_file_content(unit):
    change = save(unit, employee_count=121, merge_history=Unit.MergeHistory.NONE)
    assert services.unit_change_diff(change) == [
        {"field": "employee_count", "label": "职工人数", "old": "50", "new": "121"}
    ]
    assert services.unit_change_material_diff(change) == []
    # The same file uploaded again under another name is no change of content.
    old = change.case.materials.get(slot="legal_cert")
    material_remove(material=old, actor=unit.agent)
    material_upload(
        case=change.case,
        slot="legal_cert",
        upload=ContentFile(tiny_pdf("legal_cert"), name="renamed.pdf"),
        actor=unit.agent,
    )
    assert services.unit_change_material_diff(change) == []


# --- approval: applied atomically, 变更记录 ----------------------------------------------------------------


@pytest.mark.django_db
def test_approval_applies_the_change_and_records_who_when_and_old_to_new(unit, city):
    change = save(unit, name=NEW_NAME, address=NEW_ADDRESS)
    _replace_material(change, "legal_cert", "faren-2026.pdf", unit.agent)
    case = submit(unit)

    case = approve(case, city, reason="同意变更")

    assert (case.status, case.status_label) == (Status.APPROVED, "审核通过")
    unit.refresh_from_db()
    assert (unit.name, unit.address, unit.materials_case_id) == (NEW_NAME, NEW_ADDRESS, case.pk)
    assert unit.is_approved and unit.open_change is None
    change.refresh_from_db()
    assert change.is_open is False and change.applied_at is not None
    assert change.changed_fields == {
        "单位名称": ["青岛海川机械有限公司", NEW_NAME],
        "单位地址": ["青岛市市南区测试路1号", NEW_ADDRESS],
        "材料：法人资格证书": ["legal_cert.pdf", "faren-2026.pdf"],
    }
    assert list(unit_change_history(unit)) == [change]
    # The materials in force are now the change's: the new certificate, the unchanged approval document.
    in_force = unit.materials_case.materials.filter(removed_at__isnull=True)
    assert sorted(in_force.values_list("original_name", flat=True)) == ["approval_doc.pdf", "faren-2026.pdf"]

    # 查看 → 变更记录: who, when, which fields, old → new.
    html = page(client_for(unit.agent), f"/units/{unit.pk}/?tab=history")
    history = html.split('<div id="change-history">')[1]
    assert f"{timezone.localtime(change.applied_at):%Y-%m-%d %H:%M} 生效" in history
    assert f"申请人 {unit.agent.real_name}" in history
    for label, (old, new) in change.changed_fields.items():
        assert re.search(
            rf"<td>{label}</td><td[^>]*>{re.escape(old)}</td><td>{re.escape(new)}</td>", history
        ), label
    # The list shows 审核通过 again, with the new name and 编辑 offered for the next change.
    listing = page(client_for(unit.agent), "/units/")
    row = re.search(rf'<tr data-unit="{NEW_NAME}">(.*?)</tr>', listing, re.S).group(1)
    assert "审核通过" in row and 'data-action="edit"' in row


@pytest.mark.django_db
def test_the_approved_case_screen_shows_what_took_effect(unit, city):
    save(unit, address=NEW_ADDRESS)
    case = approve(submit(unit), city)

    html = page(client_for(city), f"/review/cases/{case.pk}/")
    assert "已生效的变更" in html
    assert f"<td>单位地址</td><td>青岛市市南区测试路1号</td><td>{NEW_ADDRESS}</td>" in html


@pytest.mark.django_db
def test_an_approval_that_fails_leaves_everything_as_it_was(unit, city, monkeypatch):
    change = save(unit, name=NEW_NAME, address=NEW_ADDRESS)
    case = submit(unit)
    real_apply = services._apply_basic

    def fail_after_writing(target, **kw):
        real_apply(target, **kw)
        if isinstance(target, Unit):
            raise DomainError("模拟：写入单位后失败")

    monkeypatch.setattr(services, "_apply_basic", fail_after_writing)
    with pytest.raises(DomainError, match="模拟"):
        approve(case, city)

    unit.refresh_from_db()
    assert (unit.name, unit.address) == ("青岛海川机械有限公司", "青岛市市南区测试路1号")
    case.refresh_from_db()
    assert (case.status_label, case.version) == ("编辑市总审核中", 1)
    assert not Transition.objects.filter(case=case, action=Action.APPROVE).exists()
    change.refresh_from_db()
    assert change.is_open and change.applied_at is None and change.changed_fields == {}


# --- 退回: editable again, the reason shown ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_returned_edit_is_editable_again_with_the_reason(agent_client, unit, city):
    change = save(unit, address=NEW_ADDRESS)
    case = submit(unit)
    case_transition(case=case, action=Action.RETURN, actor=city, reason="地址与营业执照不一致")

    listing = page(agent_client, "/units/")
    row = re.search(r'<tr data-unit="青岛海川机械有限公司">(.*?)</tr>', listing, re.S).group(1)
    assert "退回" in row
    for action in ("submit", "reason", "edit"):
        assert f'data-action="{action}"' in row, action
    assert 'data-action="delete"' not in row  # 删除 is for drafts only
    timeline = page(agent_client, f"/units/{unit.pk}/?tab=timeline")
    assert "退回原因：</strong>地址与营业执照不一致" in timeline

    # 编辑 opens the pending change pre-filled, not the data in force.
    edit = page(agent_client, f"/units/{unit.pk}/edit/")
    assert f'value="{NEW_ADDRESS}"' in edit
    response = agent_client.post(f"/units/{unit.pk}/edit/", form_of(unit, address="青岛市市南区东海西路39号"))
    assert response.status_code == 302 and response.url == f"/units/{unit.pk}/edit/agent/"
    assert UnitChange.objects.filter(unit=unit).count() == 1
    change.refresh_from_db()
    assert change.address == "青岛市市南区东海西路39号"

    case = submit(unit)
    assert case.status_label == "编辑市总审核中" and case.last_return_reason == ""
    approve(case, city)
    unit.refresh_from_db()
    assert unit.address == "青岛市市南区东海西路39号"


@pytest.mark.django_db
def test_a_draft_edit_can_be_discarded_and_the_unit_is_untouched(agent_client, unit):
    change = save(unit, address=NEW_ADDRESS)
    response = agent_client.post(f"/units/{unit.pk}/delete/", follow=True)

    assert messages_of(response) == ["已撤销“青岛海川机械有限公司”的本次编辑，单位仍为审核通过，信息保持不变"]
    change.refresh_from_db()
    assert change.is_open is False and change.case.status == Status.DELETED
    unit.refresh_from_db()
    assert unit.deleted_at is None and unit.address == "青岛市市南区测试路1号"
    assert unit.open_change is None
    assert save(unit, address=NEW_ADDRESS).pk != change.pk  # a fresh edit may start


# --- the edit tabs through the client --------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_through_the_three_tabs(agent_client, unit):
    edit = page(agent_client, f"/units/{unit.pk}/edit/")
    assert 'value="青岛市市南区测试路1号"' in edit  # pre-filled from the approved data
    assert "修改后请上报，市总审核通过后生效" in edit

    response = agent_client.post(f"/units/{unit.pk}/edit/", form_of(unit, address=NEW_ADDRESS))
    assert response.url == f"/units/{unit.pk}/edit/agent/"
    response = agent_client.post(response.url)
    assert response.url == f"/units/{unit.pk}/edit/materials/"
    materials = page(agent_client, response.url)
    assert materials.count('<tr data-material="') == 2  # the materials in force, carried over
    response = agent_client.post(f"/units/{unit.pk}/edit/materials/", follow=True)
    assert "单位信息已保存，可以上报" in messages_of(response)
    row = re.search(r'<tr data-unit="青岛海川机械有限公司">(.*?)</tr>', response.content.decode(), re.S)
    assert "编辑未上报" in row.group(1)
    for action in ("submit", "view", "edit", "cancel_edit"):
        assert f'data-action="{action}"' in row.group(1), action


def status_cell(listing: str, name: str) -> list[str]:
    row = re.search(rf'<tr data-unit="{name}">(.*?)</tr>', listing, re.S).group(1)
    cell = re.search(r'<td class="unit-status">(.*?)</td>', row, re.S).group(1)
    return re.findall(r'<span class="badge[^"]*"[^>]*>([^<]+)</span>', cell)


@pytest.mark.django_db
def test_an_approved_unit_with_a_saved_edit_stays_approved_and_offers_to_cancel_only_the_edit(
    agent_client, unit, city
):
    save(unit, address=NEW_ADDRESS)
    listing = page(agent_client, "/units/")
    assert status_cell(listing, unit.name) == ["审核通过", "编辑未上报"]
    row = re.search(rf'<tr data-unit="{unit.name}">(.*?)</tr>', listing, re.S).group(1)
    assert ">撤销编辑</button>" in row and ">删除</button>" not in row
    assert "已审核通过的单位信息保持不变，单位不会被删除" in row  # the confirmation says so
    detail = page(agent_client, f"/units/{unit.pk}/")
    assert 'data-badge="edit">编辑未上报<' in detail and ">审核通过<" in detail

    # Under review and after a return the unit is still 审核通过, with the edit's own state next to it.
    case = submit(unit)
    assert status_cell(page(agent_client, "/units/"), unit.name) == ["审核通过", "编辑市总审核中"]
    case_transition(case=case, action=Action.RETURN, actor=city, reason="地址有误")
    assert status_cell(page(agent_client, "/units/"), unit.name) == ["审核通过", "编辑被退回"]


@pytest.mark.django_db
def test_a_unit_being_registered_shows_one_badge_and_a_real_delete(agent_client, factory, unit):
    factory.unit(unit.agent, name="青岛草稿二有限公司")
    listing = page(agent_client, "/units/")
    assert status_cell(listing, "青岛草稿二有限公司") == ["草稿"]
    row = re.search(r'<tr data-unit="青岛草稿二有限公司">(.*?)</tr>', listing, re.S).group(1)
    assert ">删除</button>" in row and "撤销编辑" not in row


@pytest.mark.django_db
def test_the_materials_tab_of_an_approved_unit_without_a_change_asks_to_save_first(agent_client, unit):
    response = agent_client.get(f"/units/{unit.pk}/edit/materials/", follow=True)
    assert response.redirect_chain == [(f"/units/{unit.pk}/edit/", 302)]
    assert not UnitChange.objects.exists()


# --- at most one pending change -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_save_while_the_edit_is_in_review_is_refused(agent_client, unit):
    change = save(unit, address=NEW_ADDRESS)
    submit(unit)

    with pytest.raises(InvalidTransition, match="审核完成前不能再次编辑"):
        save(unit, address="青岛市市南区别的路1号")

    # The same through the form (a page loaded before 上报): refused, nothing written.
    response = agent_client.post(f"/units/{unit.pk}/edit/", form_of(unit, address="青岛市市南区别的路1号"))
    assert response.status_code == 302 and response.url == f"/units/{unit.pk}/"
    change.refresh_from_db()
    assert change.address == NEW_ADDRESS
    assert UnitChange.objects.filter(unit=unit).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_change_even_bypassing_the_service(unit):
    change = save(unit, address=NEW_ADDRESS)
    other_case = case_create(kind=BusinessKind.UNIT_CHANGE, unit=unit, applicant=unit.agent, title="x")
    second = UnitChange(unit=unit, case=other_case, **{f: getattr(change, f) for f in BASIC_FIELDS})

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()

    # Closed changes do not count: after approval a new change may be opened.
    UnitChange.objects.filter(pk=change.pk).update(is_open=False)
    second.save()
    assert UnitChange.objects.filter(unit=unit, is_open=True).get() == second


# --- uniqueness against other units, at save and at approval ------------------------------------------------


@pytest.mark.django_db
def test_the_edit_may_not_take_another_units_name_or_credit_code(factory, unit, agent_client):
    other = factory.approved_unit(name="青岛港湾物流有限公司")

    with pytest.raises(DomainError, match="单位名称“青岛港湾物流有限公司”已被注册") as name_error:
        save(unit, name="青岛港湾物流有限公司")
    assert name_error.value.code == ErrorCode.DUPLICATE
    with pytest.raises(DomainError, match=f"统一社会信用代码 {other.credit_code} 已被注册"):
        save(unit, credit_code=other.credit_code)
    assert not UnitChange.objects.filter(unit=unit).exists()

    # Keeping its own name and credit code is fine.
    assert save(unit, address=NEW_ADDRESS).name == "青岛海川机械有限公司"

    response = agent_client.post(f"/units/{unit.pk}/edit/", form_of(unit, name="青岛港湾物流有限公司"))
    assert response.status_code == 200
    assert "单位名称“青岛港湾物流有限公司”已被注册" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name", "credit_code"])
def test_uniqueness_is_checked_again_at_approval(factory, unit, city, field):
    """Another unit registered the new name (or code) while the edit waited for the city."""
    new_value = NEW_NAME if field == "name" else demo_credit_code("91370202MA9Y99991")
    change = save(unit, **{field: new_value})
    case = submit(unit)
    factory.approved_unit(**{field: new_value})  # allowed: the Unit row still holds the approved data

    with pytest.raises(DomainError, match="已被注册"):
        approve(case, city)

    case.refresh_from_db()
    assert (case.status_label, case.version) == ("编辑市总审核中", 1)
    unit.refresh_from_db()
    assert getattr(unit, field) != new_value
    change.refresh_from_db()
    assert change.is_open and change.applied_at is None

    # Through the decision form the reviewer gets the message, not a 500.
    response = client_for(city).post(
        f"/review/cases/{case.pk}/decide/", {"action": "approve", "version": 1}, follow=True
    )
    assert any("已被注册" in m for m in messages_of(response))
    # The city can return it so that the agent corrects the name.
    case_transition(case=case, action=Action.RETURN, actor=city, reason="名称已被其他单位注册")
    assert unit_change_save(actor=unit.agent, unit=unit, **fields_of(unit, address=NEW_ADDRESS))


# --- approval and a second edit attempt cannot both apply ---------------------------------------------------


@pytest.mark.django_db
def test_approval_then_a_stale_second_edit_makes_a_new_draft_not_an_applied_change(unit, city, agent_client):
    change = save(unit, address=NEW_ADDRESS)
    case = submit(unit)
    stale_form = form_of(unit, address="青岛市市南区另一个地址9号")  # the agent's page, loaded earlier

    # The second edit before the approval: refused; the approval then applies the reviewed data.
    with pytest.raises(InvalidTransition):
        save(unit, address="青岛市市南区另一个地址9号")
    approve(case, city)
    unit.refresh_from_db()
    assert unit.address == NEW_ADDRESS

    # The second edit after the approval: a new draft change, the applied data untouched.
    response = agent_client.post(f"/units/{unit.pk}/edit/", stale_form)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.address == NEW_ADDRESS
    fresh = unit.open_change
    assert fresh.pk != change.pk and fresh.case.status == Status.DRAFT
    change.refresh_from_db()
    assert change.changed_fields == {"单位地址": ["青岛市市南区测试路1号", NEW_ADDRESS]}


@pytest.mark.django_db
def test_a_reviewer_approving_a_stale_version_cannot_apply_an_edit_it_has_not_seen(unit, city):
    save(unit, address=NEW_ADDRESS)
    case = submit(unit)
    seen_version = case.version
    # Meanwhile another city reviewer returns it; the agent edits and submits again.
    case_transition(case=case, action=Action.RETURN, actor=city, reason="请核对")
    save(unit, address="青岛市市南区未审核的地址1号")
    submit(unit)

    with pytest.raises(ConcurrentChange, match="该业务已被他人处理"):
        approve(case, city, expected_version=seen_version)
    unit.refresh_from_db()
    assert unit.address == "青岛市市南区测试路1号"


def _assert_one_consistent_outcome(unit, change, results):
    approval, second = results
    assert isinstance(approval, Case), repr(approval)
    assert approval.status == Status.APPROVED
    unit.refresh_from_db()
    change.refresh_from_db()
    assert unit.address == NEW_ADDRESS  # what the city reviewed, never the second edit
    assert change.changed_fields == {"单位地址": ["青岛市市南区测试路1号", NEW_ADDRESS]}
    if isinstance(second, Exception):
        # The second edit saw the change still under review.
        assert isinstance(second, InvalidTransition), repr(second)
        assert "审核完成前不能再次编辑" in second.message
        assert not UnitChange.objects.filter(unit=unit, is_open=True).exists()
    else:
        # The second edit ran after the approval: a new draft, nothing applied.
        assert second.pk != change.pk and second.case.status == Status.DRAFT
    assert UnitChange.objects.filter(unit=unit, applied_at__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_race_approval_and_a_second_edit_at_once(factory):
    skip_unless_postgresql(
        "the approval and the second edit can never run at the same time; the sequential tests cover SQLite"
    )
    unit = factory.approved_unit()
    city = factory.city_reviewer()
    change = save(unit, address=NEW_ADDRESS)
    case = submit(unit)

    results = run_at_once(
        lambda: approve(case, city),
        lambda: save(Unit.objects.get(pk=unit.pk), address="青岛市市南区另一个地址9号"),
    )

    _assert_one_consistent_outcome(unit, change, results)


@pytest.mark.django_db(transaction=True)
def test_race_the_edit_holds_the_unit_while_the_approval_starts(factory, monkeypatch):
    """The second edit has locked the unit row when the approval starts: no deadlock, one clear outcome."""
    skip_unless_postgresql(
        "the approval and the second edit can never run at the same time; the sequential tests cover SQLite"
    )
    unit = factory.approved_unit()
    city = factory.city_reviewer()
    change = save(unit, address=NEW_ADDRESS)
    case = submit(unit)

    edit_holds_unit, approval_is_writing = threading.Event(), threading.Event()
    real_lock = services._lock_unit_of
    real_apply = services.unit_change_apply

    def lock_then_wait(actor, unit):
        locked = real_lock(actor, unit)
        edit_holds_unit.set()
        approval_is_writing.wait(timeout=2)  # give the approval time to update the case row
        return locked

    def apply_signalling(**kw):
        approval_is_writing.set()
        return real_apply(**kw)

    monkeypatch.setattr(services, "_lock_unit_of", lock_then_wait)
    monkeypatch.setattr("units.business.unit_change_apply", apply_signalling)

    def approval():
        assert edit_holds_unit.wait(timeout=10)
        return approve(case, city)

    results = run_at_once(
        approval, lambda: save(Unit.objects.get(pk=unit.pk), address="青岛市市南区另一个地址9号")
    )

    _assert_one_consistent_outcome(unit, change, results)
