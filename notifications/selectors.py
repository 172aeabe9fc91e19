"""消息通知 as the person reads them: only their own messages."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from notifications.models import Notification


def notifications_for(actor) -> QuerySet[Notification]:
    """ACTOR's messages, newest first (the model's order), with their case."""
    if not actor.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor).select_related("case")


def notification_get_for(actor, pk) -> Notification:
    """One of ACTOR's messages; 404 for anyone else's."""
    return get_object_or_404(notifications_for(actor), pk=pk)
