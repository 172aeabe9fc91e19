"""Two finance clerks at once (PostgreSQL): exactly one receipt or payout is written, and the other clerk
gets the refusal a clerk coming second gets — the DUPLICATE code and its message."""

import pytest
from django.utils import timezone

from billing.models import PaymentReceipt
from billing.services import payment_confirm
from claims.models import Payout
from claims.services import claim_payout_record
from claims.tests.test_payouts import approved_claim  # noqa: F401 (fixture)
from core.errors import ErrorCode
from tests.concurrency import run_at_once, skip_unless_postgresql


def outcomes(results, kind):
    winners = [r for r in results if isinstance(r, kind)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    return losers[0]


@pytest.mark.django_db(transaction=True)
def test_two_clerks_confirming_one_notice_at_once_write_one_receipt(factory):
    skip_unless_postgresql("two confirmations can never overlap")
    notice = factory.approved_application(rows=factory.people(2)).payment_notice
    clerks = factory.finance(), factory.finance()

    def confirm(clerk, reference):
        return lambda: payment_confirm(
            actor=clerk,
            notice=notice,
            amount=notice.amount,
            paid_on=timezone.localdate(),
            bank_reference=reference,
        )

    loser = outcomes(run_at_once(confirm(clerks[0], "A"), confirm(clerks[1], "B")), PaymentReceipt)

    assert (loser.code, loser.message) == (
        ErrorCode.DUPLICATE,
        f"缴费通知单 {notice.number} 已确认收款，无需重复确认",
    )
    assert PaymentReceipt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_recording_one_payout_at_once_write_one_payout(factory, approved_claim):  # noqa: F811
    skip_unless_postgresql("two payouts can never overlap")
    clerks = factory.finance(), factory.finance()

    def pay(clerk, reference):
        return lambda: claim_payout_record(
            actor=clerk, claim=approved_claim, paid_on=timezone.localdate(), bank_reference=reference
        )

    loser = outcomes(run_at_once(pay(clerks[0], "A"), pay(clerks[1], "B")), Payout)

    assert (loser.code, loser.message) == (ErrorCode.DUPLICATE, "该申请已记录给付并结案，无需重复给付")
    assert Payout.objects.count() == 1
