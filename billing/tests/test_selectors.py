"""Reads of billing, scoped by the actor: finance works the notices and receipts; a notice's PDF is for
whoever may see its application."""

import pytest
from django.http import Http404
from django.utils import timezone

from billing.selectors import (
    notice_for_application,
    notice_for_confirmation,
    notices_awaiting_payment,
    receipts_on,
)
from billing.services import payment_confirm


@pytest.fixture
def approved(factory):
    return factory.approved_application(rows=factory.people(3))


def test_finance_sees_the_notices_awaiting_payment_and_can_search_them(factory, approved):
    finance = factory.finance()
    notice = approved.payment_notice
    assert list(notices_awaiting_payment(finance)) == [notice]
    assert list(notices_awaiting_payment(finance, query=approved.unit.name[:4])) == [notice]
    assert list(notices_awaiting_payment(finance, query=notice.number)) == [notice]
    assert not notices_awaiting_payment(finance, query="没有这个单位").exists()


def test_nobody_but_finance_sees_the_notices_or_the_receipts(factory, approved):
    finance = factory.finance()
    payment_confirm(
        actor=finance,
        notice=approved.payment_notice,
        amount=approved.payment_notice.amount,
        paid_on=timezone.localdate(),
        bank_reference="ICBC0001",
    )
    today = timezone.localdate()
    assert receipts_on(finance, today)["count"] == 1
    for other in (factory.city_reviewer(), factory.staff("admin"), approved.unit.agent):
        assert not notices_awaiting_payment(other).exists()
        daily = receipts_on(other, today)
        assert (daily["count"], daily["amount"], daily["receipts"].exists()) == (0, 0, False)
        with pytest.raises(Http404):
            notice_for_confirmation(other, approved.payment_notice.pk)
    assert notice_for_confirmation(finance, approved.payment_notice.pk).receipt.bank_reference == "ICBC0001"


def test_the_notice_of_an_application_is_for_those_who_may_see_the_application(factory, approved):
    notice = approved.payment_notice
    for reader in (
        approved.unit.agent,
        factory.district_reviewer(),
        factory.city_reviewer(),
        factory.finance(),
    ):
        assert notice_for_application(reader, approved.pk) == notice
    for outsider in (factory.agent(), factory.district_reviewer("市北区"), factory.staff("auditor")):
        with pytest.raises(Http404):
            notice_for_application(outsider, approved.pk)
