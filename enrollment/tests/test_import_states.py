"""名单导入's states move only through enrollment.import_states: a table of allowed moves, one function
with a conditional update, and nothing else in the code assigns a RosterImport's status."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

import enrollment.roster_import
from core.errors import InvalidTransition
from core.models import AuditLog
from enrollment.import_states import MOVES, roster_import_move
from enrollment.models import RosterImport
from enrollment.services import roster_imports_expire

Status = RosterImport.Status


@pytest.fixture
def job(factory):
    application = factory.application()
    return RosterImport.objects.create(
        application=application, original_name="x.xlsx", created_by=application.unit.agent
    )


def test_every_move_the_table_allows_is_made_with_its_fields(job):
    for source, targets in MOVES.items():
        for target in targets:
            RosterImport.objects.filter(pk=job.pk).update(status=source)
            assert roster_import_move(job.pk, source=source, target=target, message=f"{source}→{target}") == 1
            job.refresh_from_db()
            assert (job.status, job.message) == (target, f"{source}→{target}")


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Status.SUCCEEDED, Status.PENDING),
        (Status.REJECTED, Status.RUNNING),
        (Status.FAILED, Status.SUCCEEDED),
        (Status.PENDING, Status.SUCCEEDED),
    ],
)
def test_a_move_the_table_does_not_allow_is_refused_and_writes_nothing(job, source, target):
    RosterImport.objects.filter(pk=job.pk).update(status=source)
    with pytest.raises(InvalidTransition, match="名单导入不能从"):
        roster_import_move(job.pk, source=source, target=target)
    job.refresh_from_db()
    assert job.status == source


def test_a_job_that_has_moved_on_is_left_alone_and_the_caller_learns_it(job):
    assert job.status == Status.PENDING
    assert roster_import_move(job.pk, source=Status.RUNNING, target=Status.SUCCEEDED) == 0
    job.refresh_from_db()
    assert job.status == Status.PENDING


def test_an_import_expired_while_it_ran_writes_no_roster_and_keeps_its_failure(
    factory, settings, monkeypatch
):
    """A worker whose heartbeat went stale (the job already shows 导入失败 with 【重新导入】) and then
    finishes after all must not replace the roster behind that message."""
    application = factory.application()
    checks = enrollment.roster_import._check_against_database

    def stall_then_check(app, result, *, heartbeat):
        stale = timezone.now() - datetime.timedelta(seconds=settings.ROSTER_STALE_SECONDS + 60)
        RosterImport.objects.filter(application=app).update(heartbeat_at=stale)
        roster_imports_expire(application=app)  # the progress bar's poll, meanwhile
        checks(app, result, heartbeat=lambda: None)

    monkeypatch.setattr(enrollment.roster_import, "_check_against_database", stall_then_check)
    job = factory.import_roster(application, factory.people(2))

    assert (job.status, job.retryable) == (Status.FAILED, True)
    assert "导入中断" in job.message
    assert not application.roster.exists()
    outcomes = AuditLog.objects.filter(verb="roster_import").values_list("outcome", flat=True)
    assert list(outcomes) == [AuditLog.Outcome.FAILED]  # the expiry's record, and no second one


# --- one door: a grep over the code -------------------------------------------------------------------

IMPORT_STATUS_WRITES = [
    re.compile(r"\.status\s*=(?!=)"),  # job.status = …
    re.compile(  # .update(status=…) / .create(…, status=…) across lines
        r"\.(?:update|create|get_or_create|update_or_create|bulk_update)\((?:[^()]|\([^()]*\))*?"
        r"(?<![\w.])status\s*=(?!=)",
        re.S,
    ),
]


def writes_import_status(source: str) -> bool:
    return "RosterImport" in source and any(p.search(source) for p in IMPORT_STATUS_WRITES)


@pytest.mark.parametrize(
    ("source", "writes"),
    [
        ("job.status = RosterImport.Status.FAILED", True),
        ("RosterImport.objects.filter(pk=1).update(\n    message='',\n    status=Status.PENDING,\n)", True),
        ("RosterImport.objects.create(application=a, status='running')", True),
        ("if job.status == RosterImport.Status.FAILED:", False),
        ("RosterImport.objects.filter(status__in=LIVE).exists()", False),
        ("RosterImport.objects.filter(pk=1).update(heartbeat_at=now)", False),
    ],
)
def test_the_one_door_check_recognises_import_status_writes(source, writes):
    assert writes_import_status(source) == writes


SKIPPED = {"migrations", "tests", "node_modules", "var", "staticfiles"}


def project_code(root: Path):
    """The project's Python files outside tests, migrations and hidden folders (.venv …)."""
    for path in sorted(root.rglob("*.py")):
        folders = path.relative_to(root).parts[:-1]
        if not SKIPPED.intersection(folders) and not any(part.startswith(".") for part in folders):
            yield path


def test_nothing_but_import_states_assigns_an_import_status():
    root = Path(__file__).resolve().parents[2]
    door = root / "enrollment" / "import_states.py"
    offenders = [
        str(path.relative_to(root))
        for path in project_code(root)
        if path != door and writes_import_status(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
