"""缴费通知单 at approval (frozen fees, versioned rates) and 收款确认 → 保期生效, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import PaymentNotice, PaymentReceipt
from billing.services import payment_confirm
from core.errors import DomainError, ErrorCode, InvalidTransition, NotAllowed
from enrollment.models import ApplicationPlan, Coverage, Member
from enrollment.tests.support import D
from plans.models import PlanRate
from review.models import Action, Status

# --- approval, versioned rates, the payment notice -----------------------------------------------------


def test_approval_issues_a_payment_notice_with_the_frozen_total(factory, clock):
    clock(D(2026, 11, 29))
    application = factory.approved_application(rows=factory.people(3, shares=[2]), plans={"ZJ": 2})
    notice = application.payment_notice
    assert application.case.status == Status.APPROVED
    assert notice.amount == application.total_amount == Decimal("180.00")
    assert notice.number == f"JF20261129{application.pk:06d}"
    assert notice.due_date == D(2026, 12, 14)


def test_a_rate_change_applies_to_applications_approved_after_it_and_never_to_earlier_ones(
    factory, clock, plan
):
    clock(D(2026, 3, 1))
    before = factory.approved_application(rows=factory.people(3), period_start=D(2026, 4, 1))
    pending = factory.application(period_start=D(2026, 7, 1), rows=factory.people(3, first=10))
    PlanRate.objects.create(plan=plan("ZJ"), valid_from=D(2026, 6, 1), fee_per_share=Decimal("36.00"))
    assert pending.plan_lines.get().fee_per_share == Decimal("30.00")  # as quoted when filed

    clock(D(2026, 6, 2))
    after = factory.approved_application(pending)
    assert after.plan_lines.get().fee_per_share == Decimal("36.00")
    assert after.payment_notice.amount == Decimal("108.00")

    line = ApplicationPlan.objects.get(application=before)
    assert (line.fee_per_share, line.amount) == (Decimal("30.00"), Decimal("90.00"))
    assert PaymentNotice.objects.get(application=before).amount == Decimal("90.00")
    factory.effective_application(before)  # the old amount is still the one finance confirms
    before.refresh_from_db()
    assert before.case.status == Status.EFFECTIVE
    assert before.plan_lines.get().fee_per_share == Decimal("30.00")


# --- 收款确认 → 保期生效 ------------------------------------------------------------------------------


@pytest.fixture
def approved(factory):
    return factory.approved_application(rows=factory.people(3, shares=[1, 1]), plans={"ZJ": 1, "YW": 1})


def confirm(finance, notice, amount, **kw):
    return payment_confirm(
        actor=finance,
        notice=notice,
        amount=Decimal(amount),
        paid_on=kw.get("paid_on", timezone.localdate()),
        bank_reference=kw.get("bank_reference", "ICBC20261129001"),
    )


def test_a_different_amount_is_refused_and_changes_nothing(factory, approved):
    notice = approved.payment_notice
    assert notice.amount == Decimal("168.00")
    with pytest.raises(DomainError, match=r"到账金额 167\.99 元与应缴金额 168\.00 元不一致"):
        confirm(factory.finance(), notice, "167.99")
    approved.case.refresh_from_db()
    assert approved.case.status == Status.APPROVED
    assert not PaymentReceipt.objects.exists()
    assert not Coverage.objects.exists()
    assert not Member.objects.exists()


def test_the_right_amount_makes_the_coverages_effective(factory, approved):
    finance = factory.finance()
    receipt = confirm(finance, approved.payment_notice, "168")
    approved.case.refresh_from_db()
    assert approved.case.status == Status.EFFECTIVE
    assert (receipt.amount, receipt.bank_reference, receipt.confirmed_by) == (
        Decimal("168.00"),
        "ICBC20261129001",
        finance,
    )
    assert Member.objects.count() == 3
    coverages = Coverage.objects.filter(application=approved)
    assert coverages.count() == 6  # 3 members × 2 plans
    assert set(coverages.values_list("unit", "start", "end", "shares")) == {
        (approved.unit_id, approved.period_start, approved.period_end, 1)
    }
    member = Member.objects.get(id_number=approved.roster.first().id_number)
    assert (member.sex, member.birth_date) == ("M", D(1985, 1, 1))
    last = approved.case.transitions.order_by("-at", "-id").first()
    assert (last.action, last.actor, last.to_status) == (Action.CONFIRM_PAYMENT, finance, Status.EFFECTIVE)


def test_a_second_confirmation_is_refused_and_creates_nothing_more(factory, approved):
    finance = factory.finance()
    confirm(finance, approved.payment_notice, "168.00")
    with pytest.raises(InvalidTransition, match="已确认收款，无需重复确认"):
        confirm(finance, approved.payment_notice, "168.00", bank_reference="ANOTHER")
    assert PaymentReceipt.objects.count() == 1
    assert Coverage.objects.count() == 6
    assert Member.objects.count() == 3


def test_a_failure_while_creating_coverages_rolls_the_receipt_back(factory, approved, monkeypatch):
    import enrollment.services

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(enrollment.services, "coverage_create_for", broken)
    with pytest.raises(RuntimeError):
        confirm(factory.finance(), approved.payment_notice, "168.00")
    approved.case.refresh_from_db()
    assert approved.case.status == Status.APPROVED
    assert not PaymentReceipt.objects.exists()


def test_only_finance_may_confirm_a_receipt(factory, approved):
    with pytest.raises(NotAllowed):
        confirm(factory.city_reviewer(), approved.payment_notice, "168.00")
    assert not PaymentReceipt.objects.exists()
    assert not Coverage.objects.exists()


def test_a_receipt_needs_a_past_date_and_a_bank_reference(factory, approved):
    finance = factory.finance()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="到账日期不能晚于今天"):
        confirm(finance, approved.payment_notice, "168.00", paid_on=tomorrow)
    with pytest.raises(DomainError, match="请填写银行流水号"):
        confirm(finance, approved.payment_notice, "168.00", bank_reference="  ")
    assert not PaymentReceipt.objects.exists()


def test_a_confirmation_that_loses_the_race_gets_the_code_of_a_second_confirmation(
    factory, approved, monkeypatch
):
    """Two clerks confirm one notice at once: the one whose check ran before the other's receipt was
    committed hits the database constraint, and gets the same refusal (code, message) as a clerk who
    comes second."""
    import billing.services

    finance = factory.finance()
    confirm(finance, approved.payment_notice, "168.00")
    with pytest.raises(InvalidTransition) as second:
        confirm(finance, approved.payment_notice, "168.00", bank_reference="SECOND")

    monkeypatch.setattr(billing.services, "_already_confirmed", lambda notice: False)  # saw nothing yet
    with pytest.raises(InvalidTransition) as loser:
        confirm(finance, approved.payment_notice, "168.00", bank_reference="LOSER")

    assert second.value.code == ErrorCode.DUPLICATE
    assert (loser.value.code, loser.value.message) == (second.value.code, second.value.message)
    assert PaymentReceipt.objects.get().bank_reference == "ICBC20261129001"
    assert Coverage.objects.count() == 6
