"""The states of a 名单导入 (RosterImport) and the one function that moves them, like review.engine for
cases: the allowed moves are a table; a move is a conditional UPDATE (`WHERE status IN sources`), so an
import that has already moved on (another worker claimed it, an expiry marked it 导入失败) is left alone
and the caller learns it from the count. Nothing else assigns a RosterImport's status.
"""

from django.db.models import QuerySet

from core.errors import InvalidTransition
from enrollment.models import RosterImport

Status = RosterImport.Status

MOVES: dict[str, frozenset[str]] = {
    # queued → a worker (or the request) claims it; never started in time → 导入失败
    Status.PENDING: frozenset({Status.RUNNING, Status.FAILED}),
    # claimed again by a worker after a dead one; the three endings; a stale heartbeat → 导入失败
    Status.RUNNING: frozenset({Status.RUNNING, Status.SUCCEEDED, Status.REJECTED, Status.FAILED}),
    # 【重新导入】 queues it again
    Status.FAILED: frozenset({Status.PENDING}),
    Status.SUCCEEDED: frozenset(),
    Status.REJECTED: frozenset(),
}
LIVE = (Status.PENDING, Status.RUNNING)


def roster_import_move(jobs: int | QuerySet, *, source, target: str, **fields) -> int:
    """Move the import JOBS (a pk, or a queryset of imports) from SOURCE (a status or several) to TARGET,
    setting FIELDS in the same UPDATE. Returns how many moved (0: none was in SOURCE any more).

    A move the table does not allow is refused with InvalidTransition before anything is written."""
    sources = (source,) if isinstance(source, str) else tuple(source)
    for status in sources:
        if target not in MOVES[status]:
            raise InvalidTransition(f"名单导入不能从“{Status(status).label}”变为“{Status(target).label}”")
    if not isinstance(jobs, QuerySet):
        jobs = RosterImport.objects.filter(pk=jobs)
    return jobs.filter(status__in=sources).update(status=target, **fields)
