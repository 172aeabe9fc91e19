"""What is waiting for a staff member: the counts behind the menu badges and the 每日待办 message."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class WaitingWork:
    key: str  # the menu entry's URL name
    label: str
    count: int
    url: str
    unit: str = "件"
    oldest: datetime | None = None  # when the longest-waiting item arrived
    overdue: int = 0
    overdue_label: str = ""


def work_waiting(user) -> list[WaitingWork]:
    """Reviewers: the cases at their step (district reviewers: their district). Finance: notices awaiting
    收款确认 (and how many are past their due date) and approved claims awaiting 给付. Others: nothing."""
    if not user.is_authenticated:
        return []
    if user.is_reviewer:
        from review.selectors import review_queue_for

        queue = review_queue_for(user).aggregate(n=Count("id"), oldest=Min("submitted_at"))
        return [
            WaitingWork(
                key="review:queue",
                label="待审核业务",
                count=queue["n"],
                url=reverse("review:queue"),
                oldest=queue["oldest"],
            )
        ]
    if user.is_finance:
        from billing.selectors import notices_awaiting_payment
        from claims.selectors import payouts_awaiting

        today: date = timezone.localdate()
        notices = notices_awaiting_payment().aggregate(
            n=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today)), oldest=Min("issued_at")
        )
        payouts = payouts_awaiting().aggregate(n=Count("id"), oldest=Min("case__decided_at"))
        return [
            WaitingWork(
                key="billing:workbench",
                label="待收款确认",
                count=notices["n"],
                url=reverse("billing:workbench"),
                unit="笔",
                oldest=notices["oldest"],
                overdue=notices["overdue"],
                overdue_label="已过缴费截止日期",
            ),
            WaitingWork(
                key="billing:payouts",
                label="待保障金给付",
                count=payouts["n"],
                url=reverse("billing:payouts"),
                oldest=payouts["oldest"],
            ),
        ]
    return []
