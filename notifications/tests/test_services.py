"""Agents hear of every status change of their businesses that someone else made."""

import pytest

from accounts import sms
from core.errors import NotAllowed
from notifications.models import Notification
from notifications.services import notification_sms_send
from review.engine import case_transition
from review.models import Action
from tests.tasks import run_queued_tasks


@pytest.fixture
def submitted(factory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return factory.submitted_unit()


def test_the_agents_own_submission_sends_no_message(submitted):
    assert not Notification.objects.filter(recipient=submitted.agent).exists()


def test_a_return_tells_the_agent_with_the_reason_in_app_and_by_sms(
    factory, submitted, django_capture_on_commit_callbacks
):
    reviewer = factory.district_reviewer("市南区")
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case=submitted.registration_case, action=Action.RETURN, actor=reviewer, reason="批复文件不清晰"
        )
    message = Notification.objects.get(recipient=submitted.agent)
    assert message.text == f"您的单位注册“{submitted.name}”退回，当前状态：退回。原因：批复文件不清晰"
    assert message.read_at is None
    assert sms.outbox == []  # the SMS goes out from the background worker, not the reviewer's request

    run_queued_tasks()

    assert sms.outbox == [(submitted.agent.mobile, f"【职工互助保障】{message.text}")]
    message.refresh_from_db()
    assert message.sms_sent_at is not None


def test_a_re_run_sms_task_does_not_send_the_message_twice(
    factory, submitted, django_capture_on_commit_callbacks
):
    reviewer = factory.district_reviewer("市南区")
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=submitted.registration_case, action=Action.APPROVE, actor=reviewer)
    message = Notification.objects.get(recipient=submitted.agent)
    run_queued_tasks()

    assert notification_sms_send(notification_id=message.pk) is False  # what a re-queued task would do

    assert len(sms.outbox) == 1


def test_no_message_or_sms_survives_a_refused_transition(
    factory, submitted, django_capture_on_commit_callbacks
):
    city = factory.city_reviewer()  # not the city's step yet: refused
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        case_transition(case=submitted.registration_case, action=Action.APPROVE, actor=city)
    assert not Notification.objects.exists()
    run_queued_tasks()
    assert sms.outbox == []


def test_opening_a_message_marks_it_read_and_leads_to_the_business(client, factory, submitted):
    case_transition(
        case=submitted.registration_case, action=Action.APPROVE, actor=factory.district_reviewer()
    )
    message = Notification.objects.get(recipient=submitted.agent)
    client.force_login(submitted.agent)
    response = client.get(f"/notifications/{message.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/units/{submitted.pk}/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_the_bell_counts_unread_messages(client, factory, submitted):
    case_transition(
        case=submitted.registration_case, action=Action.APPROVE, actor=factory.district_reviewer()
    )
    client.force_login(submitted.agent)
    page = client.get("/units/").content.decode()
    assert 'id="unread-count">1<' in page
    client.post("/notifications/read-all/")
    assert 'id="unread-count"' not in client.get("/units/").content.decode()


def test_another_users_message_is_not_found(client, factory, submitted):
    case_transition(
        case=submitted.registration_case, action=Action.APPROVE, actor=factory.district_reviewer()
    )
    message = Notification.objects.get(recipient=submitted.agent)
    client.force_login(factory.agent())
    assert client.get(f"/notifications/{message.pk}/").status_code == 404
