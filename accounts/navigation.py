"""系统管理 → 用户与角色 for the administrator; 个人中心 → 修改密码 for everyone."""

from operator import attrgetter

from core.navigation import Entry, everyone

MENU = (
    Entry("system", 30, "用户与角色", "/admin/accounts/user/", attrgetter("is_admin")),
    Entry("personal", 20, "修改密码", "accounts:password_change", everyone),
)
