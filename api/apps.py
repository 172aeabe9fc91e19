from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "接口"

    def ready(self):
        from api.navigation import MENU
        from core import navigation

        navigation.register(*MENU)
