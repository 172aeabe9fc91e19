"""审核管理 in the menu: the reviewer's queue with the count of cases at his step; 审核流程 for the
administrator."""

from operator import attrgetter

from django.db.models import Count, Min

from core.navigation import Entry, WaitingWork, waiting_from
from review.selectors import review_queue_for


def queue_waiting(user) -> WaitingWork:
    """The cases at the reviewer's step (district reviewers: their district)."""
    counts = review_queue_for(user).aggregate(n=Count("id"), oldest=Min("submitted_at"))
    return waiting_from("review:queue", "待审核业务", counts)


MENU = (
    Entry("review", 10, "待审核业务", "review:queue", attrgetter("is_reviewer"), waiting=queue_waiting),
    Entry("review", 20, "已处理业务", "review:decided", attrgetter("is_reviewer")),
    Entry("system", 40, "审核流程", "/admin/review/workflow/", attrgetter("is_admin")),
)
