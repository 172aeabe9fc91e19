"""个人中心 → 消息通知 for everyone, and the bell's count of unread messages."""

from core.navigation import Entry, everyone
from notifications.models import Notification


def unread_notifications(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


MENU = (Entry("personal", 10, "消息通知", "notifications:list", everyone),)
