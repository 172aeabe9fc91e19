"""系统管理 (Django admin): every label the administrator reads is Chinese, whatever the browser's language;
internal tables (task results, permission groups) are not offered; it wears the site's header and colours."""

import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from core.models import AuditLog
from plans.models import Plan
from units.models import Unit

pytestmark = pytest.mark.django_db

# Latin words inside Django's own Chinese translations (key names, a protocol): not labels to translate.
INSIDE_TRANSLATIONS = {"Control", "Command", "Mac", "LDAP"}


@pytest.fixture
def admin_client(client, factory):
    factory.approved_unit()  # a unit, its cases and transitions, audit rows
    user = factory.staff(User.Role.ADMIN, username="sysadmin")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(pk=user.pk))
    return client


def data_values() -> set[str]:
    """Strings that are data, not labels (user names, plan codes, credit codes …)."""
    values = set()
    for username, real_name, id_number in User.objects.values_list("username", "real_name", "id_number"):
        values |= {username, real_name, id_number or ""}
    values |= set(Plan.objects.values_list("code", flat=True))
    values |= set(Unit.objects.values_list("credit_code", flat=True))
    return {v for v in values if v}


def latin_words(page: str) -> set[str]:
    page = re.sub(r"<script.*?</script>|<style.*?</style>|<bdi>.*?</bdi>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for value in sorted(data_values(), key=len, reverse=True):
        text = text.replace(value, " ")
    return set(re.findall(r"[A-Za-z]{2,}", text)) - INSIDE_TRANSLATIONS


def admin_pages() -> list[str]:
    urls = ["/admin/", "/admin/password_change/"]
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, f"/admin/{model._meta.app_label}/"]
        if model_admin.has_add_permission(type("R", (), {"user": User(is_superuser=True)})()):
            urls.append(base + "add/")
        obj = model.objects.first()
        if obj is not None:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/"]
    user = User.objects.filter(role=User.Role.AGENT).first()
    urls += [f"/admin/accounts/user/{user.pk}/password/", f"/admin/accounts/user/{user.pk}/delete/"]
    return urls


def test_every_admin_page_speaks_chinese_even_to_an_english_browser(admin_client):
    assert AuditLog.objects.exists()
    for url in admin_pages():
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert response.status_code == 200, url
        assert latin_words(response.content.decode()) == set(), url


def test_task_results_and_permission_groups_are_not_offered(admin_client):
    assert not admin.site.is_registered(DBTaskResult)
    assert not admin.site.is_registered(Group)
    index = admin_client.get("/admin/").content.decode()
    assert "dbtaskresult" not in index and "/admin/auth/group/" not in index
    assert admin_client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 404
    user = User.objects.filter(role=User.Role.AGENT).first()
    change = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'name="user_permissions"' not in change and 'name="groups"' not in change
    assert 'name="role"' in change and 'name="org"' in change


def test_the_admin_wears_the_sites_header_colours_and_icon(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "职工互助保障信息化管理系统 · 系统管理" in page
    assert '<link rel="stylesheet" href="/static/core/admin.css">' in page
    assert '<link rel="icon" href="/static/core/favicon.ico"' in page
    assert 'href="/">返回业务系统</a>' in page
    assert "dark_mode.css" not in page  # the site has one (light) look


def test_the_audit_log_reads_as_words(admin_client):
    """操作日志 (the audit screen, not an admin table) names operations and changed fields in Chinese."""
    assert not admin.site.is_registered(AuditLog)  # read on the audit screen, edited by nobody
    listing = admin_client.get("/audit/?action=unit_register").content.decode()
    assert "注册单位" in listing and ">unit_register<" not in listing
    assert "单位名称：" in listing and "统一社会信用代码：" in listing  # changed fields by their labels
