"""个人中心 → 接口令牌 (agents)."""

from operator import attrgetter

from core.navigation import Entry

MENU = (Entry("personal", 30, "接口令牌", "api:tokens", attrgetter("is_agent")),)
