"""The database task queue with several workers (core.queue, manage.py worker): every task runs exactly
once, and a task whose worker died is run again by another worker — the roster import included."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import AuditLog, WorkerHeartbeat
from core.queue import requeue_abandoned_tasks
from enrollment.models import RosterEntry, RosterImport
from enrollment.services import roster_upload
from tests.tasks import record_run
from tests.workers import wait_for

FAST_BEATS = {"WORKER_HEARTBEAT_SECONDS": "0.5"}  # a dead worker is noticed after 1.5 s


def runs() -> list[str]:
    return sorted(AuditLog.objects.filter(verb="probe_run").values_list("object_id", flat=True), key=int)


def live_workers(count):
    return lambda: (
        WorkerHeartbeat.objects.filter(last_seen__gte=timezone.now() - datetime.timedelta(seconds=2)).count()
        >= count
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_each_of_200_tasks_exactly_once(start_worker):
    first = start_worker("worker", "--interval", "0.05", env=FAST_BEATS)
    second = start_worker("worker", "--interval", "0.05", env=FAST_BEATS)
    wait_for(live_workers(2), worker=first, timeout=60)

    for number in range(200):
        record_run.enqueue(number)

    def all_done():
        second.check_alive()
        return DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 200

    wait_for(all_done, worker=first, timeout=180, step=0.2)
    assert runs() == [str(n) for n in range(200)]  # every task once, none twice
    assert all(len(t.worker_ids) == 1 for t in DBTaskResult.objects.all())
    by_worker = {t.worker_ids[0] for t in DBTaskResult.objects.all()}
    assert len(by_worker) == 2, "both workers took tasks"


@pytest.mark.django_db(transaction=True)
def test_the_task_of_a_killed_worker_is_run_again_by_another_worker(start_worker):
    doomed = start_worker("worker", "--interval", "0.05", env=FAST_BEATS)
    wait_for(live_workers(1), worker=doomed, timeout=60)
    result = record_run.enqueue(7, hold_first_attempt=120)
    wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == "RUNNING", worker=doomed, timeout=60)
    doomed.kill()
    assert runs() == []

    rescuer = start_worker("worker", "--interval", "0.05", env=FAST_BEATS)

    wait_for(
        lambda: DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL", worker=rescuer, timeout=60
    )
    task = DBTaskResult.objects.get(pk=result.id)
    assert len(task.worker_ids) == 2 and task.worker_ids[0] != task.worker_ids[1]
    assert runs() == ["7"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_roster_import_whose_worker_died_finishes_on_the_next_worker_with_each_row_once(
    factory, start_worker
):
    rows = 20_000
    application = factory.application()
    job = roster_upload(
        actor=application.unit.agent,
        application=application,
        upload=SimpleUploadedFile(
            "名单.xlsx", factory.roster_xlsx(factory.people(rows), constant_memory=True)
        ),
    )
    doomed = start_worker("worker", "--interval", "0.05", env=FAST_BEATS)
    wait_for(lambda: RosterImport.objects.get(pk=job.pk).processed_rows > 0, worker=doomed, step=0.02)
    doomed.kill()
    assert RosterImport.objects.get(pk=job.pk).status == RosterImport.Status.RUNNING

    rescuer = start_worker("worker", "--interval", "0.05", env=FAST_BEATS)

    # The import commits 已完成 inside the task; the worker marks the task SUCCESSFUL a moment after it
    # returns (on a loaded machine, after the first condition is already true): wait for both.
    wait_for(
        lambda: (
            RosterImport.objects.get(pk=job.pk).status == RosterImport.Status.SUCCEEDED
            and DBTaskResult.objects.get(task_path="enrollment.tasks.import_roster").status == "SUCCESSFUL"
        ),
        worker=rescuer,
        step=0.2,
    )
    assert RosterEntry.objects.filter(application=application).count() == rows
    assert RosterEntry.objects.filter(application=application).values("id_number").distinct().count() == rows
    task = DBTaskResult.objects.get(task_path="enrollment.tasks.import_roster")
    assert len(task.worker_ids) == 2


# --- core.queue.requeue_abandoned_tasks on its own ----------------------------------------------------------


@pytest.fixture
def running_task(db):
    """A task claimed 5 minutes ago by worker "gone" (no heartbeat)."""

    def make(worker_ids=("gone",), started_minutes_ago=5):
        result = record_run.enqueue(1)
        DBTaskResult.objects.filter(pk=result.id).update(
            status="RUNNING",
            worker_ids=list(worker_ids),
            started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago),
        )
        return result.id

    return make


def test_a_running_task_of_a_silent_worker_goes_back_to_the_queue(running_task):
    task_id = running_task()

    assert requeue_abandoned_tasks() == {"requeued": 1, "failed": 0}

    task = DBTaskResult.objects.get(pk=task_id)
    assert (task.status, task.started_at, task.worker_ids) == ("READY", None, ["gone"])


def test_the_task_of_a_live_worker_is_left_alone(running_task):
    WorkerHeartbeat.objects.create(worker_id="busy", last_seen=timezone.now())
    task_id = running_task(worker_ids=["busy"])

    assert requeue_abandoned_tasks() == {"requeued": 0, "failed": 0}
    assert DBTaskResult.objects.get(pk=task_id).status == "RUNNING"


def test_a_worker_never_takes_back_its_own_task_even_when_its_beats_were_held_up(running_task):
    task_id = running_task(worker_ids=["me"])

    assert requeue_abandoned_tasks(by_worker="me") == {"requeued": 0, "failed": 0}
    assert DBTaskResult.objects.get(pk=task_id).status == "RUNNING"


def test_a_task_claimed_a_moment_ago_is_left_alone_until_its_worker_could_have_beaten(running_task):
    task_id = running_task(worker_ids=["just-started"], started_minutes_ago=0)

    requeue_abandoned_tasks()

    assert DBTaskResult.objects.get(pk=task_id).status == "RUNNING"


def test_a_task_that_killed_its_worker_every_time_is_failed_after_the_last_attempt(running_task, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    task_id = running_task(worker_ids=["a", "b", "c"])

    assert requeue_abandoned_tasks() == {"requeued": 0, "failed": 1}

    task = DBTaskResult.objects.get(pk=task_id)
    assert task.status == "FAILED" and task.finished_at is not None
    assert "已尝试 3 次" in task.traceback
