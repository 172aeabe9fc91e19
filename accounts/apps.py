from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与实名认证"

    def ready(self):
        from accounts import signals  # noqa: F401 — login events into the audit trail
        from accounts.navigation import MENU
        from core import navigation

        navigation.register(*MENU)
