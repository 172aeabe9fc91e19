from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "保障计划"

    def ready(self):
        from core import navigation
        from plans.navigation import MENU

        navigation.register(*MENU)
