"""单位注册 services (units.services): uniqueness, the 上级单位 leaf rule, 合并/拆分, edit, 上报, 删除."""

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from core.errors import DomainError, ErrorCode, Incomplete, InvalidTransition, NotAllowed
from core.models import AuditLog
from core.samples import demo_credit_code, tiny_pdf
from review.engine import case_transition
from review.models import Action, BusinessKind, Status
from review.services import material_upload
from units.models import Unit
from units.services import FieldRefusal, unit_delete, unit_register, unit_submit, unit_update_registration

CREDIT = demo_credit_code("91370202MA3C8K7X1")
OTHER_CREDIT = demo_credit_code("91370203MA3C8K7X2")


def basic(factory, **overrides):
    """The 基本信息 of tab 1, as the form hands them to the service."""
    data = {
        "name": "青岛海川机械有限公司",
        "credit_code": CREDIT,
        "parent_org": factory.org("市南区"),
        "nature": Unit.Nature.ENTERPRISE,
        "address": "青岛市市南区香港中路100号",
        "contact_phone": "0532-80000001",
        "employee_count": 120,
        "union_name": "青岛海川机械有限公司工会",
        "merge_history": Unit.MergeHistory.NONE,
    }
    data.update(overrides)
    return data


def upload_materials(unit):
    for slot in ("approval_doc", "legal_cert"):
        upload = ContentFile(tiny_pdf(slot), name=f"{slot}.pdf")
        material_upload(case=unit.registration_case, slot=slot, upload=upload, actor=unit.agent)


@pytest.fixture
def agent(factory):
    return factory.agent(name="张三")


@pytest.mark.django_db
def test_registering_a_unit_creates_a_draft_with_its_registration_case(factory, agent):
    unit = unit_register(actor=agent, **basic(factory))

    case = unit.registration_case
    assert (unit.agent, unit.name, unit.is_approved) == (agent, "青岛海川机械有限公司", False)
    assert (case.kind, case.status, case.status_label) == (
        BusinessKind.UNIT_REGISTRATION,
        Status.DRAFT,
        "草稿",
    )
    assert (case.unit, case.applicant, case.title) == (unit, agent, "青岛海川机械有限公司")
    audit = AuditLog.objects.get(verb="unit_register")
    assert (audit.actor, audit.object_id) == (agent, str(unit.pk))
    assert audit.changes["name"] == ["", "青岛海川机械有限公司"]


@pytest.mark.django_db
def test_only_an_agent_can_register_a_unit(factory):
    with pytest.raises(NotAllowed, match="只有代办员可以注册单位"):
        unit_register(actor=factory.city_reviewer(), **basic(factory))

    assert not Unit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second"), [("Haier青岛有限公司", "HAIER青岛有限公司"), ("青岛ABC公司", "青岛abc公司")]
)
def test_a_unit_name_is_unique_ignoring_case(factory, agent, first, second):
    unit_register(actor=agent, **basic(factory, name=first))

    with pytest.raises(DomainError, match=f"单位名称“{second}”已被注册") as error:
        unit_register(
            actor=factory.agent(name="李四"), **basic(factory, name=second, credit_code=OTHER_CREDIT)
        )

    assert error.value.code == ErrorCode.DUPLICATE
    assert Unit.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_a_name_is_taken_by_units_under_review_and_approved_units_too(factory, agent, state):
    getattr(factory, f"{state}_unit")(name="青岛海川机械有限公司")

    with pytest.raises(DomainError, match="已被注册"):
        unit_register(actor=agent, **basic(factory))


@pytest.mark.django_db
def test_a_credit_code_is_unique(factory, agent):
    unit_register(actor=agent, **basic(factory))

    with pytest.raises(DomainError, match=f"统一社会信用代码 {CREDIT} 已被注册，请核对") as error:
        unit_register(actor=factory.agent(), **basic(factory, name="另一家公司"))

    assert error.value.code == ErrorCode.DUPLICATE


@pytest.mark.django_db
def test_a_deleted_draft_frees_its_name_and_credit_code(factory, agent):
    draft = unit_register(actor=agent, **basic(factory))
    unit_delete(actor=agent, unit=draft)

    again = unit_register(actor=agent, **basic(factory))

    assert again.pk != draft.pk
    draft.refresh_from_db()
    assert draft.deleted_at is not None
    assert draft.registration_case.status == Status.DELETED


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_unit_with_the_same_name(factory, agent):
    unit = unit_register(actor=agent, **basic(factory, name="Haier青岛有限公司"))
    clone = {
        f: getattr(unit, f) for f in ("nature", "address", "contact_phone", "employee_count", "union_name")
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            agent=agent,
            name="HAIER青岛有限公司",
            credit_code=OTHER_CREDIT,
            parent_org=unit.parent_org,
            **clone,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(agent=agent, name="别名", credit_code=CREDIT, parent_org=unit.parent_org, **clone)


@pytest.mark.django_db
@pytest.mark.parametrize("node", ["青岛市总工会", "市区", "市直"])
def test_the_parent_org_must_be_a_leaf(factory, agent, node):
    with pytest.raises(DomainError, match="上级单位请选择到具体区县或市直类别"):
        unit_register(actor=agent, **basic(factory, parent_org=factory.org(node)))

    assert not Unit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("leaf", ["市南区", "红岛经济区", "市直企业", "市直机关单位"])
def test_districts_functional_areas_and_city_direct_categories_are_leaves(factory, agent, leaf):
    unit = unit_register(actor=agent, **basic(factory, parent_org=factory.org(leaf)))

    assert unit.parent_org.name == leaf


# --- 合并 / 拆分 -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("history", "label"), [(Unit.MergeHistory.MERGE, "合并"), (Unit.MergeHistory.SPLIT, "拆分")]
)
def test_a_merged_or_split_unit_is_not_saved_without_the_picked_units(factory, agent, history, label):
    with pytest.raises(FieldRefusal, match=f"请搜索并选择由哪些单位{label}") as refused:
        unit_register(actor=agent, **basic(factory, merge_history=history))

    assert refused.value.field == "merged_from"
    assert not Unit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("history", "label"), [(Unit.MergeHistory.MERGE, "合并"), (Unit.MergeHistory.SPLIT, "拆分")]
)
def test_a_merged_or_split_unit_cannot_be_submitted_without_the_picked_units(factory, agent, history, label):
    old = factory.approved_unit(name="老甲厂")
    unit = unit_register(actor=agent, merged_from=[old], **basic(factory, merge_history=history))
    upload_materials(unit)
    unit.merged_from.clear()  # e.g. changed in the admin after 保存: 上报 checks the same rule again

    with pytest.raises(Incomplete, match=f"请在基本信息中填写由哪些单位{label}"):
        unit_submit(actor=agent, unit=unit)

    assert unit.registration_case.status == Status.DRAFT


@pytest.mark.django_db
def test_a_merged_unit_with_picked_units_can_be_submitted(factory, agent):
    old_a, old_b = factory.approved_unit(name="老甲厂"), factory.approved_unit(name="老乙厂")
    unit = unit_register(actor=agent, merged_from=[old_a, old_b], **basic(factory, merge_history="merge"))
    upload_materials(unit)

    case = unit_submit(actor=agent, unit=unit)

    assert case.status_label == "区县审核中"
    assert set(unit.merged_from.all()) == {old_a, old_b}


@pytest.mark.django_db
def test_choosing_no_merge_forgets_the_picked_units(factory, agent):
    old = factory.approved_unit(name="老甲厂")
    unit = unit_register(actor=agent, merged_from=[old], **basic(factory, merge_history="merge"))

    unit_update_registration(actor=agent, unit=unit, merged_from=[old], **basic(factory))

    assert not unit.merged_from.exists()


@pytest.mark.django_db
def test_a_unit_is_never_merged_from_itself(factory, agent):
    old = factory.approved_unit(name="老甲厂")
    unit = unit_register(actor=agent, merged_from=[old], **basic(factory, merge_history="split"))

    unit_update_registration(
        actor=agent, unit=unit, merged_from=[old, unit], **basic(factory, merge_history="split")
    )

    assert list(unit.merged_from.all()) == [old]


# --- 编辑 while 草稿 / 退回 -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_a_draft_keeps_its_own_name_and_renames_the_case(factory, agent):
    unit = unit_register(actor=agent, **basic(factory))

    unit_update_registration(actor=agent, unit=unit, **basic(factory, address="青岛市市南区新址1号"))
    unit_update_registration(
        actor=agent, unit=unit, **basic(factory, name="青岛海川重工有限公司", address="青岛市市南区新址1号")
    )

    unit.refresh_from_db()
    assert (unit.name, unit.address) == ("青岛海川重工有限公司", "青岛市市南区新址1号")
    assert unit.registration_case.title == "青岛海川重工有限公司"
    audit = AuditLog.objects.filter(verb="unit_update").order_by("id").last()
    assert audit.changes == {"name": ["青岛海川机械有限公司", "青岛海川重工有限公司"]}


@pytest.mark.django_db
def test_editing_to_another_units_name_is_refused(factory, agent):
    factory.unit(name="青岛别家有限公司")
    unit = unit_register(actor=agent, **basic(factory))

    with pytest.raises(DomainError, match="单位名称“青岛别家有限公司”已被注册"):
        unit_update_registration(actor=agent, unit=unit, **basic(factory, name="青岛别家有限公司"))

    unit.refresh_from_db()
    assert unit.name == "青岛海川机械有限公司"


@pytest.mark.django_db
def test_a_unit_under_review_cannot_be_edited(factory):
    unit = factory.submitted_unit()

    with pytest.raises(InvalidTransition, match="当前状态为“区县审核中”，不能编辑"):
        unit_update_registration(actor=unit.agent, unit=unit, **basic(factory))

    unit.refresh_from_db()
    assert unit.name != "青岛海川机械有限公司"


@pytest.mark.django_db
def test_a_returned_unit_can_be_edited(factory):
    unit = factory.submitted_unit()
    reviewer = factory.district_reviewer("市南区")
    case_transition(case=unit.registration_case, action=Action.RETURN, actor=reviewer, reason="名称有误")

    unit_update_registration(actor=unit.agent, unit=unit, **basic(factory))

    unit.refresh_from_db()
    assert unit.name == "青岛海川机械有限公司"


@pytest.mark.django_db
def test_another_agent_cannot_edit_my_draft(factory):
    unit = factory.unit()

    with pytest.raises(NotAllowed, match="您无权修改该单位"):
        unit_update_registration(actor=factory.agent(), unit=unit, **basic(factory))

    unit.refresh_from_db()
    assert unit.name != "青岛海川机械有限公司"


# --- 上报 / 删除 ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_submitting_a_draft_starts_review_at_the_district(factory):
    unit = factory.unit(org="市北区")

    case = unit_submit(actor=unit.agent, unit=unit, expected_version=unit.registration_case.version)

    assert (case.status_label, case.org.name) == ("区县审核中", "市北区")


@pytest.mark.django_db
def test_a_draft_without_materials_cannot_be_submitted(factory):
    unit = factory.unit(materials=False)

    with pytest.raises(Incomplete, match="请先上传以下材料后再上报：批复文件、法人资格证书"):
        unit_submit(actor=unit.agent, unit=unit)


@pytest.mark.django_db
def test_another_agent_cannot_submit_or_delete_my_unit(factory):
    unit = factory.unit()
    stranger = factory.agent()

    with pytest.raises(NotAllowed):
        unit_submit(actor=stranger, unit=unit)
    with pytest.raises(NotAllowed):
        unit_delete(actor=stranger, unit=unit)

    unit.refresh_from_db()
    assert (unit.registration_case.status, unit.deleted_at) == (Status.DRAFT, None)


@pytest.mark.django_db
def test_a_submitted_unit_cannot_be_deleted(factory):
    unit = factory.submitted_unit()

    with pytest.raises(InvalidTransition, match="当前状态为“区县审核中”，不能删除"):
        unit_delete(actor=unit.agent, unit=unit)

    unit.refresh_from_db()
    assert unit.deleted_at is None


@pytest.mark.django_db
def test_an_approved_unit_cannot_be_deleted(factory):
    unit = factory.approved_unit()

    with pytest.raises(InvalidTransition, match="审核通过的单位不能删除"):
        unit_delete(actor=unit.agent, unit=unit)

    unit.refresh_from_db()
    assert unit.deleted_at is None
