"""The left menu mirrors the manual's chapters; each role sees its own sections."""

from django.urls import reverse

from notifications.models import Notification
from notifications.selectors import work_waiting


def _items(entries):
    return [
        {"label": label, "url": reverse(url_name) if ":" in url_name else url_name, "name": url_name}
        for label, url_name in entries
    ]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections = []
    if user.is_agent:
        sections.append(
            {
                "title": "单位信息管理",
                "items": _items(
                    [
                        ("单位注册", "units:list"),
                        ("单位绑定", "units:bindings"),
                        ("开票信息管理", "units:invoices"),
                    ]
                ),
            }
        )
    if user.is_agent:
        sections.append(
            {
                "title": "参保业务经办",
                "items": _items([("参保申请", "enrollment:list"), ("会员查询", "enrollment:members")]),
            }
        )
    if user.is_agent:
        sections.append({"title": "理赔业务经办", "items": _items([("理赔申请", "claims:list")])})
    if user.role == user.Role.FINANCE:
        sections.append(
            {
                "title": "财务管理",
                "items": _items([("收款确认", "billing:workbench"), ("保障金给付", "billing:payouts")]),
            }
        )
    if user.is_reviewer:
        sections.append(
            {
                "title": "审核管理",
                "items": _items([("待审核业务", "review:queue"), ("已处理业务", "review:decided")]),
            }
        )
    if not user.is_agent and user.role != user.Role.AUDITOR:
        entries = [("单位查询", "units:directory")]
        if user.role in (user.Role.FINANCE, user.Role.CITY_REVIEWER, user.Role.ADMIN):
            entries.append(("开票信息查询", "units:invoice_all"))
        sections.append({"title": "单位信息管理", "items": _items(entries)})
        sections.append({"title": "参保业务", "items": _items([("会员查询", "enrollment:members")])})
        sections.append({"title": "统计分析", "items": _items([("统计报表", "reports:report")])})
    if user.role == user.Role.ADMIN:
        sections.append(
            {
                "title": "系统管理",
                "items": _items(
                    [
                        ("组织机构", "/admin/orgs/orgnode/"),
                        ("保障计划与费率", "/admin/plans/plan/"),
                        ("用户与角色", "/admin/accounts/user/"),
                        ("审核流程", "/admin/review/workflow/"),
                        ("登录锁定", "audit:lockouts"),
                    ]
                ),
            }
        )
    if user.role in (user.Role.ADMIN, user.Role.AUDITOR):
        sections.append({"title": "安全审计", "items": _items([("操作日志", "audit:log")])})
    personal = [("消息通知", "notifications:list"), ("修改密码", "accounts:password_change")]
    if user.is_agent:
        personal.append(("接口令牌", "api:tokens"))
    sections.append({"title": "个人中心", "items": _items(personal)})
    # The one active entry: the longest menu URL that prefixes the current path.
    matches = [item for s in sections for item in s["items"] if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    # Staff: how many items wait at their step, as a badge on the menu entry (and on the phone's ☰).
    waiting = {work.key: work.count for work in work_waiting(user)}
    for item in (item for s in sections for item in s["items"]):
        if waiting.get(item["name"]):
            item["badge"] = waiting[item["name"]]
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "nav_sections": sections,
        "unread_notifications": unread,
        "waiting_total": sum(waiting.values()),
    }
