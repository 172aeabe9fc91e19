"""保障金业务 in the menu: the agent's 理赔申请 (manual §3) and finance's 保障金给付 with its count."""

from operator import attrgetter

from django.db.models import Count, Min

from claims.selectors import payouts_awaiting
from core.navigation import Entry, WaitingWork, waiting_from


def payouts_waiting(user) -> WaitingWork:
    """Approved claims awaiting 给付, and since when the oldest waits."""
    counts = payouts_awaiting(user).aggregate(n=Count("id"), oldest=Min("case__decided_at"))
    return waiting_from("billing:payouts", "待保障金给付", counts)


MENU = (
    Entry("agent_claims", 10, "理赔申请", "claims:list", attrgetter("is_agent")),
    Entry("finance", 20, "保障金给付", "billing:payouts", attrgetter("is_finance"), waiting=payouts_waiting),
    Entry("finance", 25, "给付批次", "billing:batches", attrgetter("is_finance")),
)
