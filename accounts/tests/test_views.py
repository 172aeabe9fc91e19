"""Login (mobile, ID number or staff username) and the 立即注册 page, through the Django test client."""

import re

import pytest

from accounts import sms
from accounts.models import User
from core.samples import demo_id
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
ID_WITH_X = demo_id("37020219900101100")


def logged_in_user_id(client):
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


@pytest.fixture
def agent(factory):
    return factory.agent(name="王小明", mobile="13912345678", id_number=ID_WITH_X)


@pytest.mark.django_db
def test_the_login_page_asks_for_mobile_id_number_or_username(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert "代办员使用手机号或身份证号登录" in response.text
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["13912345678", ID_WITH_X, ID_WITH_X.lower(), f" {ID_WITH_X.lower()} "])
def test_an_agent_logs_in_with_mobile_or_id_number(client, agent, typed):
    response = client.post(LOGIN, {"username": typed, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert logged_in_user_id(client) == agent.pk


@pytest.mark.django_db
def test_after_login_an_agent_lands_on_the_unit_list(client, agent):
    response = client.post(LOGIN, {"username": agent.mobile, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/units/"


@pytest.mark.django_db
def test_a_staff_member_logs_in_with_the_username(client, factory):
    reviewer = factory.district_reviewer(username="shinan")

    response = client.post(LOGIN, {"username": "shinan", "password": PASSWORD}, follow=True)

    assert logged_in_user_id(client) == reviewer.pk
    assert response.redirect_chain[-1][0] == "/review/"


@pytest.mark.django_db
def test_a_wrong_password_shows_an_error_and_does_not_log_in(client, agent):
    response = client.post(LOGIN, {"username": agent.mobile, "password": "Wrong@2026"})

    assert response.status_code == 200
    assert "账号或密码错误。代办员请使用手机号或身份证号登录。" in response.text
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_an_unknown_account_shows_the_same_error(client):
    response = client.post(LOGIN, {"username": "13900000000", "password": PASSWORD})

    assert "账号或密码错误" in response.text
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_a_deactivated_account_cannot_log_in(client, agent):
    User.objects.filter(pk=agent.pk).update(is_active=False)

    client.post(LOGIN, {"username": agent.mobile, "password": PASSWORD})

    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_pages_need_a_login(client):
    response = client.get("/units/")

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


# --- 立即注册 ---------------------------------------------------------------------------------------


def request_code(client, mobile, capture):
    with capture(execute=True):
        return client.post("/accounts/register/sms-code/", {"mobile": mobile})


REGISTRATION = {
    "real_name": "李小红",
    "id_number": ID_WITH_X.lower(),
    "mobile": "13698765432",
    "password1": "Hongqiao@2026",
    "password2": "Hongqiao@2026",
}


@pytest.mark.django_db
def test_an_agent_registers_through_the_page_and_can_then_log_in(client, django_capture_on_commit_callbacks):
    sent = request_code(client, "13698765432", django_capture_on_commit_callbacks)
    assert "验证码已发送，5分钟内有效" in sent.text
    assert 'data-sms-ok="1"' in sent.text
    code = re.search(r"验证码是(\d{6})", sms.outbox[-1][1]).group(1)

    response = client.post("/accounts/register/", {**REGISTRATION, "sms_code": code}, follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert "注册成功，实名认证已通过" in response.text
    user = User.objects.get(mobile="13698765432")
    assert (user.real_name, user.id_number, user.role) == ("李小红", ID_WITH_X, User.Role.AGENT)
    client.post(LOGIN, {"username": ID_WITH_X.lower(), "password": "Hongqiao@2026"})
    assert logged_in_user_id(client) == user.pk


@pytest.mark.django_db
def test_a_wrong_code_on_the_page_shows_the_reason_and_creates_nothing(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("accounts.services.secrets.randbelow", lambda _: 246810)
    request_code(client, "13698765432", django_capture_on_commit_callbacks)

    response = client.post("/accounts/register/", {**REGISTRATION, "sms_code": "000000"})

    assert response.status_code == 200
    assert "验证码错误，还可尝试 4 次" in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_mismatched_passwords_are_shown_on_the_page(client):
    response = client.post(
        "/accounts/register/", {**REGISTRATION, "password2": "Other@2026", "sms_code": "123456"}
    )

    assert "两次输入的密码不一致" in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_invalid_mobile_gets_a_one_line_error_instead_of_a_code(client):
    response = client.post("/accounts/register/sms-code/", {"mobile": "12345"})

    assert response.status_code == 200
    assert "请先填写正确的11位手机号" in response.text
    assert 'data-sms-ok="0"' in response.text
    assert not sms.outbox


@pytest.mark.django_db
def test_asking_again_within_sixty_seconds_shows_the_wait(client, django_capture_on_commit_callbacks):
    request_code(client, "13698765432", django_capture_on_commit_callbacks)

    again = request_code(client, "13698765432", django_capture_on_commit_callbacks)

    assert "验证码已发送，请 60 秒后再试" in again.text
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_the_sms_endpoint_only_accepts_post(client):
    assert client.get("/accounts/register/sms-code/").status_code == 405


@pytest.mark.django_db
def test_a_logged_in_user_is_sent_away_from_the_register_page(client, agent):
    client.force_login(agent)

    response = client.get("/accounts/register/")

    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.django_db
def test_the_password_change_page_opens_with_the_password_rules(client, agent):
    client.force_login(agent)
    response = client.get("/accounts/password/")
    assert response.status_code == 200
    assert "至少10位，包含大写字母、小写字母、数字、符号中的至少三类" in response.text
    assert "&lt;" not in response.text  # help texts are never shown as escaped HTML
