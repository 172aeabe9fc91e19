"""系统管理 → 保障计划与费率 (the administrator edits plans and rates in the admin)."""

from operator import attrgetter

from core.navigation import Entry

MENU = (Entry("system", 20, "保障计划与费率", "/admin/plans/plan/", attrgetter("is_admin")),)
