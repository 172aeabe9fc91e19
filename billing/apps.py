from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "缴费与收款"

    def ready(self):
        from billing.navigation import MENU
        from core import navigation

        navigation.register(*MENU)
