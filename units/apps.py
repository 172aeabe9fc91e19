from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "单位信息管理"

    def ready(self):
        from core import navigation
        from review.registry import register
        from units.business import UnitBindingBusiness, UnitChangeBusiness, UnitRegistration
        from units.navigation import MENU

        register(UnitRegistration())
        register(UnitChangeBusiness())
        register(UnitBindingBusiness())
        navigation.register(*MENU)
