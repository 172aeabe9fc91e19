"""Error pages are Chinese in every mode (DEBUG on too: Django's technical pages never reach a user),
CSRF refusals are explained, and the site has a favicon."""

import pytest
from django.test import Client

TECHNICAL = ("Using the URLconf", "Page not found", "Traceback", "You’re seeing this error")


def assert_chinese_page(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert heading in html
    for english in TECHNICAL:
        assert english not in html, english


@pytest.fixture
def agent_client(client, factory):
    client.force_login(factory.agent())
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_answers_the_chinese_404_page(client, settings, debug):
    settings.DEBUG = debug
    assert_chinese_page(client.get("/no-such-page/"), 404, "页面不存在或您无权查看")


@pytest.mark.parametrize("debug", [True, False])
def test_another_agents_unit_answers_the_chinese_404_page_with_the_menu(
    agent_client, factory, settings, debug
):
    settings.DEBUG = debug
    other = factory.approved_unit()  # another agent's unit
    response = agent_client.get(f"/units/{other.pk}/")
    assert_chinese_page(response, 404, "页面不存在或您无权查看")
    assert other.name not in response.content.decode()  # names nothing the user may not see
    assert 'id="sidebar"' in response.content.decode()  # the usual layout, a way back


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_a_failing_view_answers_the_chinese_500_page(settings, debug):
    settings.DEBUG = debug
    settings.ROOT_URLCONF = "core.tests.urls_failing"
    client = Client(raise_request_exception=False)
    assert_chinese_page(client.get("/boom/"), 500, "系统繁忙，请稍后再试")


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_a_bad_request_answers_the_chinese_400_page(client, settings, debug):
    settings.DEBUG = debug
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")  # DisallowedHost
    assert_chinese_page(response, 400, "请求无效")


@pytest.mark.django_db
def test_a_role_without_access_gets_the_chinese_403_page(client, factory, settings):
    settings.DEBUG = True
    client.force_login(factory.finance())
    assert_chinese_page(client.get("/units/"), 403, "无权访问")


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_a_refused_csrf_token_is_explained_in_chinese(settings, debug):
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert_chinese_page(response, 403, "页面已过期，请刷新后重试")
    assert "CSRF verification failed" not in response.content.decode()


@pytest.mark.django_db
def test_the_json_api_keeps_its_own_json_errors_in_debug(client, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_every_page_names_the_favicon_and_favicon_ico_leads_to_it(client):
    from django.contrib.staticfiles import finders

    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/core/favicon.ico"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/core/favicon.ico"
    with open(finders.find("core/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # a real ICO file
