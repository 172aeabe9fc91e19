from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "安全审计"

    def ready(self):
        from audit.navigation import MENU
        from core import navigation

        navigation.register(*MENU)
