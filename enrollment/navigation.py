"""参保业务经办 in the menu: the agent's chapter (manual §2) and the staff's 会员查询."""

from operator import attrgetter

from core.navigation import Entry

MENU = (
    Entry("agent_enrollment", 10, "参保申请", "enrollment:list", attrgetter("is_agent")),
    Entry("agent_enrollment", 20, "会员查询", "enrollment:members", attrgetter("is_agent")),
    Entry("enrollment", 10, "会员查询", "enrollment:members", attrgetter("is_case_staff")),
)
