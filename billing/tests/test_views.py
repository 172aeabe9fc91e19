"""Through the views: the 缴费通知单 PDF (who may open it), the finance workbench and 收款确认."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from billing.models import PaymentReceipt
from enrollment.models import Coverage
from review.models import Status


@pytest.fixture
def approved(factory):
    """市南区 unit, 3 members × ZJ 1份 × 30 元: a notice of 90.00 元 awaiting payment."""
    return factory.approved_application(rows=factory.people(3))


def notice_url(application):
    return reverse("billing:notice_pdf", args=[application.pk])


def test_the_notice_pdf_is_a_real_pdf_for_the_units_agent(client, approved):
    client.force_login(approved.unit.agent)
    response = client.get(notice_url(approved))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000  # the CJK font is embedded
    number = approved.payment_notice.number
    assert (
        response["Content-Disposition"]
        == f"inline; filename*=UTF-8''%E7%BC%B4%E8%B4%B9%E9%80%9A%E7%9F%A5%E5%8D%95-{number}.pdf"
    )


def test_the_notice_is_stored_at_its_first_download_and_every_download_is_that_same_file(
    client, approved, settings
):
    client.force_login(approved.unit.agent)
    first = client.get(notice_url(approved)).content
    notice = approved.payment_notice
    notice.refresh_from_db()
    assert notice.pdf.name.startswith("notices/")
    with notice.pdf.open("rb") as stored:
        assert stored.read() == first

    settings.UNION_BANK_NAME = "改过的开户行"  # a later change does not alter an issued notice
    second = client.get(notice_url(approved)).content

    assert second == first
    notice.refresh_from_db()
    assert not notice.pdf.storage.exists(notice.pdf.name.replace(".pdf", "_1.pdf"))


@pytest.mark.parametrize("role", ["district_reviewer", "city_reviewer", "finance"])
def test_reviewers_and_finance_may_open_the_notice_pdf(client, factory, approved, role):
    client.force_login(getattr(factory, role)())
    response = client.get(notice_url(approved))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["another_agent", "other_district"])
def test_the_notice_pdf_is_not_found_for_anyone_outside_the_unit(client, factory, approved, who):
    user = factory.agent() if who == "another_agent" else factory.district_reviewer("市北区")
    client.force_login(user)
    assert client.get(notice_url(approved)).status_code == 404


def test_there_is_no_notice_before_approval(client, factory):
    application = factory.application(rows=factory.people(1))
    client.force_login(application.unit.agent)
    assert client.get(notice_url(application)).status_code == 404


# --- finance workbench ------------------------------------------------------------------------------


def test_the_workbench_lists_the_notices_awaiting_payment_for_finance(client, factory, approved):
    client.force_login(factory.finance())
    response = client.get(reverse("billing:workbench"))
    assert response.status_code == 200
    page = response.content.decode()
    assert approved.payment_notice.number in page
    assert approved.unit.name in page
    assert "90.00" in page


@pytest.mark.parametrize(
    "role",
    [User.Role.AGENT, User.Role.DISTRICT_REVIEWER, User.Role.CITY_REVIEWER, User.Role.ADMIN],
)
def test_only_finance_may_open_the_workbench_and_the_confirmation(client, factory, approved, role):
    user = factory.agent() if role == User.Role.AGENT else factory.staff(role, org=factory.org())
    client.force_login(user)
    assert client.get(reverse("billing:workbench")).status_code == 403
    confirm_url = reverse("billing:confirm", args=[approved.payment_notice.pk])
    assert client.get(confirm_url).status_code == 403
    response = client.post(
        confirm_url, {"amount": "90.00", "paid_on": timezone.localdate(), "bank_reference": "X1"}
    )
    assert response.status_code == 403
    assert not PaymentReceipt.objects.exists()


def test_the_workbench_needs_a_login(client):
    response = client.get(reverse("billing:workbench"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def post_receipt(client, notice, amount, reference="ICBC0001"):
    return client.post(
        reverse("billing:confirm", args=[notice.pk]),
        {"amount": amount, "paid_on": timezone.localdate().isoformat(), "bank_reference": reference},
        follow=True,
    )


def test_finance_is_refused_a_wrong_amount_with_a_message(client, factory, approved):
    client.force_login(factory.finance())
    response = post_receipt(client, approved.payment_notice, "89.00")
    assert response.status_code == 200
    assert "到账金额 89.00 元与应缴金额 90.00 元不一致，不能确认收款，请核对" in response.content.decode()
    assert not PaymentReceipt.objects.exists()
    approved.case.refresh_from_db()
    assert approved.case.status == Status.APPROVED


def test_finance_confirms_the_right_amount_and_the_period_takes_effect(client, factory, approved):
    client.force_login(factory.finance())
    response = post_receipt(client, approved.payment_notice, "90")
    assert response.redirect_chain[-1][0] == reverse("billing:workbench")
    page = response.content.decode()
    assert f"已确认收款：{approved.payment_notice.number}，{approved.unit.name}保期生效" in page
    assert "暂无待收款的缴费通知单" in page
    assert "今日（" in page and "已确认 1 笔，合计 90.00 元" in page
    approved.case.refresh_from_db()
    assert approved.case.status == Status.EFFECTIVE
    assert Coverage.objects.filter(application=approved).count() == 3
    assert PaymentReceipt.objects.get().amount == Decimal("90.00")


def test_a_second_confirmation_through_the_view_is_refused(client, factory, approved):
    client.force_login(factory.finance())
    post_receipt(client, approved.payment_notice, "90.00")
    response = post_receipt(client, approved.payment_notice, "90.00", reference="AGAIN")
    assert "已确认收款，无需重复确认" in response.content.decode()
    assert PaymentReceipt.objects.count() == 1
    assert Coverage.objects.count() == 3
