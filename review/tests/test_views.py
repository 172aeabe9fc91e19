"""Reviewer and material screens (review.views): uploads, who may see a file, the queue, decisions."""

import datetime
import struct
import zlib

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from core.samples import tiny_pdf
from core.storage import walk
from review.engine import case_transition
from review.models import Action, Material, Status, Transition
from review.tests.conftest import case_state


def png_bytes() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)


def upload_url(case):
    return f"/review/cases/{case.pk}/materials/"


def stored_files() -> list[str]:
    return list(walk(default_storage))


@pytest.fixture
def draft(factory):
    """A 市南区 draft unit without materials, and its agent logged in."""
    return factory.unit(org="市南区", materials=False)


@pytest.fixture
def agent_client(client, draft):
    client.force_login(draft.agent)
    return client


# --- 【上传材料】 ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_text_file_named_pdf_is_refused_and_nothing_is_stored(agent_client, draft):
    fake = SimpleUploadedFile("批复文件.pdf", "这不是PDF".encode(), content_type="application/pdf")

    response = agent_client.post(upload_url(draft.registration_case), {"slot": "approval_doc", "file": fake})

    assert response.status_code == 200
    assert "文件类型不支持：只能上传 PDF、JPG 或 PNG 文件（按文件内容识别，改扩展名无效）" in response.text
    assert not Material.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_an_eleven_megabyte_file_is_refused_while_it_streams_in(agent_client, draft):
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), content_type="application/pdf"
    )

    response = agent_client.post(
        upload_url(draft.registration_case), {"slot": "approval_doc", "file": big}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 413
    assert response["HX-Retarget"] == "#upload-feedback"  # the message lands in the dialog
    assert "上传的文件超过了 10 MB 的上限，系统没有接收" in response.text
    assert not Material.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_an_empty_file_is_refused(agent_client, draft):
    empty = SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")

    response = agent_client.post(upload_url(draft.registration_case), {"slot": "approval_doc", "file": empty})

    assert not Material.objects.exists()
    assert "text-danger" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type", "shown"),
    [
        ("批复文件.pdf", tiny_pdf("approval"), "application/pdf", "批复文件.pdf"),
        ("scan.PNG", png_bytes(), "image/png", "scan.png"),
        ("photo.jpg", JPEG, "image/jpeg", "photo.jpg"),
        ("photo-without-extension", JPEG, "image/jpeg", "photo-without-extension.jpg"),
    ],
)
def test_a_pdf_png_or_jpeg_is_accepted_by_its_content_and_named_by_it(
    agent_client, draft, name, content, content_type, shown
):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = agent_client.post(upload_url(draft.registration_case), {"slot": "legal_cert", "file": upload})

    assert f"“{shown}”上传成功" in response.text
    material = Material.objects.get()
    assert (material.slot, material.original_name, material.content_type) == (
        "legal_cert",
        shown,  # the detected type's extension, whatever the user's name said
        content_type,
    )
    assert material.size == len(content)
    assert material.file.read() == content
    assert name not in material.file.name  # stored under a random name
    assert material.file.name.endswith(shown[shown.rindex(".") :].lower())
    assert "上报前还需上传：批复文件" in response.text


@pytest.mark.django_db
def test_an_upload_needs_a_known_slot(agent_client, draft):
    upload = SimpleUploadedFile("a.pdf", tiny_pdf("a"))

    response = agent_client.post(upload_url(draft.registration_case), {"slot": "passport", "file": upload})

    assert "请选择材料类型" in response.text
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_an_upload_without_a_file_asks_for_one(agent_client, draft):
    response = agent_client.post(upload_url(draft.registration_case), {"slot": "approval_doc"})

    assert "请选择要上传的文件" in response.text


@pytest.mark.django_db
def test_no_upload_once_the_case_is_under_review(client, factory):
    unit = factory.submitted_unit()
    client.force_login(unit.agent)

    response = client.post(
        upload_url(unit.registration_case),
        {"slot": "approval_doc", "file": SimpleUploadedFile("b.pdf", tiny_pdf("b"))},
    )

    assert "当前状态为“区县审核中”，不能修改" in response.text
    assert unit.registration_case.materials.count() == 2


@pytest.mark.django_db
def test_a_reviewer_cannot_upload_into_a_case(client, factory):
    unit = factory.submitted_unit()
    client.force_login(factory.district_reviewer("市南区"))

    response = client.post(
        upload_url(unit.registration_case),
        {"slot": "approval_doc", "file": SimpleUploadedFile("b.pdf", tiny_pdf("b"))},
    )

    assert "您无权修改该业务" in response.text
    assert unit.registration_case.materials.count() == 2


@pytest.mark.django_db
def test_another_agent_cannot_upload_into_my_case(client, factory, draft):
    client.force_login(factory.agent(name="钱八"))

    response = client.post(
        upload_url(draft.registration_case),
        {"slot": "approval_doc", "file": SimpleUploadedFile("b.pdf", tiny_pdf("b"))},
    )

    assert response.status_code == 404
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_removing_a_material_hides_it_but_keeps_the_record(client, factory):
    unit = factory.unit()
    material = unit.registration_case.materials.get(slot="approval_doc")
    client.force_login(unit.agent)

    response = client.post(f"/review/materials/{material.pk}/remove/")

    assert "上报前还需上传：批复文件" in response.text
    material.refresh_from_db()
    assert material.removed_at is not None
    assert material.removed_by == unit.agent
    assert material.file.storage.exists(material.file.name)


@pytest.mark.django_db
def test_another_agent_cannot_remove_my_material(client, factory):
    unit = factory.unit()
    material = unit.registration_case.materials.first()
    client.force_login(factory.agent(name="钱八"))

    assert client.post(f"/review/materials/{material.pk}/remove/").status_code == 404
    material.refresh_from_db()
    assert material.removed_at is None


# --- who may see a material ---------------------------------------------------------------------


def material_of(unit):
    return unit.registration_case.materials.get(slot="approval_doc")


def get_material(client, user, material):
    client.force_login(user)
    return (
        client.get(f"/review/materials/{material.pk}/file/"),
        client.get(f"/review/materials/{material.pk}/"),
    )


@pytest.mark.django_db
def test_the_agent_sees_their_own_material(client, factory):
    unit = factory.unit()
    material = material_of(unit)

    file_response, preview = get_material(client, unit.agent, material)

    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content) == tiny_pdf("approval_doc")
    assert file_response["Content-Type"] == "application/pdf"
    assert file_response["X-Content-Type-Options"] == "nosniff"
    assert file_response["Cache-Control"] == "private, no-store"
    assert preview.status_code == 200
    assert "approval_doc.pdf" in preview.text


@pytest.mark.django_db
def test_download_sends_the_file_as_an_attachment_with_its_name(client, factory):
    unit = factory.unit()
    client.force_login(unit.agent)

    response = client.get(f"/review/materials/{material_of(unit).pk}/file/?download=1")

    assert response["Content-Disposition"].startswith("attachment")
    assert "approval_doc.pdf" in response["Content-Disposition"]


@pytest.mark.django_db
def test_another_agent_gets_404_on_my_material_and_its_preview(client, factory):
    material = material_of(factory.unit())

    file_response, preview = get_material(client, factory.agent(name="钱八"), material)

    assert (file_response.status_code, preview.status_code) == (404, 404)


@pytest.mark.django_db
def test_a_reviewer_of_another_district_gets_404(client, factory):
    material = material_of(factory.submitted_unit(org="市南区"))

    file_response, preview = get_material(client, factory.district_reviewer("市北区"), material)

    assert (file_response.status_code, preview.status_code) == (404, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["市南区", "city", "finance"])
def test_the_units_district_reviewer_the_city_and_finance_see_a_submitted_material(client, factory, who):
    material = material_of(factory.submitted_unit(org="市南区"))
    user = {
        "市南区": lambda: factory.district_reviewer("市南区"),
        "city": factory.city_reviewer,
        "finance": factory.finance,
    }[who]()

    file_response, preview = get_material(client, user, material)

    assert (file_response.status_code, preview.status_code) == (200, 200)


@pytest.mark.django_db
def test_reviewers_do_not_see_materials_of_a_draft(client, factory):
    material = material_of(factory.unit(org="市南区"))

    for user in (factory.district_reviewer("市南区"), factory.city_reviewer()):
        file_response, _ = get_material(client, user, material)
        assert file_response.status_code == 404


@pytest.mark.django_db
def test_materials_need_a_login(client, factory):
    material = material_of(factory.unit())

    response = client.get(f"/review/materials/{material.pk}/file/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- 待审核业务 ----------------------------------------------------------------------------------------

DAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def submit_on(factory, day, **kw):
    unit = factory.unit(**kw)
    with time_machine.travel(DAY + datetime.timedelta(days=day), tick=False):
        case_transition(case=unit.registration_case, action=Action.SUBMIT, actor=unit.agent)
    unit.registration_case.refresh_from_db()
    return unit.registration_case


def queue_titles(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/review/{query}")
    assert response.status_code == 200
    return [case.title for case in response.context["page"]]


@pytest.fixture
def queue_cases(factory):
    """Submitted in the order late → early → middle, so that ids and submission times disagree."""
    late = submit_on(factory, 3, org="市南区", name="晚上报的单位")
    early = submit_on(factory, 1, org="市南区", name="早上报的单位")
    middle = submit_on(factory, 2, org="市北区", name="市北区的单位")
    city_direct = submit_on(factory, 4, org="市直企业", name="市直的单位")
    factory.unit(org="市南区", name="草稿单位")
    at_city = submit_on(factory, 0, org="市南区", name="已到市总的单位")
    case_transition(case=at_city, action=Action.APPROVE, actor=factory.district_reviewer("市南区"))
    return {"late": late, "early": early, "middle": middle, "city_direct": city_direct, "at_city": at_city}


@pytest.mark.django_db
def test_the_district_queue_shows_only_items_at_my_step_oldest_first(client, factory, queue_cases):
    assert queue_titles(client, factory.district_reviewer("市南区")) == ["早上报的单位", "晚上报的单位"]


@pytest.mark.django_db
def test_the_city_queue_shows_only_items_at_the_city_step_oldest_first(client, factory, queue_cases):
    assert queue_titles(client, factory.city_reviewer()) == ["已到市总的单位", "市直的单位"]


@pytest.mark.django_db
def test_the_queue_filters_by_unit_name(client, factory, queue_cases):
    assert queue_titles(client, factory.district_reviewer("市南区"), "?unit=晚上") == ["晚上报的单位"]


@pytest.mark.django_db
def test_the_queue_filters_by_district_for_the_city(client, factory, queue_cases):
    shinan = factory.org("市南区")

    assert queue_titles(client, factory.city_reviewer(), f"?district={shinan.pk}") == ["已到市总的单位"]


@pytest.mark.django_db
def test_only_the_city_queue_offers_the_district_filter(client, factory):
    client.force_login(factory.city_reviewer())
    assert 'name="district"' in client.get("/review/").content.decode()
    client.force_login(factory.district_reviewer("市南区"))
    assert 'name="district"' not in client.get("/review/").content.decode()


@pytest.mark.django_db
def test_the_queue_filters_by_submission_date(client, factory, queue_cases):
    reviewer = factory.district_reviewer("市南区")

    assert queue_titles(client, reviewer, "?date_from=2026-03-04") == ["晚上报的单位"]
    assert queue_titles(client, reviewer, "?date_to=2026-03-03") == ["早上报的单位"]


@pytest.mark.django_db
def test_the_queue_filters_by_business_kind(client, factory, queue_cases):
    reviewer = factory.district_reviewer("市南区")

    assert queue_titles(client, reviewer, "?kind=unit_registration") == ["早上报的单位", "晚上报的单位"]
    assert queue_titles(client, reviewer, "?kind=claim") == []


@pytest.mark.django_db
def test_agents_and_finance_have_no_queue(client, factory):
    for user in (factory.agent(), factory.finance()):
        client.force_login(user)
        assert client.get("/review/").status_code == 403


@pytest.mark.django_db
def test_the_decided_list_shows_what_i_acted_on(client, factory, queue_cases):
    client.force_login(User.objects.filter(role=User.Role.DISTRICT_REVIEWER, org__name="市南区").get())

    response = client.get("/review/decided/")

    assert [case.title for case in response.context["page"]] == ["已到市总的单位"]


# --- the item and 通过 / 退回 ---------------------------------------------------------------------------


@pytest.fixture
def in_review(factory):
    return factory.submitted_unit(org="市南区", name="海川机械有限公司").registration_case


def decide(client, case, **data):
    data.setdefault("version", case.version)
    return client.post(f"/review/cases/{case.pk}/decide/", data, follow=True)


@pytest.mark.django_db
def test_the_reviewer_of_the_step_sees_the_decision_form_and_the_materials(client, factory, in_review):
    client.force_login(factory.district_reviewer("市南区"))

    response = client.get(f"/review/cases/{in_review.pk}/")

    assert 'id="decision-form"' in response.text
    assert f'name="version" value="{in_review.version}"' in response.text
    assert "材料信息（2）" in response.text
    assert "区县审核（进行中）" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["city", "admin"])
def test_others_see_the_item_without_the_decision_form(client, factory, in_review, who):
    user = factory.city_reviewer() if who == "city" else factory.staff(User.Role.ADMIN)
    User.objects.filter(pk=user.pk).update(is_superuser=(who == "admin"))
    user.refresh_from_db()
    client.force_login(user)

    response = client.get(f"/review/cases/{in_review.pk}/")

    assert response.status_code == 200
    assert 'id="decision-form"' not in response.text
    assert "处于“区县审核中”环节，不在您的审核环节" in response.text


@pytest.mark.django_db
def test_an_agent_opening_the_review_page_is_sent_to_the_unit(client, in_review):
    client.force_login(in_review.unit.agent)

    response = client.get(f"/review/cases/{in_review.pk}/")

    assert response.status_code == 302
    assert response.url == f"/units/{in_review.unit_id}/"


@pytest.mark.django_db
def test_approving_moves_the_item_on_and_returns_to_the_queue(client, factory, in_review):
    client.force_login(factory.district_reviewer("市南区"))

    response = decide(client, in_review, action="approve", reason="材料齐全")

    assert response.redirect_chain[-1][0] == "/review/"
    assert "已通过：海川机械有限公司，当前状态：市总审核中" in response.text
    in_review.refresh_from_db()
    assert in_review.status_label == "市总审核中"
    assert in_review.transitions.last().reason == "材料齐全"


@pytest.mark.django_db
def test_return_without_a_reason_shows_the_error_and_changes_nothing(client, factory, in_review):
    client.force_login(factory.district_reviewer("市南区"))
    before = case_state(in_review)

    response = decide(client, in_review, action="return", reason="  ")

    assert response.redirect_chain[-1][0] == f"/review/cases/{in_review.pk}/"
    assert "请填写退回原因" in response.text
    assert case_state(in_review) == before


@pytest.mark.django_db
def test_return_with_a_reason_is_shown_to_the_agent(client, factory, in_review):
    client.force_login(factory.district_reviewer("市南区"))
    decide(client, in_review, action="return", reason="法人资格证书不清晰")

    client.force_login(in_review.unit.agent)
    response = client.get(f"/units/{in_review.unit_id}/?tab=timeline")

    assert "退回原因：</strong>法人资格证书不清晰" in response.text
    in_review.refresh_from_db()
    assert in_review.status == Status.RETURNED


@pytest.mark.django_db
def test_reject_is_refused_for_a_unit_registration(client, factory, in_review):
    client.force_login(factory.district_reviewer("市南区"))
    before = case_state(in_review)

    response = decide(client, in_review, action="reject", reason="不符合条件")

    assert "单位注册不能不予给付，只能通过或退回" in response.text
    assert case_state(in_review) == before


@pytest.mark.django_db
def test_a_reviewer_not_at_the_step_is_told_so(client, factory, in_review):
    client.force_login(factory.city_reviewer())
    before = case_state(in_review)

    response = decide(client, in_review, action="approve")

    assert "该业务当前不在您的审核环节，不能操作" in response.text
    assert case_state(in_review) == before


@pytest.mark.django_db
def test_a_reviewer_of_another_district_gets_404_on_decide(client, factory, in_review):
    client.force_login(factory.district_reviewer("市北区"))

    response = client.post(f"/review/cases/{in_review.pk}/decide/", {"action": "approve", "version": 1})

    assert response.status_code == 404
    assert not Transition.objects.filter(case=in_review, action=Action.APPROVE).exists()


@pytest.mark.django_db
def test_a_decision_without_the_page_version_is_refused(client, factory, in_review):
    client.force_login(factory.district_reviewer("市南区"))
    before = case_state(in_review)

    response = client.post(f"/review/cases/{in_review.pk}/decide/", {"action": "approve"}, follow=True)

    assert "请求无效，请刷新页面后重试" in response.text
    assert case_state(in_review) == before


@pytest.mark.django_db
def test_decide_only_accepts_post(client, factory, in_review):
    client.force_login(factory.district_reviewer("市南区"))

    assert client.get(f"/review/cases/{in_review.pk}/decide/").status_code == 405
