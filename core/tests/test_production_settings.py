"""DJANGO_ENV=production refuses to start with an insecure or missing value and names it
(config/production.py); with the variables docs/deploy.md documents, `check --deploy` is clean."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.production import PLACEHOLDER_BANK_ACCOUNT

# The production variables of docs/deploy.md (values for a test).
DOCUMENTED = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3J9x-Qp7vNw2Lr8Zt5Yb4Hc6Fd1Gs0Ma9Ue3Ri7Oy2Tw5Xq8Vn4Kj6Pl1Mh0Zg",
    "ALLOWED_HOSTS": "hz.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://hz.example.org",
    "UNION_ACCOUNT_NAME": "青岛市总工会职工互助保障专户",
    "UNION_BANK_NAME": "中国工商银行青岛市分行营业部",
    "UNION_BANK_ACCOUNT": "3803 0200 1111 2222 333",
    "FIELD_ENCRYPTION_KEYS": "mO0Pp3QO4zJq5XvTKDmXqSmY7gMZ3D8sPUcmGwsrKjc=",
}


def manage(*args, env):
    # Without the test run's own variables (DJANGO_ALLOW_ASYNC_UNSAFE is set for Playwright).
    dropped = {*DOCUMENTED, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_variables():
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=DOCUMENTED)

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY 未设置"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "SECRET_KEY 不安全"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY 不安全"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS 未设置"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS 不能包含 *"),
        ({"DEBUG": "1"}, "DEBUG 必须关闭"),
        ({"UNION_BANK_ACCOUNT": None}, "UNION_BANK_ACCOUNT 未设置"),
        ({"UNION_BANK_ACCOUNT": PLACEHOLDER_BANK_ACCOUNT}, "UNION_BANK_ACCOUNT 仍是演示账号"),
        ({"UNION_BANK_NAME": "演示银行青岛分行（演示数据）"}, "UNION_BANK_NAME 仍是演示数据"),
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS 未设置"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "FIELD_ENCRYPTION_KEYS 格式不正确"),
        ({"CSRF_TRUSTED_ORIGINS": "http://hz.example.org"}, "CSRF_TRUSTED_ORIGINS 只能是 https://"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_production_refuses_to_start_and_names_the_setting(change, named):
    env = {k: v for k, v in {**DOCUMENTED, **change}.items() if v is not None}

    done = manage("check", env=env)

    assert done.returncode != 0
    assert "DJANGO_ENV=production 拒绝启动" in done.stderr
    assert named in done.stderr


def test_every_problem_is_listed_at_once():
    done = manage("check", env={"DJANGO_ENV": "production"})

    assert done.returncode != 0
    for named in (
        "SECRET_KEY 未设置",
        "ALLOWED_HOSTS 未设置",
        "UNION_ACCOUNT_NAME、UNION_BANK_NAME、UNION_BANK_ACCOUNT 未设置",
    ):
        assert named in done.stderr


def test_the_worker_refuses_too():
    """The same rules stop `manage.py worker` (and gunicorn, which loads the same settings)."""
    done = manage("worker", env={**DOCUMENTED, "SECRET_KEY": "short"})

    assert done.returncode != 0 and "SECRET_KEY 不安全" in done.stderr


def test_local_mode_with_debug_off_needs_no_variable_and_keeps_plain_http(tmp_path):
    """`make run`: DEBUG off on plain http — no https redirect, no Secure-only cookies, a kept secret key."""
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.ALLOWED_HOSTS)"
    )
    env = {"DEBUG": "0", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    first = manage("shell", "--no-imports", "-c", code, env=env)
    key = (tmp_path / "secret_key").read_text()

    assert first.returncode == 0, first.stderr
    assert first.stdout.split("\n")[0] == "False False False False ['127.0.0.1', 'localhost', '[::1]']"
    assert len(key) >= 50
    assert manage("shell", "--no-imports", "-c", code, env=env).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key  # sessions survive a restart
