"""逾期: the daily 缴费提醒 (N days before and on the due date, each once), the finance list with the days
overdue, and 作废 of an unpaid notice through the engine (final, shown to the agent, who may apply again)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import sms
from billing.models import NoticeReminder
from billing.services import notice_reminders_send, notice_void, payment_confirm
from core.errors import DomainError, InvalidTransition
from enrollment.models import Application
from enrollment.tests.support import D
from notifications.models import Notification
from review.models import Action, Status, Transition
from tests.tasks import run_queued_tasks


@pytest.fixture
def notice(factory, clock):
    clock(D(2026, 11, 2))
    application = factory.approved_application(rows=factory.people(3))
    notice = application.payment_notice
    assert notice.due_date == D(2026, 11, 17)
    return notice


def reminders(notice):
    return list(Notification.objects.filter(kind=Notification.Kind.REMINDER, case=notice.application.case))


def test_the_agent_is_reminded_three_days_before_the_due_date_in_app_and_by_sms(
    notice, clock, django_capture_on_commit_callbacks
):
    clock(D(2026, 11, 13))
    assert notice_reminders_send() == 0  # four days before: nothing yet
    clock(D(2026, 11, 14))
    with django_capture_on_commit_callbacks(execute=True):
        assert notice_reminders_send() == 1
    (message,) = reminders(notice)
    assert message.recipient == notice.application.unit.agent
    assert notice.number in message.text and "将于2026-11-17到期（还有 3 天）" in message.text
    assert message.url.endswith("?tab=payment")
    run_queued_tasks()
    assert sms.outbox == [(message.recipient.mobile, f"【职工互助保障】{message.text}")]
    assert NoticeReminder.objects.get(notice=notice).kind == NoticeReminder.Kind.BEFORE


def test_each_reminder_is_sent_once_and_the_due_date_has_its_own(notice, clock):
    clock(D(2026, 11, 14))
    notice_reminders_send()
    assert notice_reminders_send() == 0  # the same day again
    clock(D(2026, 11, 15))
    assert notice_reminders_send() == 0  # the next day: the 到期前提醒 was sent already
    clock(D(2026, 11, 17))
    call_command("notice_reminders")
    call_command("notice_reminders")
    texts = [m.text for m in reminders(notice)]
    assert len(texts) == 2 and "今天（2026-11-17）到期" in texts[0]
    assert set(NoticeReminder.objects.filter(notice=notice).values_list("kind", flat=True)) == {
        "before",
        "due",
    }
    clock(D(2026, 11, 18))
    assert notice_reminders_send() == 0  # overdue: finance's list, no more reminders


def test_a_paid_notice_gets_no_reminder(notice, clock, factory):
    clock(D(2026, 11, 10))
    payment_confirm(
        actor=factory.finance(),
        notice=notice,
        amount=notice.amount,
        paid_on=D(2026, 11, 10),
        bank_reference="B1",
    )
    clock(D(2026, 11, 17))
    assert notice_reminders_send() == 0 and reminders(notice) == []


def test_a_missed_day_is_caught_up_within_the_days_before(notice, clock, settings):
    settings.NOTICE_REMINDER_DAYS_BEFORE = 5
    clock(D(2026, 11, 14))  # the timer did not run on the 12th
    assert notice_reminders_send() == 1
    assert "还有 3 天" in reminders(notice)[0].text


def test_finance_lists_the_overdue_notices_with_the_days_overdue(client, notice, clock, factory):
    finance = factory.finance()
    clock(D(2026, 11, 17))
    client.force_login(finance)  # (a session does not outlive the clock's jumps)
    assert notice.number not in client.get(reverse("billing:overdue")).content.decode()  # due today
    clock(D(2026, 11, 27))
    client.force_login(finance)
    page = client.get(reverse("billing:overdue")).content.decode()
    assert notice.number in page and "10 天" in page
    client.force_login(notice.application.unit.agent)
    assert client.get(reverse("billing:overdue")).status_code == 403


def test_void_goes_through_the_engine_with_its_reason_and_is_final(notice, clock, factory):
    clock(D(2026, 11, 27))
    finance = factory.finance()
    with pytest.raises(DomainError, match="请填写作废原因"):
        notice_void(actor=finance, notice=notice, reason="")
    notice_void(actor=finance, notice=notice, reason="逾期未缴费，单位放弃参保")
    case = notice.application.case
    case.refresh_from_db()
    assert case.status == Status.VOIDED and case.decided_at is not None
    move = Transition.objects.get(case=case, action=Action.VOID)
    assert (move.from_status, move.to_status, move.reason) == (
        "approved",
        "voided",
        "逾期未缴费，单位放弃参保",
    )
    with pytest.raises(InvalidTransition):
        notice_void(actor=finance, notice=notice, reason="再次")
    with pytest.raises(InvalidTransition):  # a voided notice is not paid any more
        payment_confirm(
            actor=finance, notice=notice, amount=notice.amount, paid_on=D(2026, 11, 27), bank_reference="B2"
        )
    message = Notification.objects.filter(case=case, kind=Notification.Kind.CASE).latest("id")
    assert "缴费通知单已由财务作废。原因：逾期未缴费，单位放弃参保" in message.text


def test_a_paid_notice_cannot_be_voided_and_only_finance_voids(notice, clock, factory):
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        notice_void(actor=factory.city_reviewer(), notice=notice, reason="x")
    clock(D(2026, 11, 10))
    finance = factory.finance()
    payment_confirm(
        actor=finance, notice=notice, amount=notice.amount, paid_on=D(2026, 11, 10), bank_reference="B"
    )
    with pytest.raises(InvalidTransition, match="已确认收款，不能作废"):
        notice_void(actor=finance, notice=notice, reason="x")


def test_the_agent_sees_the_void_and_may_apply_again_for_the_same_period(client, notice, clock, factory):
    clock(D(2026, 11, 27))
    client.force_login(factory.finance())
    response = client.post(reverse("billing:notice_void", args=[notice.pk]), {"reason": "逾期未缴费"})
    assert response.status_code == 302
    application = notice.application
    agent = application.unit.agent
    client.force_login(agent)
    listing = client.get(reverse("enrollment:list")).content.decode()
    assert "已作废" in listing
    detail = client.get(reverse("enrollment:detail", args=[application.pk])).content.decode()
    assert "已作废" in detail and "逾期未缴费" in detail
    again = factory.application(
        application.unit, period_start=application.period_start, rows=factory.people(3)
    )
    assert again.pk != application.pk and again.case.status == Status.DRAFT
    assert (
        Application.objects.filter(unit=application.unit, period_start=application.period_start).count() == 2
    )


def test_the_void_view_refuses_an_empty_reason_and_changes_nothing(client, notice, factory):
    client.force_login(factory.finance())
    response = client.post(reverse("billing:notice_void", args=[notice.pk]), {"reason": ""}, follow=True)
    assert "请填写作废原因" in response.content.decode()
    notice.application.case.refresh_from_db()
    assert notice.application.case.status == Status.APPROVED
