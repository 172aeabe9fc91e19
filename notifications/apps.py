from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        from core import navigation
        from notifications.navigation import MENU, unread_notifications
        from notifications.services import notify_case_transition, notify_unbound
        from review.registry import case_moved
        from units.hooks import binding_applied

        navigation.register(*MENU)
        navigation.register_header_count("unread_notifications", unread_notifications)
        case_moved.subscribe(notify_case_transition)  # the agent hears of every move of his business
        binding_applied.subscribe(notify_unbound)  # and the previous agent of a unit bound away
