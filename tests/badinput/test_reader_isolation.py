"""A spreadsheet reader that aborts, exhausts memory or hangs kills at most its own child process: the web
process keeps answering and the import ends as 导入失败 with a clear message and 【上传新文件】."""

import os

import pytest
from django.urls import reverse

from core.spreadsheets import SheetLimits, SpreadsheetError, read_isolated
from enrollment.models import RosterImport
from tests.badinput import hostile
from tests.badinput.conftest import client_for
from tests.badinput.test_uploads import upload_roster
from tests.factories import Factory

pytestmark = pytest.mark.django_db


def test_the_web_process_survives_a_reader_that_aborts_and_the_import_ends_as_failed(
    agent, agent_app, monkeypatch
):
    monkeypatch.setattr("core.spreadsheets.READER_MODULE", "tests.badinput.aborting_reader")
    pid = os.getpid()

    response = upload_roster(agent, agent_app, Factory.roster_xlsx(Factory().people(3, first=20)))

    assert os.getpid() == pid and response.status_code == 200  # this process answered
    page = response.content.decode()
    assert "名单未导入" in page and "导入失败" in page and "读取程序被中止" in page
    assert 'id="upload-new-file"' in page and 'id="import-retry"' not in page
    job = agent_app.imports.first()
    assert (job.status, job.retryable) == (RosterImport.Status.FAILED, False)
    assert agent_app.roster.count() == 2  # the roster in force is untouched
    # …and it keeps answering: the next request and the next (real) import work.
    monkeypatch.undo()
    assert agent.get(reverse("enrollment:list")).status_code == 200
    again = upload_roster(agent, agent_app, Factory.roster_xlsx(Factory().people(3, first=20)))
    assert "成功导入3名职工" in again.content.decode()


def test_the_real_sparse_corner_file_aborts_only_the_isolated_reader(tmp_path):
    """Past the pre-checks (called directly here), calamine asks for 512 GiB and aborts: in the child."""
    path = tmp_path / "sparse.xlsx"
    path.write_bytes(hostile.sparse_corner_template())
    with pytest.raises(SpreadsheetError, match="读取程序被中止"):
        read_isolated(str(path), kind="xlsx", limits=SheetLimits(max_rows=100_000))
    assert os.getpid()  # still here


def test_a_reader_that_hangs_is_stopped_at_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("core.spreadsheets.READER_MODULE", "tests.badinput.sleeping_reader")
    path = tmp_path / "roster.xlsx"
    path.write_bytes(Factory.roster_xlsx(Factory().people(1)))
    beats = []
    with pytest.raises(SpreadsheetError, match="读取文件超过2秒仍未完成"):
        read_isolated(
            str(path),
            kind="xlsx",
            limits=SheetLimits(max_rows=10, timeout_seconds=2),
            heartbeat=lambda: beats.append(1),
        )
    assert beats  # the job's heartbeat went on while the child worked


def test_a_reader_over_its_memory_limit_fails_cleanly(tmp_path):
    """30,000 rows need about 35 MB; with a 20 MB address space the child's allocation fails (Rust aborts,
    Python raises MemoryError) — either way the caller gets a SpreadsheetError and lives on."""
    path = tmp_path / "roster.xlsx"
    path.write_bytes(Factory.roster_xlsx(Factory().people(30_000), constant_memory=True))
    with pytest.raises(SpreadsheetError, match=r"读取程序被中止|占用内存过多"):
        read_isolated(str(path), kind="xlsx", limits=SheetLimits(max_rows=100_000, memory_mb=20))
    rows = read_isolated(str(path), kind="xlsx", limits=SheetLimits(max_rows=100_000))
    assert len(rows) == 30_001


def test_a_background_import_whose_reader_aborts_ends_as_failed(agent_app, settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enrollment.roster_import import roster_import_run
    from enrollment.services import roster_upload

    settings.ROSTER_SYNC_ROWS = 1
    job = roster_upload(
        actor=agent_app.unit.agent,
        application=agent_app,
        upload=SimpleUploadedFile("名单.xlsx", Factory.roster_xlsx(Factory().people(3, first=30))),
    )
    assert job.status == RosterImport.Status.PENDING  # waits for the worker
    monkeypatch.setattr("core.spreadsheets.READER_MODULE", "tests.badinput.aborting_reader")
    job = roster_import_run(import_id=job.pk)  # what the worker's task does
    assert (job.status, job.retryable) == (RosterImport.Status.FAILED, False)
    assert "读取程序被中止" in job.message
    page = client_for(agent_app.unit.agent).get(reverse("enrollment:import_status", args=[agent_app.pk]))
    assert "导入失败" in page.content.decode() and page["HX-Refresh"] == "true"
