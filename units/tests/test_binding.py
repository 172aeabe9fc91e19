"""单位绑定 (manual §1.2, SPEC §5.3): a new agent takes over a unit after city review.

【绑定模板下载】 → the change-of-agent form; 【单位绑定】 → pick the unit, upload the stamped form, 【保存】,
【上报】; the city approves and, in one transaction, the old agent is unbound and the new one bound.
"""

import datetime
import io
import re
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from accounts.models import User
from core.errors import DomainError, ErrorCode
from core.samples import tiny_pdf
from demo.seed import DEMO_UNIT_NAME, demo_member_rows, seed_demo
from review.engine import case_transition
from review.models import Action, BusinessKind, Case, Material, Status
from tests.clients import client_for
from tests.factories import Factory
from units import services
from units.models import Unit, UnitBinding
from units.services import BINDING_UNAVAILABLE, unit_binding_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pdf(name="binding-form.pdf"):
    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def demo(reference_data):
    """The demo data of `make run`: 张三 with the approved demo unit (paid period), 李四 without units."""
    seed_demo()
    return {
        "zhang": User.objects.get(username="13800000001"),
        "li": User.objects.get(username="13800000002"),
        "city": User.objects.get(username="city"),
        "unit": Unit.objects.get(name=DEMO_UNIT_NAME),
    }


@pytest.fixture
def li(demo):
    return client_for(demo["li"])


@pytest.fixture
def zhang(demo):
    return client_for(demo["zhang"])


def create(client, unit, *, reason="原代办员离职，由本人接替", upload=None, follow=False):
    data = {"unit": unit.pk if unit else "", "reason": reason}
    if upload is not False:
        data["form_file"] = upload or pdf()
    return client.post("/units/bindings/new/", data, follow=follow)


def binding_of(agent) -> UnitBinding:
    return UnitBinding.objects.select_related("case").get(requester=agent)


def submit(binding) -> Case:
    return case_transition(case=binding.case, action=Action.SUBMIT, actor=binding.requester)


# --- 【绑定模板下载】 ---------------------------------------------------------------------------------------


def sheet_rows(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["代办员变更申请表"]
    return book.get_sheet_by_name("代办员变更申请表").to_python()


def labelled(rows) -> dict:
    return {row[0]: row[1] for row in rows if row and row[0]}


@pytest.mark.django_db
def test_the_binding_template_is_an_xlsx_in_chinese_for_the_new_agent(li, demo):
    response = li.get("/units/bindings/template/")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('代办员变更申请表.xlsx')}"
    rows = sheet_rows(response.content)
    assert rows[0][0] == "青岛市职工互助保障 单位代办员变更申请表"
    fields = labelled(rows)
    for label in ("单位名称", "统一社会信用代码", "原代办员姓名", "变更原因", "单位意见", "工会意见"):
        assert label in fields, label
    assert fields["新代办员姓名"] == "李四"
    assert fields["新代办员身份证号"] == demo["li"].id_number
    assert fields["新代办员手机号"] == "13800000002"
    assert fields["单位名称"] == "" and fields["原代办员姓名"] == ""  # no unit picked yet
    assert "工会（盖章）" in fields["工会意见"] and "日期" in fields["工会意见"]
    assert "为新代办员 李四 生成" in rows[-1][0]


@pytest.mark.django_db
def test_the_template_of_a_request_names_the_unit_and_the_current_agent(li, demo):
    create(li, demo["unit"])
    binding = binding_of(demo["li"])

    response = li.get(f"/units/bindings/template/?binding={binding.pk}")

    fields = labelled(sheet_rows(response.content))
    assert fields["单位名称"] == DEMO_UNIT_NAME
    assert fields["统一社会信用代码"] == demo["unit"].credit_code
    assert fields["原代办员姓名"] == "张三"
    assert fields["新代办员姓名"] == "李四"
    # Someone else's request is not there.
    assert client_for(demo["zhang"]).get(f"/units/bindings/template/?binding={binding.pk}").status_code == 404


@pytest.mark.django_db
def test_binding_pages_are_for_agents_only(demo):
    city = client_for(demo["city"])
    for url in ("/units/bindings/", "/units/bindings/template/", "/units/bindings/new/"):
        assert city.get(url).status_code == 403, url


# --- 【单位绑定】: pick, upload, 保存; the refusals ---------------------------------------------------------


@pytest.mark.django_db
def test_the_fuzzy_search_offers_registered_units_to_pick(li, demo):
    html = html_of(li.get("/units/search/", {"q": "海川", "target": "binding"}))
    assert f'data-pick="{DEMO_UNIT_NAME}"' in html
    assert f"/units/chip/{demo['unit'].pk}/?name=unit" in html
    chip = html_of(li.get(f"/units/chip/{demo['unit'].pk}/", {"name": "unit"}))
    assert f'name="unit" value="{demo["unit"].pk}"' in chip


@pytest.mark.django_db
def test_saving_a_binding_request_makes_a_draft_with_the_stamped_form(li, demo):
    response = create(li, demo["unit"], follow=True)

    assert f"绑定申请已保存：{DEMO_UNIT_NAME}。请核对后点击【上报】" in messages_of(response)
    binding = binding_of(demo["li"])
    assert (binding.unit, binding.previous_agent, binding.is_open) == (demo["unit"], demo["zhang"], True)
    assert (binding.case.kind, binding.case.status) == (BusinessKind.UNIT_BINDING, Status.DRAFT)
    (material,) = binding.case.materials.all()
    assert (material.slot, material.content_type) == ("binding_form", "application/pdf")
    row = re.search(rf'<tr data-unit="{DEMO_UNIT_NAME}">(.*?)</tr>', html_of(response), re.S).group(1)
    assert "草稿" in row
    for action in ("submit", "view", "edit", "delete"):
        assert f'data-action="{action}"' in row, action
    # Saving does not bind anything yet.
    demo["unit"].refresh_from_db()
    assert demo["unit"].agent == demo["zhang"]


@pytest.mark.django_db
def test_binding_a_unit_already_bound_to_the_requester_is_refused(zhang, demo):
    response = create(zhang, demo["unit"])
    assert response.status_code == 200
    assert f"“{DEMO_UNIT_NAME}”已绑定在您的账号下，无需再绑定" in html_of(response)
    assert not UnitBinding.objects.exists()


@pytest.mark.django_db
def test_a_unit_with_an_open_binding_request_is_refused(li, demo, factory):
    create(li, demo["unit"])
    wang = client_for(factory.agent(name="王五"))

    response = create(wang, demo["unit"])

    # Neutral: nothing says that someone else has a request open on this unit.
    assert BINDING_UNAVAILABLE in html_of(response)
    assert "正在办理" not in html_of(response)
    assert "您已为该单位提交过绑定申请" in html_of(create(li, demo["unit"]))  # one's own request is named
    with pytest.raises(DomainError) as error:
        unit_binding_create(actor=demo["zhang"], unit=demo["unit"], reason="x", upload=pdf())
    assert "已绑定在您的账号下" in error.value.message  # the own-unit check comes first
    assert UnitBinding.objects.count() == 1
    # Submitted (or returned) requests are still open.
    submit(binding_of(demo["li"]))
    assert BINDING_UNAVAILABLE in html_of(create(wang, demo["unit"]))


@pytest.mark.django_db
def test_a_unit_not_yet_approved_or_missing_gets_the_same_answer_without_its_name(li, demo, factory):
    submitted = factory.submitted_unit(name="青岛尚未通过有限公司")
    draft = factory.unit(name="张三草稿单位有限公司")

    answers = [html_of(create(li, unit)) for unit in (submitted, draft)]
    missing = html_of(li.post("/units/bindings/new/", {"unit": 999999, "reason": "x", "form_file": pdf()}))

    for page in (*answers, missing):
        assert BINDING_UNAVAILABLE in page
        assert "青岛尚未通过有限公司" not in page and "张三草稿单位有限公司" not in page
    with pytest.raises(DomainError, match=BINDING_UNAVAILABLE):
        unit_binding_create(actor=demo["li"], unit=draft, reason="x", upload=pdf())
    assert not UnitBinding.objects.exists()
    # Nor does the fuzzy search offer it.
    assert "青岛尚未通过有限公司" not in html_of(
        li.get("/units/search/", {"q": "尚未通过", "target": "binding"})
    )


@pytest.mark.django_db
def test_the_form_asks_for_the_unit_the_reason_and_the_file(li, demo):
    no_unit = html_of(create(li, None))
    assert "请输入单位名称，并在搜索结果中点击选择要绑定的单位" in no_unit
    no_reason = create(li, demo["unit"], reason="")
    assert no_reason.context["form"].errors["reason"]
    no_file = html_of(create(li, demo["unit"], upload=False))
    assert "请上传盖章后的代办员变更申请表" in no_file
    with pytest.raises(DomainError, match="请填写变更原因"):
        unit_binding_create(actor=demo["li"], unit=demo["unit"], reason="   ", upload=pdf())
    assert not UnitBinding.objects.exists()


@pytest.mark.django_db
def test_a_text_file_named_pdf_is_refused_and_nothing_is_kept(li, demo):
    cases_before = Case.objects.count()
    fake = SimpleUploadedFile(
        "申请表.pdf", "这不是PDF，只是改了扩展名".encode(), content_type="application/pdf"
    )

    response = create(li, demo["unit"], upload=fake)

    assert response.status_code == 200
    assert "文件类型不支持：只能上传 PDF、JPG 或 PNG 文件（按文件内容识别，改扩展名无效）" in html_of(
        response
    )
    assert not UnitBinding.objects.exists()
    assert Case.objects.count() == cases_before  # the binding's case went with the transaction


# --- before approval: the requester sees nothing of the unit ------------------------------------------------


@pytest.mark.django_db
def test_the_requester_cannot_see_the_unit_before_approval(li, zhang, demo):
    unit = demo["unit"]
    material = Material.objects.filter(case=unit.registration_case).first()
    create(li, unit)
    binding = binding_of(demo["li"])
    submit(binding)

    assert li.get(f"/units/{unit.pk}/").status_code == 404
    assert li.get(f"/review/materials/{material.pk}/file/").status_code == 404
    assert li.get(f"/review/cases/{unit.registration_case_id}/").status_code == 404
    assert f'data-unit="{DEMO_UNIT_NAME}"' not in html_of(li.get("/units/"))
    # Their own request is theirs to see (its unit, its form, its timeline) …
    detail = html_of(li.get(f"/units/bindings/{binding.pk}/"))
    assert DEMO_UNIT_NAME in detail and "市总审核中" in detail and "binding-form.pdf" in detail
    # … and it is private to them: the current agent does not see it in the unit's 审核明细.
    assert zhang.get(f"/review/cases/{binding.case_id}/").status_code == 404
    assert zhang.get(f"/units/bindings/{binding.pk}/").status_code == 404
    timeline = html_of(zhang.get(f"/units/{unit.pk}/?tab=timeline"))
    assert 'data-case-kind="unit_binding"' not in timeline


# --- city approval: the agents are swapped atomically -------------------------------------------------------


def demo_claim(demo):
    """An 意外伤害 claim of a covered member of the demo unit, saved by 张三."""
    from claims.models import Claim
    from claims.services import claim_create

    name, id_number, _mobile, _shares = demo_member_rows()[2]  # 赵强, 意外伤害 2份
    claim, _results = claim_create(
        actor=demo["zhang"],
        kind=Claim.Kind.ACCIDENT,
        id_number=id_number,
        plan_choice=Claim.PlanChoice.YW,
        event_date=timezone.localdate() - datetime.timedelta(days=3),
        hospital="青岛市立医院",
        payee_name=name,
        payee_bank="中国工商银行青岛分行",
        payee_account="6222020000000000001",
        accident_description="上班途中摔伤",
        injury=Claim.Injury.MEDICAL,
        receipts=[Factory.receipt(issued_on=timezone.localdate() - datetime.timedelta(days=3))],
    )
    return claim


@pytest.mark.django_db
def test_city_approval_swaps_the_agents_and_the_old_one_gets_404_everywhere(li, zhang, demo):
    """One journey on purpose (longer than 60 lines): every screen of the unit's businesses is checked
    for both agents against the same approval."""
    from enrollment.models import Application

    unit = demo["unit"]
    application = Application.objects.get(unit=unit)
    claim = demo_claim(demo)
    material = Material.objects.filter(case=unit.registration_case).first()
    # Before: 张三 sees everything of the unit.
    assert zhang.get(f"/units/{unit.pk}/").status_code == 200
    assert zhang.get(f"/review/materials/{material.pk}/file/").status_code == 200
    assert DEMO_UNIT_NAME in html_of(zhang.get("/enrollment/"))
    assert f"/claims/{claim.pk}/" in html_of(zhang.get("/claims/"))

    create(li, unit, reason="原代办员张三调岗")
    binding = binding_of(demo["li"])
    case = submit(binding)
    assert case.status_label == "市总审核中"
    city = client_for(demo["city"])
    screen = html_of(city.get(f"/review/cases/{case.pk}/"))
    info = re.search(r'<dl class="dl-grid" id="binding-info">(.*?)</dl>', screen, re.S).group(1)
    assert "<dt>原代办员</dt><dd>张三（13800000001）</dd>" in info
    assert "李四" in info and "原代办员张三调岗" in info
    assert "代办员变更申请表（盖章）：binding-form.pdf" in screen

    response = city.post(
        f"/review/cases/{case.pk}/decide/", {"action": "approve", "version": case.version}, follow=True
    )
    assert any("当前状态：审核通过" in m for m in messages_of(response))

    unit.refresh_from_db()
    binding.refresh_from_db()
    assert unit.agent == demo["li"]
    assert binding.is_open is False and binding.applied_at is not None
    # The old agent's very next requests: 404, or absent from the lists.
    for url in (
        f"/units/{unit.pk}/",
        f"/units/{unit.pk}/edit/",
        f"/review/materials/{material.pk}/",
        f"/review/materials/{material.pk}/file/",
        f"/review/cases/{unit.registration_case_id}/",
        f"/enrollment/{application.pk}/",
        f"/claims/{claim.pk}/",
    ):
        assert zhang.get(url).status_code == 404, url
    assert zhang.post(f"/units/{unit.pk}/submit/").status_code == 404
    for url in ("/units/", "/enrollment/", "/units/invoices/"):
        assert DEMO_UNIT_NAME not in html_of(zhang.get(url)), url
    assert f"/claims/{claim.pk}/" not in html_of(zhang.get("/claims/"))

    # The new agent: the unit with its whole history, its materials and its businesses.
    assert DEMO_UNIT_NAME in html_of(li.get("/units/"))
    assert li.get(f"/review/materials/{material.pk}/file/").status_code == 200
    timeline = html_of(li.get(f"/units/{unit.pk}/?tab=timeline"))
    registration = timeline.split('data-case-kind="unit_registration"')[1]
    assert "通过 · 区县审核" in registration and "通过 · 市总审核" in registration
    assert "材料齐全" in registration and "同意注册" in registration
    assert 'data-case-kind="unit_binding"' in timeline
    assert DEMO_UNIT_NAME in html_of(li.get("/enrollment/"))
    assert li.get(f"/enrollment/{application.pk}/").status_code == 200
    assert li.get(f"/claims/{claim.pk}/").status_code == 200
    listing = html_of(li.get("/units/bindings/"))
    row = re.search(rf'<tr data-unit="{DEMO_UNIT_NAME}">(.*?)</tr>', listing, re.S).group(1)
    assert "审核通过" in row and 'data-action="edit"' not in row


@pytest.mark.django_db
def test_a_failing_approval_swaps_nothing(li, demo, monkeypatch):
    unit = demo["unit"]
    create(li, unit)
    binding = binding_of(demo["li"])
    case = submit(binding)

    def boom(**kw):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_log", boom)
    with pytest.raises(RuntimeError):
        case_transition(case=case, action=Action.APPROVE, actor=demo["city"])

    unit.refresh_from_db()
    binding.refresh_from_db()
    case.refresh_from_db()
    assert unit.agent == demo["zhang"]
    assert binding.is_open and binding.applied_at is None
    assert (case.status_label, case.version) == ("市总审核中", 1)


@pytest.mark.django_db
def test_approval_is_refused_when_the_unit_changed_hands_meanwhile(li, demo, factory):
    unit = demo["unit"]
    create(li, unit)
    case = submit(binding_of(demo["li"]))
    someone = factory.agent(name="赵六")
    Unit.objects.filter(pk=unit.pk).update(agent=someone)

    with pytest.raises(DomainError, match="该单位的代办员在申请后已发生变化，请退回该申请"):
        case_transition(case=case, action=Action.APPROVE, actor=demo["city"])

    unit.refresh_from_db()
    assert unit.agent == someone
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW


@pytest.mark.django_db
def test_only_the_city_reviews_a_binding(li, demo):
    create(li, demo["unit"])
    case = submit(binding_of(demo["li"]))
    shinan = User.objects.get(username="shinan")

    assert case.current_step.actor == "city"
    with pytest.raises(DomainError, match="该业务当前不在您的审核环节"):
        case_transition(case=case, action=Action.APPROVE, actor=shinan)
    with pytest.raises(DomainError):
        case_transition(case=case, action=Action.APPROVE, actor=demo["li"])


# --- returned, edited, submitted again ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_returned_binding_is_corrected_and_resubmitted(li, demo):
    unit = demo["unit"]
    create(li, unit, upload=pdf("unstamped.pdf"))
    binding = binding_of(demo["li"])
    case = submit(binding)
    case_transition(case=case, action=Action.RETURN, actor=demo["city"], reason="申请表未加盖工会章")

    listing = html_of(li.get("/units/bindings/"))
    row = re.search(rf'<tr data-unit="{DEMO_UNIT_NAME}">(.*?)</tr>', listing, re.S).group(1)
    assert "退回" in row
    for action in ("submit", "reason", "edit"):
        assert f'data-action="{action}"' in row, action
    assert 'data-action="delete"' not in row
    assert "退回原因：</strong>申请表未加盖工会章" in html_of(li.get(f"/units/bindings/{binding.pk}/"))

    # 编辑: the reason; replace the form through the materials dialog.
    edit = html_of(li.get(f"/units/bindings/{binding.pk}/edit/"))
    assert "申请表未加盖工会章" in edit and "unstamped.pdf" in edit
    response = li.post(f"/units/bindings/{binding.pk}/edit/", {"reason": "原代办员离职，已补盖工会章"})
    assert response.status_code == 302 and response.url == "/units/bindings/"
    old = binding.case.materials.get()
    upload = li.post(
        f"/review/cases/{case.pk}/materials/", {"slot": "binding_form", "file": pdf("stamped.pdf")}
    )
    assert "“stamped.pdf”上传成功" in html_of(upload)
    li.post(f"/review/materials/{old.pk}/remove/")
    assert list(
        binding.case.materials.filter(removed_at__isnull=True).values_list("original_name", flat=True)
    ) == ["stamped.pdf"]

    response = li.post(f"/units/bindings/{binding.pk}/submit/", follow=True)
    assert "绑定申请已上报，当前状态：市总审核中" in messages_of(response)
    binding.refresh_from_db()
    assert binding.reason == "原代办员离职，已补盖工会章"
    case_transition(case=binding.case, action=Action.APPROVE, actor=demo["city"])
    unit.refresh_from_db()
    assert unit.agent == demo["li"]


@pytest.mark.django_db
def test_a_submitted_binding_cannot_be_edited_and_a_draft_can_be_deleted(li, demo):
    create(li, demo["unit"])
    binding = binding_of(demo["li"])

    response = li.post(f"/units/bindings/{binding.pk}/delete/", follow=True)
    assert "绑定申请已删除" in messages_of(response)
    binding.refresh_from_db()
    assert binding.is_open is False and binding.case.status == Status.DELETED
    assert DEMO_UNIT_NAME not in html_of(li.get("/units/bindings/"))

    # A new request is possible once the draft is gone; once submitted it is read-only.
    create(li, demo["unit"])
    second = UnitBinding.objects.get(requester=demo["li"], is_open=True)
    submit(second)
    response = li.get(f"/units/bindings/{second.pk}/edit/", follow=True)
    assert "当前状态为“市总审核中”，不能编辑" in messages_of(response)
    with pytest.raises(DomainError) as error:
        services.unit_binding_update(actor=demo["li"], binding=second, reason="改一下")
    assert error.value.code == ErrorCode.INVALID_TRANSITION
