"""A 100,000-row roster through the REAL background worker (a subprocess on the test database).

The worker is `manage.py worker` / `manage.py db_worker` started with the same settings, pointed at the
test database (SQLite file or PostgreSQL database) and at this test's MEDIA_ROOT. Nothing is mocked.
"""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.errors import Incomplete
from enrollment.models import RosterEntry, RosterImport
from enrollment.services import roster_import_retry, roster_upload
from review.engine import case_transition
from review.models import Action
from tests.factories import Factory
from tests.workers import database_env, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROWS = 100_000
TIMEOUT = 300


@pytest.fixture(scope="session")
def big_roster() -> bytes:
    """100,000 valid members (one plan, 1份), written once per run with XlsxWriter's constant_memory."""
    return Factory.roster_xlsx(Factory().people(ROWS), constant_memory=True)


def job_state(job: RosterImport) -> RosterImport:
    job.refresh_from_db()
    return job


def test_a_100000_row_roster_imports_in_the_background_with_a_visible_progress_bar(
    factory, client, start_worker, big_roster
):
    application = factory.application()
    client.force_login(application.unit.agent)
    response = client.post(
        reverse("enrollment:roster_upload", args=[application.pk]),
        {"file": SimpleUploadedFile("十万人名单.xlsx", big_roster)},
        follow=True,
    )
    assert f"名单共{ROWS}行，正在后台导入" in response.content.decode()
    job = application.imports.get()
    assert (job.status, job.total_rows) == (RosterImport.Status.PENDING, ROWS)
    status_url = reverse("enrollment:import_status", args=[application.pk])
    waiting = client.get(status_url).content.decode()
    assert 'role="progressbar"' in waiting and f"已检查 0 / {ROWS} 行" in waiting

    worker = start_worker("worker", "--interval", "0.1")
    seen = set()

    def finished():
        page = client.get(status_url)
        checked = re.search(r"已检查 (\d+) / (\d+) 行", page.content.decode())
        if checked:
            seen.add(int(checked.group(1)))
        return page if page.has_header("HX-Refresh") else None

    final = wait_for(finished, worker=worker)
    assert final["HX-Refresh"] == "true"
    assert any(0 < done < ROWS for done in seen), f"no progress was shown: {sorted(seen)}"

    job = job_state(job)
    assert job.status == RosterImport.Status.SUCCEEDED, job.message
    assert (job.imported_rows, job.error_count, job.percent) == (ROWS, 0, 100)
    assert RosterEntry.objects.filter(application=application).count() == ROWS
    application.refresh_from_db()
    assert application.roster_count == ROWS
    assert application.total_amount == 30 * ROWS
    assert f"成功导入{ROWS}名职工" in final.content.decode()


def test_killing_the_worker_midway_leaves_no_roster_and_the_import_can_be_retried(
    factory, settings, start_worker, big_roster
):
    application = factory.application()
    agent = application.unit.agent
    job = roster_upload(
        actor=agent, application=application, upload=SimpleUploadedFile("名单.xlsx", big_roster)
    )
    worker = start_worker("worker", "--interval", "0.1")
    wait_for(lambda: job_state(job).processed_rows > 0, worker=worker, step=0.02)
    worker.kill()

    job = job_state(job)
    assert job.status == RosterImport.Status.RUNNING  # stale: nobody will finish it
    assert job.processed_rows > 0
    assert RosterEntry.objects.filter(application=application).count() == 0
    application.refresh_from_db()
    assert application.roster_count == 0
    with pytest.raises(Incomplete, match="名单还在导入中"):
        case_transition(case=application.case, action=Action.SUBMIT, actor=agent)

    settings.ROSTER_STALE_SECONDS = 0  # the heartbeat is now stale: the page shows 导入失败 + 【重新导入】
    client = Client()
    client.force_login(agent)
    page = client.get(reverse("enrollment:detail", args=[application.pk]) + "?tab=roster").content.decode()
    assert "导入失败" in page and "导入中断" in page and 'id="import-retry"' in page
    assert job_state(job).status == RosterImport.Status.FAILED and job.retryable
    with pytest.raises(Incomplete, match="请先导入参保职工名单"):  # no longer "还在导入中"
        case_transition(case=application.case, action=Action.SUBMIT, actor=agent)
    job = roster_import_retry(actor=agent, job=job)
    assert job.status == RosterImport.Status.PENDING
    batch = start_worker("db_worker", "--batch", "--no-startup-delay", "--interval", "0.1")
    assert batch.process.wait(timeout=TIMEOUT) == 0, batch.output()

    job = job_state(job)
    assert job.status == RosterImport.Status.SUCCEEDED, job.message
    assert RosterEntry.objects.filter(application=application).count() == ROWS


def test_killing_the_worker_while_it_writes_the_roster_leaves_none_of_it(factory, start_worker, big_roster):
    """PostgreSQL: hold the plan lines so the worker blocks after inserting every row, then kill it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks held by another connection (PostgreSQL)")
    import psycopg

    application = factory.application(rows=factory.people(3, first=ROWS))
    previous = list(application.roster.values_list("id_number", flat=True))
    job = roster_upload(
        actor=application.unit.agent,
        application=application,
        upload=SimpleUploadedFile("名单.xlsx", big_roster),
    )
    blocker = psycopg.connect(database_env()["DATABASE_URL"])
    try:
        blocker.execute(
            "SELECT id FROM enrollment_applicationplan WHERE application_id = %s FOR UPDATE", [application.pk]
        )
        worker = start_worker("worker", "--interval", "0.1")

        def blocked_backend():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE %s",
                    ['UPDATE "enrollment_applicationplan"%'],
                )
                row = cursor.fetchone()
            return row[0] if row else None

        pid = wait_for(blocked_backend, worker=worker)  # every roster row is inserted, not committed
        worker.kill()
    finally:
        blocker.rollback()
        blocker.close()

    def backend_gone():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            return cursor.fetchone()[0] == 0

    deadline = time.monotonic() + 30
    while not backend_gone() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert backend_gone()
    assert list(application.roster.values_list("id_number", flat=True)) == previous
    assert job_state(job).status == RosterImport.Status.RUNNING
