"""Staff hear of work waiting at their step: a count badge on the menu entry (and on the phone's ☰) and
one 每日待办 message a day in the message centre (manage.py daily_digest)."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from notifications.services import daily_digest_send
from review.engine import case_transition
from review.models import Action
from tests.clients import client_for

pytestmark = pytest.mark.django_db


def badges(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-waiting="([\w:]+)"[^>]*>(\d+)<', page))


def test_reviewers_see_how_many_items_wait_at_their_step(factory):
    factory.submitted_unit(org="市南区")
    factory.submitted_unit(org="市南区")
    factory.submitted_unit(org="市北区")
    shinan, city = factory.district_reviewer("市南区"), factory.city_reviewer()

    page = client_for(shinan).get("/review/").content.decode()
    assert badges(page) == {"review:queue": "2"}  # only his district, only his step
    assert 'id="menu-waiting">2<' in page  # on the phone's ☰ too
    assert badges(client_for(city).get("/review/").content.decode()) == {}  # nothing at the city step yet

    unit = factory.submitted_unit(org="市南区")
    case_transition(case=unit.registration_case, action=Action.APPROVE, actor=shinan)
    assert badges(client_for(city).get("/review/").content.decode()) == {"review:queue": "1"}


def test_finance_sees_notices_awaiting_payment_and_claims_awaiting_payout(factory):
    factory.approved_application(rows=factory.people(2))
    page = client_for(factory.finance()).get("/billing/").content.decode()
    assert badges(page) == {"billing:workbench": "1"}


def test_agents_get_no_waiting_badges(factory):
    unit = factory.submitted_unit()
    assert badges(client_for(unit.agent).get("/units/").content.decode()) == {}


def test_the_daily_digest_tells_each_staff_member_what_waits_once_a_day(factory, time_machine):
    time_machine.move_to(timezone.now() - datetime.timedelta(days=3), tick=False)
    factory.submitted_unit(org="市南区")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=3), tick=False)
    factory.submitted_unit(org="市南区")
    shinan, city, finance = factory.district_reviewer(), factory.city_reviewer(), factory.finance()
    today = timezone.localdate()

    assert daily_digest_send() == 1  # city and finance have nothing waiting: no message for them
    digest = Notification.objects.get(recipient=shinan)
    assert digest.kind == Notification.Kind.DIGEST and digest.digest_on == today
    assert digest.text == (
        f"今日待办（{today.month}月{today.day}日）：待审核业务 2 件，最早的一件已等待 3 天。请及时办理。"
    )
    assert not Notification.objects.filter(recipient__in=[city, finance]).exists()

    factory.submitted_unit(org="市南区")
    call_command("daily_digest")  # again the same day: the same message, refreshed
    digest = Notification.objects.get(recipient=shinan)
    assert "待审核业务 3 件" in digest.text

    response = client_for(shinan).get(f"/notifications/{digest.pk}/")
    assert response["Location"] == "/review/"
    listing = client_for(shinan).get("/notifications/").content.decode()
    assert "每日待办" in listing and digest.text in listing


def test_the_finance_digest_counts_overdue_notices(factory, time_machine):
    time_machine.move_to(timezone.now() - datetime.timedelta(days=20), tick=False)
    factory.approved_application(rows=factory.people(1))  # due 15 days after approval: now overdue
    time_machine.move_to(timezone.now() + datetime.timedelta(days=20), tick=False)
    finance = factory.finance()
    daily_digest_send()
    text = Notification.objects.get(recipient=finance).text
    assert "待收款确认 1 笔（其中 1 笔已过缴费截止日期），最早的一笔已等待 20 天" in text
    assert "待保障金给付" not in text
