from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "审核"

    def ready(self):
        from core import navigation
        from core.templatetags.ui import register_status_badges
        from review.models import STATUS_BADGES
        from review.navigation import MENU

        navigation.register(*MENU)
        register_status_badges({str(status): css for status, css in STATUS_BADGES.items()})
