"""DJANGO_ENV=production refuses to start with an insecure or missing setting, and says which.

Each check receives the finished settings (a dict: the settings module's globals) and the environment,
and returns a sentence naming the variable to fix, or None. `config/settings.py` runs them all as its last
step, so `gunicorn`, `manage.py worker` and `manage.py check --deploy` all refuse alike. To add a rule,
write one more function with `@check` (e.g. an encryption key that must be set).
"""

from collections.abc import Callable, Mapping

from django.core.exceptions import ImproperlyConfigured

Check = Callable[[Mapping, Mapping], str | None]
CHECKS: list[Check] = []

# An account number that must never be printed on a real notice (the old built-in default); the demo values
# of `make run` (Makefile) are marked 演示 and refused by that mark.
PLACEHOLDER_BANK_ACCOUNT = "3803 0200 0920 0000 000"
DEMO_MARK = "演示"
UNION_ACCOUNT_VARIABLES = ("UNION_ACCOUNT_NAME", "UNION_BANK_NAME", "UNION_BANK_ACCOUNT")


def check(func: Check) -> Check:
    CHECKS.append(func)
    return func


@check
def debug_is_off(settings, env):
    if settings["DEBUG"]:
        return "DEBUG 必须关闭（DEBUG=0）：调试页面会显示代码和数据"
    return None


@check
def secret_key_is_strong(settings, env):
    key = env.get("SECRET_KEY", "")
    if not key:
        return "SECRET_KEY 未设置：请设置一个至少 50 个字符的随机字符串（所有 Web 节点相同）"
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
        return "SECRET_KEY 不安全：至少 50 个字符、不以 django-insecure 开头的随机字符串"
    return None


@check
def allowed_hosts_are_named(settings, env):
    hosts = settings["ALLOWED_HOSTS"]
    if not env.get("ALLOWED_HOSTS") or not hosts:
        return "ALLOWED_HOSTS 未设置：请填写站点域名，例如 ALLOWED_HOSTS=hz.example.org"
    if "*" in hosts:
        return "ALLOWED_HOSTS 不能包含 *：请逐个填写站点域名"
    return None


@check
def csrf_origins_are_https(settings, env):
    plain = [origin for origin in settings["CSRF_TRUSTED_ORIGINS"] if not origin.startswith("https://")]
    if plain:
        return f"CSRF_TRUSTED_ORIGINS 只能是 https:// 地址：{', '.join(plain)}"
    return None


@check
def union_account_is_real(settings, env):
    missing = [name for name in UNION_ACCOUNT_VARIABLES if not env.get(name, "").strip()]
    if missing:
        return f"{'、'.join(missing)} 未设置：缴费通知单上必须印工会的真实收款账户"
    if env["UNION_BANK_ACCOUNT"].strip() == PLACEHOLDER_BANK_ACCOUNT:
        return "UNION_BANK_ACCOUNT 仍是演示账号：请填写工会的真实收款账号"
    demo = [name for name in UNION_ACCOUNT_VARIABLES if DEMO_MARK in env[name]]
    if demo:
        return f"{'、'.join(demo)} 仍是演示数据：缴费通知单上必须印工会的真实收款账户"
    return None


@check
def encryption_keys_are_set(settings, env):
    keys = settings.get("FIELD_ENCRYPTION_KEYS") or []
    if not keys:
        return (
            "FIELD_ENCRYPTION_KEYS 未设置：银行账号、诊断和上传文件须用独立的 Fernet 密钥加密保存"
            "（生成方法见 SECURITY.md：Fernet.generate_key()）"
        )
    from cryptography.fernet import Fernet

    try:
        for key in keys:
            Fernet(key.encode())
    except (ValueError, TypeError):
        return "FIELD_ENCRYPTION_KEYS 格式不正确：每个密钥须是 Fernet.generate_key() 生成的 44 个字符"
    return None


def problems(settings: Mapping, env: Mapping) -> list[str]:
    return [problem for rule in CHECKS if (problem := rule(settings, env))]


def refuse_insecure(settings: Mapping, env: Mapping) -> None:
    found = problems(settings, env)
    if found:
        lines = "\n".join(f"  - {problem}" for problem in found)
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production 拒绝启动，请先修正以下配置（见 docs/deploy.md）：\n{lines}"
        )
