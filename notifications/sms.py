"""The SMS of a message, sent by the background worker after the commit (notifications.tasks)."""

from django.utils import timezone

from accounts.sms import send_sms
from notifications.models import Notification

SMS_PREFIX = "【职工互助保障】"


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
    send_sms(notification.recipient.mobile, f"{SMS_PREFIX}{notification.text[:120]}")
    Notification.objects.filter(pk=notification.pk, sms_sent_at=None).update(sms_sent_at=timezone.now())
    return True
