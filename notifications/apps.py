from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        from core import navigation
        from notifications.navigation import MENU, unread_notifications
        from notifications.services import notify_case_transition
        from review.registry import case_moved

        navigation.register(*MENU)
        navigation.register_header_count("unread_notifications", unread_notifications)
        case_moved.subscribe(notify_case_transition)  # the agent hears of every move of his business
