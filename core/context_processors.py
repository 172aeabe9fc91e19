"""The left menu mirrors the manual's chapters; each role sees its own sections."""

from django.urls import reverse


def _section(request, title, items):
    path = request.path
    entries = []
    for label, url_name in items:
        url = reverse(url_name)
        entries.append({"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))})
    return {"title": title, "items": entries}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections = []
    if user.is_agent:
        sections.append(_section(request, "单位信息管理", [("单位注册", "units:list")]))
    if user.is_reviewer:
        sections.append(
            _section(request, "审核管理", [("待审核业务", "review:queue"), ("已处理业务", "review:decided")])
        )
    if not user.is_agent:
        sections.append(_section(request, "单位信息管理", [("单位查询", "units:directory")]))
    if user.role == user.Role.ADMIN:
        sections.append(
            {
                "title": "系统管理",
                "items": [
                    {"label": "组织机构", "url": "/admin/orgs/orgnode/", "active": False},
                    {"label": "保障计划与费率", "url": "/admin/plans/plan/", "active": False},
                    {"label": "用户与角色", "url": "/admin/accounts/user/", "active": False},
                    {"label": "审核流程", "url": "/admin/review/workflow/", "active": False},
                ],
            }
        )
    sections.append(_section(request, "个人中心", [("修改密码", "accounts:password_change")]))
    return {"nav_sections": sections}
