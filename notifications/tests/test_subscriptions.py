"""notifications subscribes to the events of the apps it writes about; none of them imports it."""

from notifications.services import notify_case_transition, notify_unbound
from review.registry import case_moved
from units.hooks import binding_applied


def test_notifications_hears_every_move_of_a_case_and_every_unit_bound_away():
    assert notify_case_transition in case_moved.subscribers
    assert binding_applied.subscribers == (notify_unbound,)
