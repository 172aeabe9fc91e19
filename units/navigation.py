"""单位信息管理 in the menu: the agent's chapter (manual §1) and the staff's look-ups."""

from operator import attrgetter

from core.navigation import Entry

MENU = (
    Entry("agent_units", 10, "单位注册", "units:list", attrgetter("is_agent")),
    Entry("agent_units", 20, "单位绑定", "units:bindings", attrgetter("is_agent")),
    Entry("agent_units", 30, "开票信息管理", "units:invoices", attrgetter("is_agent")),
    Entry("units", 10, "单位查询", "units:directory", attrgetter("is_case_staff")),
    Entry("units", 20, "开票信息查询", "units:invoice_all", attrgetter("sees_everything")),
)
