from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        from core import navigation
        from notifications.navigation import MENU, unread_notifications

        navigation.register(*MENU)
        navigation.register_header_count("unread_notifications", unread_notifications)
