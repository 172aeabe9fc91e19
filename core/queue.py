"""The database task queue seen from outside django-tasks-db: live workers, queue depth, and recovery of
tasks whose worker died.

django-tasks-db claims a task by flipping it to RUNNING inside a `SELECT … FOR UPDATE SKIP LOCKED`
transaction, so two workers never take the same task. What it does not do is notice a worker that was
killed (OOM, SIGKILL, a crashed machine): its task would stay RUNNING for ever. Every `manage.py worker`
therefore beats (core.WorkerHeartbeat) and, on each beat, puts back in the queue the tasks of workers that
have been silent for three beats — at most TASK_MAX_ATTEMPTS runs in all, then the task is marked failed,
so a task that kills its worker every time cannot take the workers down in a loop. Tasks are written to
be run again safely (the roster import replaces the roster in one transaction; an SMS is marked sent).
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat

logger = logging.getLogger("core.queue")

READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"


def silence_limit() -> datetime.timedelta:
    """A worker that has not beaten for this long is dead."""
    return datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)


def live_worker_ids() -> set[str]:
    since = timezone.now() - silence_limit()
    return set(WorkerHeartbeat.objects.filter(last_seen__gte=since).values_list("worker_id", flat=True))


def queue_stats() -> dict:
    """Waiting (ready) and running tasks, and the age in seconds of the oldest waiting one."""
    now = timezone.now()
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return {
        "waiting": waiting.count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_waiting_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
    }


def requeue_abandoned_tasks(*, by_worker: str = "") -> dict[str, int]:
    """Put RUNNING tasks whose worker is dead back in the queue (or fail them after TASK_MAX_ATTEMPTS).

    BY_WORKER is the calling worker: its own task is never taken from it, even if its own beats were
    held up (a long write on SQLite). Each change is a conditional UPDATE on (id, RUNNING, started_at):
    when several workers recover at the same time, exactly one of them moves a given task.
    """
    now = timezone.now()
    alive = live_worker_ids() | {by_worker}
    moved = {"requeued": 0, "failed": 0}
    candidates = DBTaskResult.objects.running().filter(started_at__lt=now - silence_limit())
    for task in candidates.only("id", "started_at", "worker_ids", "task_path"):
        if task.worker_ids and task.worker_ids[-1] in alive:
            continue
        claimed = DBTaskResult.objects.filter(pk=task.pk, status=RUNNING, started_at=task.started_at)
        attempts = len(task.worker_ids)
        if attempts >= settings.TASK_MAX_ATTEMPTS:
            done = claimed.update(
                status=FAILED,
                finished_at=now,
                exception_class_path="core.queue.WorkerDied",
                traceback=f"工作进程在执行该任务时退出，已尝试 {attempts} 次，不再重试",
            )
            outcome = "failed"
        else:
            done = claimed.update(status=READY, started_at=None)
            outcome = "requeued"
        if done:
            moved[outcome] += 1
            logger.warning(
                "task %s of a dead worker %s",
                task.pk,
                outcome,
                extra={"task_id": str(task.pk), "task": task.task_path, "attempts": attempts},
            )
    # Forget workers gone for a day (their rows only matter while a task of theirs may be RUNNING).
    WorkerHeartbeat.objects.filter(last_seen__lt=now - datetime.timedelta(days=1)).delete()
    return moved
