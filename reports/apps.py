from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计报表"

    def ready(self):
        from core import navigation
        from reports.navigation import MENU

        navigation.register(*MENU)
