from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "缴费与收款"

    def ready(self):
        from billing.navigation import MENU
        from billing.services import payment_notice_issue
        from core import navigation
        from enrollment.hooks import application_approved

        navigation.register(*MENU)
        application_approved.subscribe(payment_notice_issue)  # the 缴费通知单 at the final approval
