"""The engine publishes each move through review.registry.case_moved; it does not know who listens."""

import pytest

from notifications.models import Notification
from notifications.services import notify_case_transition
from review.engine import case_transition
from review.models import Action, Transition
from review.registry import case_moved

pytestmark = pytest.mark.django_db


def test_notifications_is_the_one_subscriber_to_the_engines_moves():
    assert case_moved.subscribers == (notify_case_transition,)


def test_a_subscriber_hears_the_case_and_its_timeline_row(factory, monkeypatch):
    unit = factory.submitted_unit()
    heard = []
    monkeypatch.setattr(
        case_moved, "_subscribers", [*case_moved.subscribers, lambda **facts: heard.append(facts)]
    )

    case = case_transition(
        case=unit.registration_case, action=Action.RETURN, actor=factory.district_reviewer(), reason="缺材料"
    )

    [facts] = heard
    assert facts["case"].pk == case.pk and facts["case"].status == case.status
    assert facts["transition"] == Transition.objects.filter(case=case).latest("id")
    assert Notification.objects.filter(recipient=unit.agent, case=case).count() == 1  # notifications too


def test_a_failing_subscriber_rolls_the_move_back(factory, monkeypatch):
    def refuse(**facts):
        raise RuntimeError("subscriber failed")

    unit = factory.submitted_unit()
    monkeypatch.setattr(case_moved, "_subscribers", [refuse])
    before = Transition.objects.count()

    with pytest.raises(RuntimeError):
        case_transition(case=unit.registration_case, action=Action.APPROVE, actor=factory.district_reviewer())

    unit.registration_case.refresh_from_db()
    assert unit.registration_case.current_step.actor == "district" and Transition.objects.count() == before
