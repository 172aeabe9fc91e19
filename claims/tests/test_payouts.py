"""保障金给付 through the service and its finance screens: scoped to finance, once per claim; a payout
that loses a race is refused with the code of a second payout."""

from types import SimpleNamespace

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

import claims.services
from claims.models import Payout
from claims.selectors import payout_claim_get_for, payouts_awaiting
from claims.services import claim_payout_record
from core.errors import ErrorCode, InvalidTransition
from review.engine import case_transition
from review.models import Action, Status


@pytest.fixture
def approved_claim(factory):
    """A claim approved by the city with its suggested amount, awaiting the transfer."""
    unit = factory.approved_unit()
    claim = factory.claim_materials(factory.claim(unit, factory.covered_member(unit)))
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    case = case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer())
    claim.refresh_from_db()
    case_transition(
        case=case,
        action=Action.APPROVE,
        actor=factory.city_reviewer(),
        data={"approved_amount": str(claim.suggested_amount)},
    )
    claim.refresh_from_db()
    return claim


def pay(finance, claim, reference="PAY001"):
    return claim_payout_record(
        actor=finance, claim=claim, paid_on=timezone.localdate(), bank_reference=reference
    )


def test_only_finance_sees_the_claims_awaiting_payout(factory, approved_claim):
    assert list(payouts_awaiting(factory.finance())) == [approved_claim]
    for other in (factory.city_reviewer(), factory.staff("admin"), approved_claim.unit.agent):
        assert not payouts_awaiting(other).exists()
    assert payout_claim_get_for(factory.finance(), approved_claim.pk) == approved_claim
    with pytest.raises(Http404):
        payout_claim_get_for(factory.city_reviewer(), approved_claim.pk)


def test_a_payout_that_loses_the_race_gets_the_code_of_a_second_payout(factory, approved_claim, monkeypatch):
    """Two clerks record one payout at once: the one whose check ran before the other's payout was
    committed hits the database constraint, and is refused like a clerk who comes second."""
    finance = factory.finance()
    Payout.objects.create(  # the other clerk's payout, committed after our check looked
        claim=approved_claim,
        amount=approved_claim.approved_amount,
        paid_on=timezone.localdate(),
        bank_reference="WINNER",
        recorded_by=finance,
    )
    with pytest.raises(InvalidTransition) as second:
        pay(finance, approved_claim, "SECOND")

    looked_too_early = SimpleNamespace(
        filter=lambda **kw: Payout.objects.none(), create=Payout.objects.create
    )
    monkeypatch.setattr(claims.services, "Payout", SimpleNamespace(objects=looked_too_early))
    with pytest.raises(InvalidTransition) as loser:
        pay(finance, approved_claim, "LOSER")

    assert second.value.code == ErrorCode.DUPLICATE
    assert (loser.value.code, loser.value.message) == (second.value.code, second.value.message)
    assert list(Payout.objects.values_list("bank_reference", flat=True)) == ["WINNER"]
    approved_claim.case.refresh_from_db()
    assert approved_claim.case.status == Status.APPROVED  # nothing moved for the loser


def test_finance_records_a_payout_through_the_screen_once(client, factory, approved_claim):
    client.force_login(factory.finance())
    url = reverse("billing:payout_record", args=[approved_claim.pk])
    data = {"paid_on": timezone.localdate().isoformat(), "bank_reference": "PAY001"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("billing:payouts")
    assert "已结案" in response.content.decode()
    again = client.post(url, {**data, "bank_reference": "PAY002"})
    assert "该申请已记录给付并结案，无需重复给付" in again.content.decode()
    assert Payout.objects.get().bank_reference == "PAY001"


@pytest.mark.parametrize("role", ["city_reviewer", "agent"])
def test_only_finance_may_open_the_payout_screens(client, factory, approved_claim, role):
    client.force_login(getattr(factory, role)())
    assert client.get(reverse("billing:payouts")).status_code == 403
    assert client.get(reverse("billing:payout_record", args=[approved_claim.pk])).status_code == 403


def test_a_paid_claims_payout_page_shows_the_payout_instead_of_an_empty_form(client, factory, approved_claim):
    finance = factory.finance()
    pay(finance, approved_claim)

    client.force_login(finance)
    page = client.get(reverse("billing:payout_record", args=[approved_claim.pk])).content.decode()
    assert 'id="payout-form"' not in page and "已给付，已结案" in page and "PAY001" in page
