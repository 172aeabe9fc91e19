"""接口令牌: expiry, revocation with the password and the account, lockout of a client guessing tokens."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from accounts.services import password_change
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from core.errors import NotAllowed
from core.models import AuditLog

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def get(client, key, ip="127.0.0.1"):
    return client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR=ip)


@pytest.fixture
def agent(factory):
    return factory.agent()


def test_a_token_expires_after_ninety_days(client, agent):
    with time_machine.travel(START, tick=False) as clock:
        token, key = api_token_create(actor=agent, name="人事系统")
        assert token.expires_at == START + datetime.timedelta(days=90)
        clock.shift(datetime.timedelta(days=89, hours=23))
        assert get(client, key).status_code == 200
        clock.shift(datetime.timedelta(hours=1))
        response = get(client, key)
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "token_expired",
        "message": "接口令牌已过期，请在“接口令牌”页面重新生成",
    }


def test_the_token_page_shows_expiry_and_last_use(client, agent):
    with time_machine.travel(START, tick=False):
        _token, key = api_token_create(actor=agent, name="人事系统")
        get(client, key)
        client.force_login(agent)
        page = client.get("/api/tokens/").text
    assert "有效期至" in page and "2026-05-31" in page
    assert "2026-03-02 17:00" in page  # 最近使用


def test_a_password_change_revokes_every_token(client, agent):
    _t1, key1 = api_token_create(actor=agent, name="人事系统")
    _t2, key2 = api_token_create(actor=agent, name="薪酬系统")

    password_change(actor=agent, new_password="Qingdao#Union2026")

    assert get(client, key1).status_code == 401
    assert get(client, key2).status_code == 401
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {"修改密码"}
    assert AuditLog.objects.filter(verb="api_token_revoke", actor=agent).count() == 2


def test_deactivating_the_account_in_admin_revokes_its_tokens(client, factory, agent):
    _token, key = api_token_create(actor=agent, name="人事系统")
    admin = factory.staff(User.Role.ADMIN, username="root")
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(pk=admin.pk))
    page = client.get(f"/admin/accounts/user/{agent.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "is_active"}
    data.update(
        {
            "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
            "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
        }
    )
    data = {k: v for k, v in data.items() if k not in ("date_joined", "last_login", "password")}
    response = client.post(f"/admin/accounts/user/{agent.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    agent.refresh_from_db()
    assert not agent.is_active
    assert ApiToken.objects.get().revoked_reason == "账号停用"
    assert get(client, key).status_code == 401
    assert AuditLog.objects.filter(verb="user_deactivate", object_id=str(agent.pk)).exists()


def test_creating_and_revoking_write_audit_rows(agent):
    token, _key = api_token_create(actor=agent, name="人事系统")
    api_token_revoke(actor=agent, token=token)

    created = AuditLog.objects.get(verb="api_token_create")
    revoked = AuditLog.objects.get(verb="api_token_revoke")
    assert (created.actor, created.object_id) == (agent, str(token.pk))
    assert revoked.changes["prefix"] == token.prefix


def test_only_agents_create_tokens_and_a_refusal_is_recorded(factory):
    reviewer = factory.city_reviewer()
    with pytest.raises(NotAllowed):
        api_token_create(actor=reviewer, name="x")
    assert AuditLog.objects.get(verb="api_token_create").outcome == "refused"


def test_another_persons_token_cannot_be_revoked(factory, agent):
    token, _key = api_token_create(actor=agent, name="人事系统")
    with pytest.raises(NotAllowed):
        api_token_revoke(actor=factory.agent(name="王五"), token=token)
    assert ApiToken.objects.get().revoked_at is None


def test_a_client_guessing_tokens_is_locked_out_even_with_a_valid_token(client, agent):
    _token, key = api_token_create(actor=agent, name="人事系统")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        answers = [get(client, f"mat_guess{n}", ip="10.0.0.5").status_code for n in range(5)]
        locked = get(client, key, ip="10.0.0.5")
        elsewhere = get(client, key, ip="10.0.0.6")
        clock.shift(datetime.timedelta(minutes=16))
        later = get(client, key, ip="10.0.0.5")

    assert answers == [401, 401, 401, 401, 429]
    assert locked.status_code == 429
    assert "该客户端已临时锁定" in locked.json()["error"]["message"]
    assert locked["Retry-After"] == "900"
    assert elsewhere.status_code == 200 and later.status_code == 200
    assert AuditLog.objects.filter(verb="api_auth_failed", ip_address="10.0.0.5").count() == 5
