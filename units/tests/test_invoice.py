"""开票信息管理 (manual §1.3, SPEC §5.4): one invoice-information record per approved unit.

The notice "有 N 个单位尚未填写开票信息" with 【去填写】; 开一个户头 (defaults from the unit, 专票 needs
开户行及账号, the taxpayer ID checked like a credit code) or 开多个户头 (an attachment); one record per unit
(database constraint + friendly message); 编辑; finance and city reviewers read everything.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from core.errors import DomainError, ErrorCode, NotAllowed
from core.samples import tiny_pdf
from tests.clients import client_for
from units.models import InvoiceInfo
from units.services import invoice_info_save

SPECIAL, NORMAL = InvoiceInfo.InvoiceType.SPECIAL, InvoiceInfo.InvoiceType.NORMAL


def html_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def pdf(name="开票说明.pdf"):
    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


def single(unit, **overrides) -> dict:
    data = {
        "unit": unit.pk,
        "mode": "single",
        "invoice_type": "normal",
        "title": unit.name,
        "taxpayer_id": unit.credit_code,
        "address_phone": "青岛市市南区测试路1号 0532-88888888",
        "bank_account": "",
        "email": "caiwu@example.com",
    }
    data.update(overrides)
    return data


def service_data(unit, **overrides) -> dict:
    data = single(unit, **overrides)
    data.pop("unit")
    return data


def save_info(unit, **overrides) -> InvoiceInfo:
    return invoice_info_save(actor=unit.agent, unit=unit, data=service_data(unit, **overrides))


@pytest.fixture
def agent(factory):
    return factory.agent(name="张三")


@pytest.fixture
def units(factory, agent):
    """Three approved units of the agent (names in list order) and one still in draft."""
    approved = [
        factory.approved_unit(agent=agent, name=name)
        for name in ("青岛甲方机械有限公司", "青岛乙方物流有限公司", "青岛丙方科技有限公司")
    ]
    factory.unit(agent=agent, name="青岛丁方草稿有限公司")
    return sorted(approved, key=lambda u: u.name)


@pytest.fixture
def unit(units):
    return units[0]


@pytest.fixture
def agent_client(agent):
    return client_for(agent)


# --- the list and its notice --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_notice_counts_the_approved_units_without_invoice_info(agent_client, units):
    save_info(units[1])

    html = html_of(agent_client.get("/units/invoices/"))

    notice = re.search(r'<div[^>]*id="invoice-notice"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "有 2 个单位尚未填写开票信息" in notice
    missing = sorted([units[0], units[2]], key=lambda u: u.name)
    assert f'href="/units/invoices/new/?unit={missing[0].pk}">去填写</a>' in notice
    assert 'id="new-invoice"' in html
    assert "青岛丁方草稿有限公司" not in html  # a unit still in registration has no invoice row
    for u in units:
        assert f'<tr data-unit="{u.name}">' in html
    filled = re.search(rf'<tr data-unit="{units[1].name}">(.*?)</tr>', html, re.S).group(1)
    assert "开一个户头" in filled and "增值税普通发票" in filled and 'data-action="edit"' in filled


@pytest.mark.django_db
def test_no_notice_when_every_approved_unit_has_invoice_info(agent_client, units):
    for u in units:
        save_info(u)

    html = html_of(agent_client.get("/units/invoices/"))

    assert "尚未填写开票信息" not in html
    assert 'id="invoice-notice"' not in html and 'id="new-invoice"' not in html
    create = html_of(agent_client.get("/units/invoices/new/"))
    assert "所有注册审核通过的单位都已填写开票信息" in create


@pytest.mark.django_db
def test_the_invoice_pages_are_for_agents(factory):
    for role_user in (factory.city_reviewer(), factory.finance(), factory.district_reviewer()):
        c = client_for(role_user)
        for url in ("/units/invoices/", "/units/invoices/new/"):
            assert c.get(url).status_code == 403, (role_user.role, url)


# --- 开一个户头 ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_title_defaults_to_the_unit_name_and_credit_code(agent_client, unit):
    html = html_of(agent_client.get(f"/units/invoices/new/?unit={unit.pk}"))

    assert f'<option value="{unit.pk}" selected>{unit.name}</option>' in html
    assert re.search(rf'name="title"[^>]*value="{unit.name}"', html)
    assert re.search(rf'name="taxpayer_id"[^>]*value="{unit.credit_code}"', html)
    assert re.search(r'name="address_phone"[^>]*value="青岛市市南区测试路1号 0532-88888888"', html)
    assert re.search(r'name="mode"[^>]*value="single"[^>]*checked', html)


@pytest.mark.django_db
def test_saving_one_title_normal_invoice(agent_client, unit, agent):
    response = agent_client.post("/units/invoices/new/", single(unit), follow=True)

    assert f"“{unit.name}”的开票信息已保存" in messages_of(response)
    info = InvoiceInfo.objects.get(unit=unit)
    assert (info.mode, info.invoice_type, info.title, info.taxpayer_id) == (
        "single",
        NORMAL,
        unit.name,
        unit.credit_code,
    )
    assert (info.email, info.updated_by, info.attachment.name) == ("caiwu@example.com", agent, "")
    assert "有 2 个单位尚未填写开票信息" in html_of(response)


@pytest.mark.django_db
def test_a_special_invoice_requires_the_bank_account(agent_client, unit):
    response = agent_client.post("/units/invoices/new/", single(unit, invoice_type="special"))

    assert response.status_code == 200
    assert response.context["form"].errors["bank_account"] == ["开增值税专用发票必须填写开户行及账号"]
    assert not InvoiceInfo.objects.exists()

    bank = "中国工商银行青岛市南支行 3803020109000123456"
    response = agent_client.post(
        "/units/invoices/new/", single(unit, invoice_type="special", bank_account=bank)
    )
    assert response.status_code == 302
    assert InvoiceInfo.objects.get(unit=unit).bank_account == bank


@pytest.mark.django_db
def test_the_service_and_the_database_refuse_a_special_invoice_without_bank_account(unit):
    with pytest.raises(DomainError, match="开增值税专用发票必须填写开户行及账号"):
        save_info(unit, invoice_type="special", bank_account="   ")
    assert not InvoiceInfo.objects.exists()

    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceInfo.objects.create(
            unit=unit, mode="single", invoice_type=SPECIAL, title=unit.name, updated_by=unit.agent
        )
    # The rule is about 开一个户头: a multi-title record has no invoice fields at all.
    InvoiceInfo.objects.create(unit=unit, mode="multiple", invoice_type=SPECIAL, updated_by=unit.agent)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("taxpayer_id", "message"),
    [
        ("WRONG", "纳税人识别号应为18位"),
        ("CHECKSUM", "纳税人识别号校验位错误，请核对"),
        ("91370202MA3C8K7XIO", "纳税人识别号含有不允许的字符（不使用 I、O、Z、S、V）"),
    ],
)
def test_the_taxpayer_id_is_checked_like_a_credit_code(agent_client, unit, taxpayer_id, message):
    if taxpayer_id == "CHECKSUM":
        last = unit.credit_code[-1]
        taxpayer_id = unit.credit_code[:-1] + ("1" if last != "1" else "2")
    elif taxpayer_id == "WRONG":
        taxpayer_id = unit.credit_code[:-1]

    response = agent_client.post("/units/invoices/new/", single(unit, taxpayer_id=taxpayer_id))

    assert response.context["form"].errors["taxpayer_id"] == [message]
    assert not InvoiceInfo.objects.exists()


@pytest.mark.django_db
def test_one_title_requires_type_title_taxpayer_id_and_email(agent_client, unit):
    data = single(unit, invoice_type="", title="", taxpayer_id="", email="")
    errors = agent_client.post("/units/invoices/new/", data).context["form"].errors
    assert errors["invoice_type"] == ["请填写发票类型"]
    assert errors["title"] == ["请填写发票抬头"]
    assert errors["taxpayer_id"] == ["请填写纳税人识别号"]
    assert errors["email"] == ["请填写接收邮箱"]


@pytest.mark.django_db
def test_a_lowercase_taxpayer_id_is_stored_normalised(agent_client, unit):
    agent_client.post("/units/invoices/new/", single(unit, taxpayer_id=unit.credit_code.lower()))
    assert InvoiceInfo.objects.get(unit=unit).taxpayer_id == unit.credit_code


# --- 开多个户头 ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_multiple_titles_with_a_pdf_attachment(agent_client, unit, factory):
    response = agent_client.post(
        "/units/invoices/new/", {"unit": unit.pk, "mode": "multiple", "attachment": pdf()}, follow=True
    )

    assert f"“{unit.name}”的开票信息已保存" in messages_of(response)
    info = InvoiceInfo.objects.get(unit=unit)
    assert (info.mode, info.attachment_name, info.attachment_type) == (
        "multiple",
        "开票说明.pdf",
        "application/pdf",
    )
    assert (info.invoice_type, info.title, info.taxpayer_id, info.email) == ("", "", "", "")
    assert not info.attachment.name.endswith("开票说明.pdf")  # stored under a random name
    row = re.search(rf'<tr data-unit="{unit.name}">(.*?)</tr>', html_of(response), re.S).group(1)
    assert "开多个户头" in row and f"/units/invoices/{info.pk}/attachment/" in row

    download = agent_client.get(f"/units/invoices/{info.pk}/attachment/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # Another agent does not reach it.
    assert (
        client_for(factory.agent(name="李四")).get(f"/units/invoices/{info.pk}/attachment/").status_code
        == 404
    )


@pytest.mark.django_db
def test_editing_multiple_titles_offers_the_unit_defaults_for_one_title(agent_client, unit):
    agent_client.post("/units/invoices/new/", {"unit": unit.pk, "mode": "multiple", "attachment": pdf()})
    info = InvoiceInfo.objects.get(unit=unit)
    assert (info.title, info.taxpayer_id) == ("", "")

    edit = html_of(agent_client.get(f"/units/invoices/{info.pk}/edit/"))
    assert 'name="mode" value="multiple"' in edit and re.search(r'value="multiple"[^>]*checked', edit)
    assert f'name="title" value="{unit.name}"' in edit  # ready when 开一个户头 is picked
    assert f'name="taxpayer_id" value="{unit.credit_code}"' in edit
    assert f'name="address_phone" value="{unit.address} {unit.contact_phone}"' in edit


@pytest.mark.django_db
def test_editing_one_title_keeps_what_was_saved(agent_client, unit):
    info = save_info(unit, title="青岛甲方机械有限公司工会")
    edit = html_of(agent_client.get(f"/units/invoices/{info.pk}/edit/"))
    assert 'name="title" value="青岛甲方机械有限公司工会"' in edit


@pytest.mark.django_db
def test_multiple_titles_need_an_attachment_that_is_really_a_pdf_or_image(agent_client, unit):
    response = agent_client.post("/units/invoices/new/", {"unit": unit.pk, "mode": "multiple"})
    assert "开多个户头时请上传说明开票信息的附件" in html_of(response)

    fake = SimpleUploadedFile("说明.pdf", b"just text, renamed to .pdf", content_type="application/pdf")
    response = agent_client.post(
        "/units/invoices/new/", {"unit": unit.pk, "mode": "multiple", "attachment": fake}
    )
    assert "文件类型不支持：只能上传 PDF、JPG 或 PNG 文件（按文件内容识别，改扩展名无效）" in html_of(
        response
    )
    assert not InvoiceInfo.objects.exists()


# --- one record per unit ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_record_for_the_same_unit_even_bypassing_the_form(unit):
    save_info(unit)

    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceInfo.objects.create(unit=unit, mode="multiple", updated_by=unit.agent)

    assert InvoiceInfo.objects.filter(unit=unit).count() == 1


@pytest.mark.django_db
def test_the_service_refuses_a_second_record_with_a_friendly_message(unit):
    first = save_info(unit)

    with pytest.raises(DomainError) as error:
        save_info(unit, title="另一个抬头")

    assert error.value.message == f"“{unit.name}”已有开票信息，一个单位只能有一条，如需修改请点击编辑"
    assert error.value.code == ErrorCode.DUPLICATE
    first.refresh_from_db()
    assert first.title == unit.name


@pytest.mark.django_db
def test_posting_a_new_record_for_a_unit_that_has_one_is_refused(agent_client, unit):
    save_info(unit)

    response = agent_client.post("/units/invoices/new/", single(unit, title="重复"), follow=True)

    assert "请选择尚未填写开票信息的单位" in messages_of(response)
    assert InvoiceInfo.objects.get(unit=unit).title == unit.name


@pytest.mark.django_db
def test_only_the_agent_of_an_approved_unit_may_save(factory, unit):
    other = factory.agent(name="李四")
    with pytest.raises(NotAllowed, match="您无权维护该单位的开票信息"):
        invoice_info_save(actor=other, unit=unit, data=service_data(unit))
    draft = factory.unit(agent=unit.agent)
    with pytest.raises(DomainError, match="单位注册审核通过后才能填写开票信息"):
        invoice_info_save(actor=unit.agent, unit=draft, data=service_data(draft))
    assert not InvoiceInfo.objects.exists()


# --- 编辑 ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_changes_the_one_record(agent_client, unit):
    info = save_info(unit)

    form = html_of(agent_client.get(f"/units/invoices/{info.pk}/edit/"))
    assert "编辑开票信息" in form and 'value="caiwu@example.com"' in form
    response = agent_client.post(
        f"/units/invoices/{info.pk}/edit/",
        single(unit, invoice_type="special", bank_account="中国银行青岛分行 123456", email="new@example.com"),
    )
    assert response.status_code == 302 and response.url == "/units/invoices/"
    info.refresh_from_db()
    assert (info.invoice_type, info.bank_account, info.email) == (
        SPECIAL,
        "中国银行青岛分行 123456",
        "new@example.com",
    )

    # 编辑 to 开多个户头: the single-title fields are cleared, the attachment kept on later edits.
    agent_client.post(
        f"/units/invoices/{info.pk}/edit/", {"mode": "multiple", "attachment": pdf("split.pdf")}
    )
    info.refresh_from_db()
    assert (info.mode, info.title, info.bank_account, info.attachment_name) == (
        "multiple",
        "",
        "",
        "split.pdf",
    )
    response = agent_client.post(f"/units/invoices/{info.pk}/edit/", {"mode": "multiple"})
    assert response.status_code == 302
    info.refresh_from_db()
    assert info.attachment_name == "split.pdf"
    assert InvoiceInfo.objects.filter(unit=unit).count() == 1

    # And back to one title: the attachment goes.
    agent_client.post(f"/units/invoices/{info.pk}/edit/", single(unit))
    info.refresh_from_db()
    assert (info.mode, info.attachment.name, info.attachment_name) == ("single", "", "")


@pytest.mark.django_db
def test_another_agent_cannot_edit(factory, unit):
    info = save_info(unit)
    other = client_for(factory.agent(name="李四"))

    assert other.get(f"/units/invoices/{info.pk}/edit/").status_code == 404
    assert other.post(f"/units/invoices/{info.pk}/edit/", single(unit, title="抢改")).status_code == 404
    info.refresh_from_db()
    assert info.title == unit.name


# --- finance and city read everything -----------------------------------------------------------------------


@pytest.mark.django_db
def test_finance_and_city_read_every_units_invoice_info(factory, units):
    mine = save_info(units[0], invoice_type="special", bank_account="工行 123")
    theirs_unit = factory.approved_unit(name="青岛别家贸易有限公司", org="市北区")
    theirs = invoice_info_save(
        actor=theirs_unit.agent,
        unit=theirs_unit,
        data={"mode": "multiple"},
        attachment=pdf("split.pdf"),
    )

    for user in (factory.finance(), factory.city_reviewer()):
        c = client_for(user)
        html = html_of(c.get("/units/invoices/all/"))
        assert units[0].name in html and "工行 123" in html and "青岛别家贸易有限公司" in html
        assert "2 个已注册单位尚未填写" in html  # units[1], units[2]
        assert f"/units/invoices/{theirs.pk}/attachment/" in html
        assert c.get(f"/units/invoices/{theirs.pk}/attachment/").status_code == 200
        found = html_of(c.get("/units/invoices/all/", {"q": mine.taxpayer_id[:10]}))
        assert units[0].name in found and "青岛别家贸易有限公司" not in found


@pytest.mark.django_db
def test_district_reviewers_and_agents_cannot_read_all_invoice_info(factory, unit):
    info = save_info(unit)
    district = client_for(factory.district_reviewer("市南区"))
    assert district.get("/units/invoices/all/").status_code == 403
    assert district.get(f"/units/invoices/{info.pk}/edit/").status_code == 403
    assert client_for(unit.agent).get("/units/invoices/all/").status_code == 403
    assert client_for(factory.agent(name="李四")).get("/units/invoices/all/").status_code == 403

    multi_unit = factory.approved_unit(org="市南区")
    multi = invoice_info_save(
        actor=multi_unit.agent, unit=multi_unit, data={"mode": "multiple"}, attachment=pdf()
    )
    assert district.get(f"/units/invoices/{multi.pk}/attachment/").status_code == 404
    assert client_for(unit.agent).get(f"/units/invoices/{multi.pk}/attachment/").status_code == 404
