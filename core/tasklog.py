"""One structured log line per background task when it ends (connected in CoreConfig.ready)."""

import logging

from django.dispatch import receiver
from django_tasks.signals import task_finished

logger = logging.getLogger("task")


@receiver(task_finished, dispatch_uid="core.tasklog")
def log_task_finished(sender, task_result, **kwargs):
    started, finished = task_result.started_at, task_result.finished_at
    duration_ms = round((finished - started).total_seconds() * 1000, 1) if started and finished else None
    logger.info(
        "task %s %s",
        task_result.task.name,
        task_result.status,
        extra={
            "task_id": str(task_result.id),
            "task": task_result.task.module_path,
            "status": str(task_result.status),
            "attempt": task_result.attempts,
            "worker_id": task_result.worker_ids[-1] if task_result.worker_ids else None,
            "duration_ms": duration_ms,
        },
    )
