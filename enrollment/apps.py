from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = "参保业务经办"

    def ready(self):
        from enrollment.business import Enrollment
        from review.registry import register

        register(Enrollment())
