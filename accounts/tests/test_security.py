"""Login protection, passwords, sessions and headers (issue 10 · 等保 2.0 身份鉴别 / ASVS V2, V3, V14)."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.models import User
from core.models import AuditLog
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # 17:00 in Qingdao
STRONG = "Qingdao#Union2026"


def login(client, username, password, ip="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def agent(factory):
    return factory.agent(mobile="13912345678")


# --- lockout (django-axes) ---------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_from_that_client_with_a_retry_time(client, agent):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            assert login(client, agent.mobile, "Wrong@2026").status_code == 200
        locked = login(client, agent.mobile, "Wrong@2026")
        right_password = login(client, agent.mobile, PASSWORD)

    assert locked.status_code == 429
    assert "登录失败次数过多，账号已临时锁定。请在 17:15 之后再试（约15分钟后）" in locked.text
    assert right_password.status_code == 429
    assert not logged_in(client)


def test_the_lock_holds_for_the_account_whatever_name_is_typed_but_not_for_other_clients(client, agent):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            login(client, agent.mobile, "Wrong@2026")
        assert login(client, agent.id_number.lower(), PASSWORD).status_code == 429  # same account
        assert login(client, agent.mobile, PASSWORD, ip="10.1.2.3").status_code == 302  # another client


def test_the_lock_ends_after_fifteen_minutes(client, agent):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            login(client, agent.mobile, "Wrong@2026")
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        assert login(client, agent.mobile, PASSWORD).status_code == 302
        assert logged_in(client)


def test_the_limit_and_the_lock_period_are_settings(client, agent, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=60)
    with time_machine.travel(START, tick=False):
        login(client, agent.mobile, "Wrong@2026")
        response = login(client, agent.mobile, "Wrong@2026")
    assert response.status_code == 429
    assert "请在 18:00 之后再试" in response.text


@pytest.mark.django_db
def test_an_unknown_account_locks_the_same_way_so_the_lock_reveals_nothing(client):
    with time_machine.travel(START, tick=False):
        answers = [login(client, "13999999999", "Wrong@2026").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]


def test_every_failure_and_the_lock_are_logged(client, agent):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            login(client, agent.mobile, "Wrong@2026", ip="10.9.8.7")

    failures = AuditLog.objects.filter(verb="login_failed")
    assert failures.count() == 5
    assert set(failures.values_list("object_repr", "ip_address")) == {(agent.username, "10.9.8.7")}
    assert AuditLog.objects.filter(verb="lockout", object_repr=agent.username).exists()
    assert AccessFailureLog.objects.filter(username=agent.username).count() == 5


def test_the_administrator_unlocks_an_account_on_the_lockout_screen(client, factory, agent):
    admin = factory.staff(User.Role.ADMIN, username="admin")
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            login(client, agent.mobile, "Wrong@2026")
        staff_client = client.__class__()
        staff_client.force_login(admin)
        screen = staff_client.get("/audit/lockouts/")
        assert screen.status_code == 200 and agent.username in screen.text and "已锁定" in screen.text
        attempt = AccessAttempt.objects.get(username=agent.username)
        staff_client.post(f"/audit/lockouts/{attempt.pk}/unlock/")

        assert login(client, agent.mobile, PASSWORD).status_code == 302
    release = AuditLog.objects.get(verb="lockout_release")
    assert release.actor == admin and release.object_repr == agent.username


def test_only_the_administrator_sees_or_uses_the_lockout_screen(client, factory, agent):
    client.force_login(factory.city_reviewer())
    assert client.get("/audit/lockouts/").status_code == 403


def test_the_admin_site_login_is_the_application_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


# --- passwords -----------------------------------------------------------------------------------------


def test_a_pbkdf2_hash_is_upgraded_to_argon2_at_login(client, agent, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    User.objects.filter(pk=agent.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))

    assert login(client, agent.mobile, PASSWORD).status_code == 302

    agent.refresh_from_db()
    assert agent.password.startswith("argon2$argon2id$")
    assert agent.check_password(PASSWORD)


def test_new_passwords_are_hashed_with_argon2_by_default(settings):
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert make_password(STRONG).startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("wangwu123", "至少需要10位"),
        ("zhangsan2026", "至少三类"),
        ("mutualaid", "至少需要10位"),
        ("abcdefghijk", "至少三类"),
        ("Password123", "过于常见"),
        ("Ab1!", "至少需要10位"),
    ],
)
def test_the_password_policy_refuses_short_simple_and_common_passwords(password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(message in text for text in error.value.messages)


def test_the_password_may_not_contain_the_username_mobile_or_id_number(factory):
    agent = factory.agent(mobile="13912345678")
    for password in ("Ab#13912345678", f"x#{agent.id_number}", "Zhang#" + agent.username):
        with pytest.raises(ValidationError, match="不能包含账号、手机号或身份证号"):
            validate_password(password, agent)
    validate_password(STRONG, agent)


def test_a_password_change_goes_through_the_policy_and_is_audited(client, agent):
    client.force_login(agent)
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "zhangsan2026", "new_password2": "zhangsan2026"},
    )
    assert weak.status_code == 200 and "至少三类" in weak.text
    assert AuditLog.objects.get(verb="password_change", outcome="refused").actor == agent

    ok = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG}
    )
    assert ok.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(STRONG)
    assert AuditLog.objects.filter(verb="password_change", outcome="success", actor=agent).exists()
    assert logged_in(client)  # the session survives the person's own change


def test_a_staff_password_expires_after_ninety_days_and_must_be_changed_first(client, factory):
    with time_machine.travel(START, tick=False) as clock:
        reviewer = factory.city_reviewer(username="city2")
        clock.shift(datetime.timedelta(days=89))
        response = client.post(LOGIN, {"username": "city2", "password": PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == "/review/"
        client.logout()

        clock.shift(datetime.timedelta(days=1))
        response = client.post(LOGIN, {"username": "city2", "password": PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == "/accounts/password/"
        assert "您的密码已超过90天未修改，请先修改密码" in response.text
        assert client.get("/review/").url == "/accounts/password/"  # every page until it is changed

        client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
        )
        assert client.get("/review/").status_code == 200
    reviewer.refresh_from_db()
    assert reviewer.password_changed_at == START + datetime.timedelta(days=90)


def test_agents_passwords_do_not_expire(client, agent):
    with time_machine.travel(START, tick=False) as clock:
        clock.shift(datetime.timedelta(days=400))
        response = client.post(LOGIN, {"username": agent.mobile, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/units/"


def superuser(factory, username="root"):
    admin = factory.staff(User.Role.ADMIN, username=username)
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    admin.refresh_from_db()
    return admin


def test_an_account_created_by_the_administrator_changes_its_initial_password_at_first_login(client, factory):
    client.force_login(superuser(factory))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newfinance",
            "password1": STRONG,
            "password2": STRONG,
            "usable_password": "true",
            "role": "finance",
            "real_name": "新财务",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newfinance")
    assert user.password_changed_at is None
    client.logout()

    response = client.post(LOGIN, {"username": "newfinance", "password": STRONG}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/"
    assert "首次登录请先修改管理员设置的初始密码" in response.text


# --- sessions and headers --------------------------------------------------------------------------


def test_thirty_minutes_without_a_request_end_the_session_with_a_notice(client, agent):
    with time_machine.travel(START, tick=False) as clock:
        login(client, agent.mobile, PASSWORD)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/units/").status_code == 200
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/units/").status_code == 200  # activity keeps it alive
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/units/")
    assert response.status_code == 302 and response.url == "/accounts/login/?timeout=idle"
    assert not logged_in(client)
    page = client.get(response.url)
    assert "您已超过30分钟未操作，为保护账户安全已自动退出，请重新登录。" in page.text
    assert AuditLog.objects.filter(verb="session_timeout", actor=agent).exists()


def test_a_session_ends_after_the_absolute_lifetime_even_when_active(client, agent, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 2 * 60 * 60
    with time_machine.travel(START, tick=False) as clock:
        login(client, agent.mobile, PASSWORD)
        for _ in range(6):
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get("/units/").status_code == 200
        clock.shift(datetime.timedelta(minutes=1))
        response = client.get("/units/")
    assert response.url == "/accounts/login/?timeout=absolute"
    assert "本次登录已满2小时" in client.get(response.url).text


def test_the_login_page_states_the_session_and_lockout_rules(client):
    text = client.get(LOGIN).text
    assert "连续5次密码错误将锁定15分钟；30分钟无操作或登录满12小时将自动退出" in text


def test_signed_in_pages_downloads_and_api_answers_are_not_stored_by_caches(client, factory):
    application = factory.application()
    client.force_login(application.unit.agent)
    page = client.get("/units/")
    download = client.get(f"/enrollment/{application.pk}/roster/template/")
    api = client.get("/api/v1/units")
    for response in (page, download, api):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_every_page_carries_a_content_security_policy_without_inline_code(client):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
