from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = "参保业务经办"

    def ready(self):
        from core import navigation
        from enrollment.business import Enrollment
        from enrollment.navigation import MENU
        from review.registry import register

        register(Enrollment())
        navigation.register(*MENU)
