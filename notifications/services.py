"""Tell the agent about every status change of their businesses: an in-app message (same transaction as
the change) and an SMS through the pluggable backend, sent by the background worker after the commit (so
nothing leaves early and a slow SMS gateway never holds up the reviewer's page)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.sms import send_sms
from notifications.models import Notification


def notify_case_transition(*, case, transition) -> Notification | None:
    """Called by the review engine for each move; the agent's own moves (上报/删除) need no message."""
    if transition.actor_id == case.agent_id or transition.to_status == "deleted":
        return None
    agent = User.objects.filter(pk=case.agent_id, is_active=True).first()
    if agent is None:
        return None
    what = f"您的{case.get_kind_display()}“{case.title}”"
    text = f"{what}{transition.get_action_display()}，当前状态：{transition.to_label}"
    if transition.reason and transition.action in ("return", "reject"):
        text += f"。原因：{transition.reason}"
    notification = Notification.objects.create(recipient=agent, case=case, text=text[:300])
    if agent.mobile:
        from notifications.tasks import send_notification_sms

        transaction.on_commit(lambda: send_notification_sms.enqueue(notification.pk))
    return notification


def notification_sms_send(*, notification_id: int) -> bool:
    """Send the SMS of one message unless it was sent already (a task re-run after its worker died).

    At least once: the message is marked sent after the gateway accepted it, so a worker killed between
    the two sends it again on the re-run — a duplicate SMS rather than a lost one.
    """
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id, sms_sent_at=None).first()
    )
    if notification is None or not notification.recipient.mobile:
        return False
    send_sms(notification.recipient.mobile, f"【职工互助保障】{notification.text[:120]}")
    Notification.objects.filter(pk=notification.pk, sms_sent_at=None).update(sms_sent_at=timezone.now())
    return True


def notifications_mark_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
