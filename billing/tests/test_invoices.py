"""开票登记: a paid notice is 待开票; finance registers the invoice against the unit's 开票信息 (type,
数电 number or code + number, date, amount, the PDF checked by content and stored encrypted); the agent
sees 已开票 and downloads the PDF; nobody else can."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from billing.models import IssuedInvoice
from billing.selectors import receipts_awaiting_invoice
from billing.services import invoice_register
from core.errors import BadFile, DomainError, InvalidTransition
from core.samples import tiny_pdf
from units.models import InvoiceInfo

NUMBER = "26372000000012345678"  # a 数电发票 number: 20 digits


def pdf(name="发票.pdf"):
    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


def invoice_info(unit, invoice_type=InvoiceInfo.InvoiceType.NORMAL):
    return InvoiceInfo.objects.create(
        unit=unit,
        invoice_type=invoice_type,
        title=unit.name,
        taxpayer_id=unit.credit_code,
        bank_account="工行青岛分行 3803020009200000001",
        updated_by=unit.agent,
    )


@pytest.fixture
def paid(factory):
    application = factory.effective_application(rows=factory.people(2))
    invoice_info(application.unit)
    return application.payment_notice


def register(notice, actor, **kw):
    data = {
        "invoice_type": "normal",
        "code": "",
        "number": NUMBER,
        "issued_on": timezone.localdate(),
        "amount": notice.receipt.amount,
        "upload": pdf(),
    }
    return invoice_register(actor=actor, notice=notice, **{**data, **kw})


def test_a_paid_notice_awaits_an_invoice_until_finance_registers_it(paid, finance):
    assert list(receipts_awaiting_invoice(finance)) == [paid.receipt]
    invoice = register(paid, finance)
    assert (invoice.invoice_type, invoice.code, invoice.number, invoice.amount) == (
        "normal",
        "",
        NUMBER,
        paid.receipt.amount,
    )
    assert invoice.title == paid.application.unit.name
    with invoice.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-")
    assert list(receipts_awaiting_invoice(finance)) == []
    with pytest.raises(InvalidTransition, match="已开票登记"):
        register(paid, finance, number="26372000000099999999")


def test_a_paper_invoice_has_a_code_and_an_eight_digit_number(paid, finance):
    invoice = register(paid, finance, code="3700211130", number="01234567")
    assert (invoice.code, invoice.number) == ("3700211130", "01234567")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"number": "12345678"}, "数电发票号码为20位数字"),
        ({"code": "3700211130", "number": NUMBER}, "发票号码为8位数字"),
        ({"number": "2637-0000000012345678"}, "只能填写数字"),
        ({"invoice_type": "special"}, "发票类型为“普票”"),
        ({"amount": "1.00"}, "与到账金额"),
    ],
)
def test_wrong_invoice_data_is_refused_and_records_nothing(paid, finance, fields, message):
    with pytest.raises(DomainError, match=message):
        register(paid, finance, **fields)
    assert not IssuedInvoice.objects.exists()


def test_the_invoice_file_is_checked_by_its_content(paid, finance):
    fake = SimpleUploadedFile("发票.pdf", b"this is not a pdf", content_type="application/pdf")
    with pytest.raises(BadFile):
        register(paid, finance, upload=fake)
    assert not IssuedInvoice.objects.exists()


def test_an_unpaid_notice_or_a_unit_without_invoice_info_cannot_be_invoiced(factory, finance):
    approved = factory.approved_application(rows=factory.people(1)).payment_notice
    with pytest.raises(InvalidTransition, match="尚未确认收款"):
        invoice_register(
            actor=finance,
            notice=approved,
            invoice_type="normal",
            code="",
            number=NUMBER,
            issued_on=timezone.localdate(),
            amount=approved.amount,
            upload=pdf(),
        )
    no_info = factory.effective_application(rows=factory.people(1, first=50)).payment_notice
    with pytest.raises(DomainError, match="尚未填写开票信息"):
        register(no_info, finance)


def test_the_same_invoice_number_is_not_registered_twice(paid, factory, finance):
    register(paid, finance)
    other = factory.effective_application(rows=factory.people(1, first=60))
    invoice_info(other.unit)
    with pytest.raises(DomainError, match="已登记在另一张缴费通知单上"):
        register(other.payment_notice, finance)


# --- through the views -------------------------------------------------------------------------------


def test_finance_registers_through_the_view_and_the_agent_sees_it_and_downloads_it(client, paid, finance):
    client.force_login(finance)
    listing = client.get(reverse("billing:invoices")).content.decode()
    assert f'data-notice="{paid.number}"' in listing and "普票" in listing
    url = reverse("billing:invoice_create", args=[paid.pk])
    assert "发票抬头" in client.get(url).content.decode()
    data = {
        "invoice_type": "normal",
        "code": "",
        "number": NUMBER,
        "issued_on": timezone.localdate().isoformat(),
        "amount": str(paid.receipt.amount),
        "file": pdf(),
    }
    assert client.post(url, data).status_code == 302
    assert f'data-notice="{paid.number}"' not in client.get(reverse("billing:invoices")).content.decode()

    application = paid.application
    client.force_login(application.unit.agent)
    page = client.get(reverse("enrollment:detail", args=[application.pk]) + "?tab=payment").content.decode()
    assert "已开票" in page and NUMBER in page
    response = client.get(reverse("billing:invoice_pdf", args=[application.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_before_the_invoice_the_agent_sees_awaiting_and_no_download(client, paid):
    application = paid.application
    client.force_login(application.unit.agent)
    page = client.get(reverse("enrollment:detail", args=[application.pk]) + "?tab=payment").content.decode()
    assert "待开票" in page and "下载发票" not in page
    assert client.get(reverse("billing:invoice_pdf", args=[application.pk])).status_code == 404


def test_another_agent_gets_404_for_the_invoice_pdf(client, paid, finance, factory):
    register(paid, finance)
    client.force_login(factory.agent(name="赵六"))
    assert client.get(reverse("billing:invoice_pdf", args=[paid.application_id])).status_code == 404


def test_a_refused_registration_shows_the_message_and_keeps_the_notice_waiting(client, paid, finance):
    client.force_login(finance)
    url = reverse("billing:invoice_create", args=[paid.pk])
    data = {
        "invoice_type": "special",
        "number": NUMBER,
        "issued_on": timezone.localdate().isoformat(),
        "amount": str(paid.receipt.amount),
        "file": pdf(),
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "请按开票信息开具" in response.content.decode()
    assert not IssuedInvoice.objects.exists()


def test_only_finance_opens_the_invoice_screens(client, paid):
    client.force_login(paid.application.unit.agent)
    assert client.get(reverse("billing:invoices")).status_code == 403
    assert client.get(reverse("billing:invoice_create", args=[paid.pk])).status_code == 403
