from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "接口"

    def ready(self):
        from accounts.hooks import credentials_withdrawn
        from api.navigation import MENU
        from api.services import api_tokens_revoke_all
        from core import navigation

        navigation.register(*MENU)
        credentials_withdrawn.subscribe(api_tokens_revoke_all)  # 修改密码 / 停用 revoke the API tokens
