"""The union's receiving account comes from settings only: without it no notice is issued or printed, and
reviewer and agent are told why in Chinese. A confirmed notice's page shows the receipt, not a form (a
paid claim's payout page likewise: claims/tests/test_payouts.py)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from billing.models import PaymentNotice, PaymentReceipt
from billing.selectors import UNION_ACCOUNT_MISSING
from review.engine import case_transition
from review.models import Action, Status

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def approved(factory):
    return factory.approved_application(rows=factory.people(3))


def test_settings_have_no_placeholder_account_when_nothing_is_configured():
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNION_")}
    code = (
        "import config.settings as s;"
        "print(repr((s.UNION_ACCOUNT_NAME, s.UNION_BANK_NAME, s.UNION_BANK_ACCOUNT)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True
    )
    assert out.stdout.strip() == "('', '', '')", out.stderr


@pytest.mark.parametrize("missing", ["UNION_ACCOUNT_NAME", "UNION_BANK_NAME", "UNION_BANK_ACCOUNT"])
def test_the_final_approval_is_refused_while_the_account_is_unset_and_nothing_changes(
    client, factory, settings, missing
):
    application = factory.application(rows=factory.people(2))
    case = case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)
    case = case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer())
    setattr(settings, missing, "  ")
    city = factory.city_reviewer()
    client.force_login(city)
    response = client.post(
        reverse("review:decide", args=[case.pk]),
        {"action": "approve", "reason": "", "version": case.version},
        follow=True,
    )
    assert UNION_ACCOUNT_MISSING in messages_of(response)
    case.refresh_from_db()
    assert (case.status, case.status_label) == (Status.IN_REVIEW, "市总审核中")  # still the city's
    assert not PaymentNotice.objects.exists()


def test_an_issued_notice_is_not_printed_while_the_account_is_unset(client, approved, settings):
    settings.UNION_BANK_ACCOUNT = ""
    client.force_login(approved.unit.agent)
    response = client.get(reverse("billing:notice_pdf", args=[approved.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("enrollment:detail", args=[approved.pk])
    assert UNION_ACCOUNT_MISSING in messages_of(response)
    assert not response.content.startswith(b"%PDF")


def test_a_confirmed_notices_page_shows_the_receipt_instead_of_an_empty_form(client, factory, approved):
    finance = factory.finance()
    client.force_login(finance)
    url = reverse("billing:confirm", args=[approved.payment_notice.pk])
    assert 'id="confirm-form"' in client.get(url).content.decode()
    client.post(url, {"amount": "90.00", "paid_on": timezone.localdate(), "bank_reference": "ICBC0001"})

    page = client.get(url).content.decode()
    assert 'id="confirm-form"' not in page
    assert "已确认收款" in page and "90.00 元" in page and "ICBC0001" in page
    assert finance.display_name in page
    response = client.post(url, {"amount": "90.00", "paid_on": timezone.localdate(), "bank_reference": "X"})
    assert "已确认收款，无需重复确认" in response.content.decode()
    assert PaymentReceipt.objects.get().bank_reference == "ICBC0001"
