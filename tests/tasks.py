"""Task helpers for tests: run what is queued in this process, and a probe task that records each run."""

import time

from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> int:
    """Run every ready task now, in this process and the test's transaction, with django-tasks-db's own
    claim and run code (its worker loop would close the test's connection between tasks)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    count = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        count += 1
    return count


@task(takes_context=True)
def record_run(context, number: int, hold_first_attempt: float = 0.0) -> int:
    """One AuditLog row per run (so a test can count runs); the first attempt may hold for a while, long
    enough for a test to kill the worker that runs it."""
    from core.models import AuditLog

    if hold_first_attempt and context.task_result.attempts == 1:
        time.sleep(hold_first_attempt)
    AuditLog.objects.create(
        verb="probe_run",
        object_type="probe",
        object_id=str(number),
        changes={"worker_id": context.task_result.worker_ids[-1], "attempt": context.task_result.attempts},
    )
    return number
