"""统计分析 in the menu."""

from operator import attrgetter

from core.navigation import Entry

MENU = (Entry("reports", 10, "统计报表", "reports:report", attrgetter("is_case_staff")),)
