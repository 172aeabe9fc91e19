"""The menu's counts (core.navigation.work_waiting + header_counts, run by the context processor on every
page) per role, before and after the Phase 3b change, alternating in one process on the database in
DATABASE_URL (the bench's small city: `python manage.py generate_city --scale small`).

    python -m bench.menu_counts [ROUNDS]

"Before" is the counts as they were (copied here); "after" is what the context processor now calls: the
cached badges (`menu_waiting`) and the uncached header counts, warm (a page while nothing was written) and
cold (the first page after a write). Prints, per role, the median milliseconds and the queries of each.
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Min, Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from billing.selectors import notices_awaiting_payment, receipts_awaiting_invoice  # noqa: E402
from claims.selectors import payouts_awaiting  # noqa: E402
from core.navigation import header_counts, menu_waiting, note_write  # noqa: E402
from notifications.models import Notification  # noqa: E402
from review.selectors import review_queue_for  # noqa: E402


def before(user) -> list:
    """The menu's counts as they were before Phase 3b (one aggregate per entry, the selectors' querysets)."""
    out = []
    if user.is_finance:
        overdue = Q(due_date__lt=timezone.localdate())
        out.append(
            notices_awaiting_payment(user).aggregate(
                n=Count("id"), overdue=Count("id", filter=overdue), oldest=Min("issued_at")
            )
        )
        out.append(payouts_awaiting(user).aggregate(n=Count("id"), oldest=Min("case__decided_at")))
        out.append(receipts_awaiting_invoice(user).aggregate(n=Count("id"), oldest=Min("confirmed_at")))
    if user.is_reviewer:
        out.append(review_queue_for(user).aggregate(n=Count("id"), oldest=Min("submitted_at")))
    out.append(Notification.objects.filter(recipient=user, read_at__isnull=True).count())
    return out


def after(user) -> list:
    return [menu_waiting(user, {}), header_counts(user)]


def after_a_write(user) -> list:
    note_write()
    return after(user)


def measure(fn, user, rounds: int) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as captured:
        fn(user)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn(user)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(captured)


def users() -> dict:
    role = User.Role
    districts = User.objects.filter(role=role.DISTRICT_REVIEWER, org__isnull=False)
    district = max(districts, key=lambda user: review_queue_for(user).count(), default=None)
    return {
        "区县审核员 (busiest district)": district,
        "市总审核员": User.objects.filter(role=role.CITY_REVIEWER).first(),
        "财务": User.objects.filter(role=role.FINANCE).first(),
        "管理员": User.objects.filter(role=role.ADMIN).first(),
        "代办员": User.objects.filter(role=role.AGENT).first(),
    }


def main(rounds: int) -> None:
    print(f"median of {rounds} alternating rounds, load {os.getloadavg()[0]:.1f}")
    print("| role | before ms | queries | after, warm ms | queries | after a write ms | queries |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, user in users().items():
        if user is None:
            print(f"| {label} | – | – | – | – | – | – |")
            continue
        sides = {before: [], after: [], after_a_write: []}
        queries = {}
        for _ in range(3):  # alternate, so that the load hits every side alike
            for side, medians in sides.items():
                ms, queries[side] = measure(side, user, rounds)
                medians.append(ms)
        cells = [f"{statistics.median(medians):.2f} | {queries[side]}" for side, medians in sides.items()]
        print(f"| {label} | {' | '.join(cells)} |")
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
