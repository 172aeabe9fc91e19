"""系统管理 → 组织机构 (the administrator edits the tree in the admin)."""

from operator import attrgetter

from core.navigation import Entry

MENU = (Entry("system", 10, "组织机构", "/admin/orgs/orgnode/", attrgetter("is_admin")),)
