"""What /healthz checks: the database, the storage (a probe object written, read back and deleted), the
task queue and the live workers. Each probe answers "ok" or a short reason; it never raises."""

import logging
import socket
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from core.queue import live_worker_ids, queue_stats

logger = logging.getLogger("core.health")
PROBE_PREFIX = "healthz"  # backups skip this folder


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("healthz: database")
        return "error"
    return "ok"


def storage() -> str:
    payload = uuid.uuid4().hex.encode()
    name = f"{PROBE_PREFIX}/{socket.gethostname()[:40]}-{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(payload))
        try:
            with default_storage.open(saved, "rb") as handle:
                read_back = handle.read()
        finally:
            default_storage.delete(saved)
    except Exception:
        logger.exception("healthz: storage")
        return "error"
    return "ok" if read_back == payload else "error: read back different bytes"


def report(*, with_workers: bool = True) -> tuple[bool, dict]:
    """(healthy, details). Healthy = database and storage answer and (with_workers) a worker is alive."""
    details = {"database": database(), "storage": storage()}
    healthy = details["database"] == "ok" and details["storage"] == "ok"
    if with_workers and details["database"] == "ok":
        workers = len(live_worker_ids())
        details.update(worker="ok" if workers else "no worker seen", workers=workers, queue=queue_stats())
        healthy = healthy and workers > 0
    elif with_workers:
        details.update(worker="unknown", workers=0, queue=None)
        healthy = False
    details = {"status": "ok" if healthy else "error", **details}
    return healthy, details
