from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "组织机构"

    def ready(self):
        from core import navigation
        from orgs.navigation import MENU

        navigation.register(*MENU)
