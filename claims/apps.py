from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "保障金业务经办"

    def ready(self):
        from claims.business import ClaimBusiness
        from claims.navigation import MENU
        from core import navigation
        from review.registry import register

        register(ClaimBusiness())
        navigation.register(*MENU)
