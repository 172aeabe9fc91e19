"""Run one background worker (django-tasks-db's db_worker) with a heartbeat for /healthz.

`make run` starts one; production runs N of these, on any number of machines. Each process is a new
worker (id: --worker-id or the host name, plus a random suffix), so a task claimed by a process that
died is never mistaken for one of its restarted successor's. On every beat the worker also puts back in
the queue the tasks of workers that died while running them (core.queue.requeue_abandoned_tasks).
"""

import logging
import socket
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from core.models import WorkerHeartbeat
from core.queue import requeue_abandoned_tasks

logger = logging.getLogger("core.worker")


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()}
    )


def heartbeat_loop(worker_id: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            beat(worker_id)
            requeue_abandoned_tasks(by_worker=worker_id)
        except Exception:
            logger.exception("heartbeat failed")
        stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
    connection.close()


class Command(BaseCommand):
    help = "Run a background task worker with a heartbeat (see /healthz)."

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", default="", help="prefix of this worker's id (default: host name)")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, worker_id, interval, **options):
        worker_id = f"{(worker_id or socket.gethostname())[:40]}-{get_random_string(8)}"
        stop = threading.Event()
        thread = threading.Thread(target=heartbeat_loop, args=(worker_id, stop), daemon=True)
        thread.start()
        try:
            call_command(
                "db_worker", worker_id=worker_id, interval=interval, reload=False, startup_delay=False
            )
        finally:
            stop.set()
            time.sleep(0)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
