"""The left menu is registered by the apps (core.navigation) and reads, for each role, as that role's
part of the manual's table of contents."""

import pytest
from django.test import RequestFactory

from accounts.models import User
from core.context_processors import navigation
from core.navigation import Entry, everyone, register

pytestmark = pytest.mark.django_db

AGENT_MENU = [
    ("单位信息管理", ["单位注册", "单位绑定", "开票信息管理"]),
    ("参保业务经办", ["参保申请", "会员查询"]),
    ("理赔业务经办", ["理赔申请"]),
    ("个人中心", ["消息通知", "修改密码", "接口令牌"]),
]
LOOKUPS = [("参保业务", ["会员查询"]), ("统计分析", ["统计报表"])]
PERSONAL = [("个人中心", ["消息通知", "修改密码"])]
MENUS = {
    User.Role.AGENT: AGENT_MENU,
    User.Role.DISTRICT_REVIEWER: [
        ("审核管理", ["待审核业务", "已处理业务"]),
        ("单位信息管理", ["单位查询"]),
        *LOOKUPS,
        *PERSONAL,
    ],
    User.Role.CITY_REVIEWER: [
        ("审核管理", ["待审核业务", "已处理业务"]),
        ("单位信息管理", ["单位查询", "开票信息查询"]),
        *LOOKUPS,
        *PERSONAL,
    ],
    User.Role.FINANCE: [
        (
            "财务管理",
            ["收款确认", "逾期缴费", "开票登记", "银行流水对账", "保障金给付", "给付批次", "收款/给付记录"],
        ),
        ("单位信息管理", ["单位查询", "开票信息查询"]),
        *LOOKUPS,
        *PERSONAL,
    ],
    User.Role.ADMIN: [
        ("单位信息管理", ["单位查询", "开票信息查询"]),
        *LOOKUPS,
        ("系统管理", ["组织机构", "保障计划与费率", "用户与角色", "审核流程", "登录锁定"]),
        ("安全审计", ["操作日志"]),
        *PERSONAL,
    ],
    User.Role.AUDITOR: [("安全审计", ["操作日志"]), *PERSONAL],
}


def menu_of(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)


@pytest.mark.parametrize("role", list(User.Role))
def test_each_role_sees_its_chapters_in_the_manuals_order(factory, role):
    user = factory.agent() if role == User.Role.AGENT else factory.staff(role, org=factory.org())
    context = menu_of(user)
    menu = [(s["title"], [item["label"] for item in s["items"]]) for s in context["nav_sections"]]
    assert menu == MENUS[role]
    assert context["unread_notifications"] == 0 and context["waiting_total"] == 0


def test_the_longest_menu_url_under_the_current_path_is_the_active_entry(factory):
    context = menu_of(factory.agent(), "/units/bindings/new/")
    active = [item["label"] for s in context["nav_sections"] for item in s["items"] if item.get("active")]
    assert active == ["单位绑定"]


def test_nobody_logged_in_gets_no_menu(client):
    from django.contrib.auth.models import AnonymousUser

    assert menu_of(AnonymousUser()) == {}


def test_an_entry_for_a_chapter_the_menu_does_not_have_is_refused():
    with pytest.raises(ValueError, match="unknown menu section"):
        register(Entry("finances", 10, "收款", "/billing/", everyone))


def test_two_first_requests_sorting_the_menu_at_once_list_every_entry_once(factory, monkeypatch):
    """The menu's order is sorted once per process by whichever request comes first; two gunicorn threads
    arriving together must not both add the entries (the menu would show every entry twice for good)."""
    import threading

    from core import navigation

    user = factory.city_reviewer()
    expected = navigation.entries_for(user)
    both_inside = threading.Barrier(2)

    def sorted_when_both_are_inside(*args, **kwargs):
        both_inside.wait(timeout=5)  # both threads found the order empty
        return sorted(*args, **kwargs)

    monkeypatch.setattr(navigation, "_ordered", ())
    monkeypatch.setattr(navigation, "sorted", sorted_when_both_are_inside, raising=False)
    menus = []
    threads = [threading.Thread(target=lambda: menus.append(navigation.entries_for(user))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert menus == [expected, expected]
    assert navigation.entries_for(user) == expected
