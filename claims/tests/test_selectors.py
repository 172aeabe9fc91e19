"""claims.selectors: what finance's 保障金给付 screens read, scoped by the actor."""

import pytest
from django.http import Http404
from django.utils import timezone

from claims.selectors import payout_claim_get_for, payouts_awaiting
from claims.services import claim_payout_record
from review.engine import case_transition
from review.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_claim(factory):
    claim = factory.claim_at_city()
    city, amount = factory.city_reviewer(), {"approved_amount": "15000"}
    case_transition(case=claim.case, action=Action.APPROVE, actor=city, data=amount)
    claim.refresh_from_db()
    return claim


def test_payouts_await_for_finance_only(factory, approved_claim):
    assert list(payouts_awaiting(factory.finance())) == [approved_claim]
    for someone in (factory.city_reviewer(), approved_claim.unit.agent, factory.district_reviewer()):
        assert not payouts_awaiting(someone).exists()


def test_a_paid_claim_no_longer_awaits_and_shows_its_payout(factory, approved_claim):
    finance = factory.finance()
    paid_on = timezone.localdate()
    payout = claim_payout_record(actor=finance, claim=approved_claim, paid_on=paid_on, bank_reference="B1")

    assert not payouts_awaiting(finance).exists()
    assert payout_claim_get_for(finance, approved_claim.pk) == approved_claim
    assert payout_claim_get_for(finance, approved_claim.pk).payout == payout  # read with the claim


def test_the_payout_screen_of_a_claim_is_a_404_for_anyone_but_finance(factory, approved_claim):
    with pytest.raises(Http404):
        payout_claim_get_for(factory.city_reviewer(), approved_claim.pk)
    unpaid = payout_claim_get_for(factory.finance(), approved_claim.pk)
    assert getattr(unpaid, "payout", None) is None
