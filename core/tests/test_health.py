"""/healthz for monitoring and /healthz/web for the load balancer (core.views, core.health)."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.health import PROBE_PREFIX
from core.models import WorkerHeartbeat
from core.storage import walk
from notifications.tasks import send_notification_sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_worker():
    return WorkerHeartbeat.objects.create(worker_id="app1-worker", hostname="app1", last_seen=timezone.now())


def test_healthz_reports_database_storage_queue_and_workers(client, live_worker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "worker": "ok",
        "workers": 1,
        "queue": {"waiting": 0, "running": 0, "oldest_waiting_seconds": 0},
    }


def test_healthz_counts_waiting_tasks_and_the_age_of_the_oldest(client, live_worker):
    for notification_id in (1, 2):
        send_notification_sms.enqueue(notification_id)
    DBTaskResult.objects.filter(args_kwargs__args=[1]).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    queue = client.get("/healthz").json()["queue"]

    assert queue["waiting"] == 2 and queue["running"] == 0
    assert 299 <= queue["oldest_waiting_seconds"] <= 330


def test_healthz_answers_503_without_a_live_worker(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["worker"] == "no worker seen"
    assert response.json()["workers"] == 0


def test_a_heartbeat_older_than_three_beats_is_a_dead_worker(client, settings):
    stale = timezone.now() - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3 + 5)
    WorkerHeartbeat.objects.create(worker_id="worker-1", last_seen=stale)

    assert client.get("/healthz").status_code == 503


def test_the_storage_probe_writes_reads_and_deletes_its_object(client, live_worker):
    before = set(walk(default_storage, PROBE_PREFIX))

    assert client.get("/healthz").json()["storage"] == "ok"

    assert set(walk(default_storage, PROBE_PREFIX)) == before


def test_healthz_answers_503_when_the_storage_cannot_be_written(client, live_worker, settings, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_folder)},
        },
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["storage"] == "error"
    assert client.get("/healthz/web").status_code == 503


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from core import health

    class DeadCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: DeadCursor())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["status"] == "error"


def test_the_load_balancer_check_ignores_the_workers(client):
    response = client.get("/healthz/web")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}


def test_healthz_needs_no_login(client, live_worker):
    assert client.get("/healthz").status_code == 200
