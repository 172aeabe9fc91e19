"""名单导入 through the services: row errors, all or nothing, conflicts with the database, now or in the
background, retry."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.errors import BadFile, DomainError, InvalidTransition, NotAllowed
from core.models import AuditLog
from enrollment.models import Application, RosterEntry, RosterImport
from enrollment.roster import RosterFileError
from enrollment.services import (
    roster_from_previous,
    roster_import_retry,
    roster_import_run,
    roster_upload,
)
from enrollment.tests.support import D, paid_period, submit

Kind = Application.Kind
Status = RosterImport.Status


# --- roster import ------------------------------------------------------------------------------------


def test_a_roster_with_one_bad_row_imports_nothing_and_lists_the_errors(factory):
    application = factory.application()
    rows = factory.people(3)
    rows[1][2] = rows[1][2][:-1] + ("0" if rows[1][2][-1] != "0" else "1")
    job = factory.import_roster(application, rows)
    assert job.status == RosterImport.Status.REJECTED
    assert job.errors == [[3, "身份证号", "身份证号校验位错误，请核对"]]
    assert job.error_count == 1
    assert "未导入任何职工" in job.message
    assert not RosterEntry.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert (application.roster_count, application.total_amount) == (0, Decimal("0.00"))


def test_only_valid_rows_imports_the_good_rows_and_keeps_the_error_list(factory):
    application = factory.application()
    rows = factory.people(3)
    rows[1][1] = ""
    job = factory.import_roster(application, rows, only_valid_rows=True)
    assert job.status == RosterImport.Status.SUCCEEDED
    assert (job.imported_rows, job.error_count) == (2, 1)
    assert job.errors == [[3, "姓名", "姓名不能为空"]]
    assert job.message == "成功导入2名职工，跳过1处错误"
    assert list(application.roster.values_list("row_number", flat=True)) == [2, 4]


def test_a_rejected_import_leaves_the_previous_roster_untouched(factory):
    application = factory.application(rows=factory.people(2))
    bad = factory.people(5, first=10)
    bad[4][1] = None
    assert factory.import_roster(application, bad).status == RosterImport.Status.REJECTED
    assert application.roster.count() == 2


def test_a_new_import_replaces_the_roster(factory):
    application = factory.application(rows=factory.people(3))
    job = factory.import_roster(application, factory.people(2, first=10))
    assert job.status == RosterImport.Status.SUCCEEDED
    expected = [row[2] for row in factory.people(2, first=10)]
    assert list(application.roster.values_list("id_number", flat=True)) == expected
    application.refresh_from_db()
    assert application.roster_count == 2


def test_the_plan_lines_and_the_total_follow_the_imported_roster(factory):
    application = factory.application(plans={"ZJ": 2, "YW": 3, "NG": 1})
    men = factory.people(3, shares=[2, None, 3])  # columns follow the plan order: ZJ, NG, YW
    women = factory.people(2, shares=[2, 1, None], female=True, first=3)
    job = factory.import_roster(application, men + women)
    assert job.status == RosterImport.Status.SUCCEEDED, job.errors
    lines = {
        line.plan.code: (line.member_count, line.fee_per_member, line.amount)
        for line in application.plan_lines.select_related("plan")
    }
    assert lines == {
        "ZJ": (5, Decimal("60.00"), Decimal("300.00")),
        "NG": (2, Decimal("20.00"), Decimal("40.00")),
        "YW": (3, Decimal("78.00"), Decimal("234.00")),
    }
    application.refresh_from_db()
    assert application.total_amount == Decimal("574.00")
    assert (application.roster_count, application.over60_count) == (5, 0)


def test_the_sixty_plus_count_is_kept_on_the_application_and_the_import(factory):
    application = factory.application(period_start=D(2027, 1, 1))
    old = factory.people(2, birth=D(1960, 1, 1))
    job = factory.import_roster(application, old + factory.people(1, first=10))
    assert job.status == RosterImport.Status.SUCCEEDED
    assert job.over60_count == 2
    application.refresh_from_db()
    assert application.over60_count == 2


def test_someone_already_covered_by_this_unit_for_an_overlapping_period_is_a_row_error(factory, clock):
    unit = factory.approved_unit()
    covered = factory.people(2)
    paid_period(factory, clock, unit, covered)
    clock(D(2026, 12, 15))
    supplement = factory.application(unit, kind=Kind.SUPPLEMENT)
    job = factory.import_roster(supplement, [covered[0], *factory.people(1, first=20)])
    assert job.status == RosterImport.Status.REJECTED
    assert job.errors == [
        [
            2,
            "重大疾病互助保障(份)",
            "本单位已为其参加重大疾病互助保障（保期2026-04-01至2027-03-31），与本次保期重叠",
        ]
    ]
    assert not supplement.roster.exists()


def test_someone_covered_by_another_unit_for_the_same_plan_and_period_is_a_row_error(factory, clock):
    covered = factory.people(2)
    paid_period(factory, clock, factory.approved_unit(), covered)
    clock(D(2026, 5, 10))
    other = factory.application(factory.approved_unit(), period_start=D(2026, 6, 1), plans={"ZJ": 1, "YW": 1})
    zj_and_yw = [*covered[0][:4], 1, 1]
    only_yw = [*covered[1][:4], None, 1]
    job = factory.import_roster(other, [zj_and_yw, only_yw], only_valid_rows=True)
    assert job.errors == [
        [
            2,
            "重大疾病互助保障(份)",
            "已在其他单位参加重大疾病互助保障且保期重叠，同一计划同一期间不能重复参保",
        ]
    ]
    assert list(other.roster.values_list("id_number", flat=True)) == [covered[1][2]]  # another plan is fine


def test_a_later_period_of_the_same_member_is_no_conflict(factory, clock):
    covered = factory.people(1)
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, covered)
    clock(D(2027, 3, 5))
    renewal = factory.application(unit)
    assert factory.import_roster(renewal, covered).status == RosterImport.Status.SUCCEEDED


def test_someone_on_another_application_in_review_is_a_row_error(factory):
    person = factory.people(1)
    first = factory.application(period_start=D(2027, 1, 1), rows=person)
    submit(first)
    second = factory.application(period_start=D(2027, 2, 1))
    job = factory.import_roster(second, person)
    assert job.status == RosterImport.Status.REJECTED
    assert "其他单位审核中或待缴费的参保申请中参加重大疾病互助保障" in job.errors[0][2]


def test_a_file_that_is_not_a_spreadsheet_is_refused_before_any_import_is_recorded(factory):
    application = factory.application()
    with pytest.raises(RosterFileError, match="不是Excel表格"):
        roster_upload(
            actor=application.unit.agent,
            application=application,
            upload=factory.upload(b"%PDF-1.4 not a roster", "名单.xlsx"),
        )
    assert not RosterImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(factory, settings):
    settings.ROSTER_MAX_BYTES = 2 * 1048576
    application = factory.application()
    with pytest.raises(BadFile, match="文件过大：名单文件不能超过 2 MB"):
        roster_upload(
            actor=application.unit.agent,
            application=application,
            upload=factory.upload(b"PK\x03\x04" + b"0" * (2 * 1048576), "名单.xlsx"),
        )
    assert not RosterImport.objects.exists()


def test_a_wrong_template_fails_the_import_with_one_clear_message(factory):
    application = factory.application(plans={"ZJ": 1, "YW": 1})
    content = factory.roster_xlsx(factory.people(2), codes=["ZJ"])
    job = factory.import_roster(application, content)
    assert job.status == RosterImport.Status.FAILED
    assert "表头与模板不一致：缺少列：“意外伤害互助保障(份)”" in job.message
    assert (
        "模板表头应为：序号 | 姓名 | 身份证号 | 手机号 | 重大疾病互助保障(份) | 意外伤害互助保障(份)"
        in job.message
    )
    assert not job.retryable  # the same file can never pass: 上传新文件, not 重新导入
    assert not application.roster.exists()


def test_only_the_units_agent_may_import_and_only_while_editable(factory):
    application = factory.application(rows=factory.people(1))
    content = factory.roster_xlsx(factory.people(2))
    with pytest.raises(NotAllowed):
        roster_upload(actor=factory.agent(), application=application, upload=factory.upload(content))
    submit(application)
    with pytest.raises(InvalidTransition, match="不能修改"):
        roster_upload(actor=application.unit.agent, application=application, upload=factory.upload(content))
    assert application.imports.count() == 1


def test_an_import_in_progress_blocks_a_new_upload_until_it_is_stale(factory, settings):
    application = factory.application()
    RosterImport.objects.create(
        application=application,
        original_name="big.xlsx",
        created_by=application.unit.agent,
        status=RosterImport.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )
    content = factory.roster_xlsx(factory.people(1))
    with pytest.raises(DomainError, match="上一次导入还在进行中"):
        roster_upload(actor=application.unit.agent, application=application, upload=factory.upload(content))
    settings.ROSTER_STALE_SECONDS = 0
    job = roster_upload(actor=application.unit.agent, application=application, upload=factory.upload(content))
    stale = application.imports.get(original_name="big.xlsx")
    assert stale.status == RosterImport.Status.FAILED and stale.retryable
    assert stale.message.startswith("导入中断")
    assert roster_import_run(import_id=job.pk).status == RosterImport.Status.SUCCEEDED


def test_a_roster_over_the_sync_limit_waits_for_the_background_worker(
    factory, settings, django_capture_on_commit_callbacks
):
    settings.ROSTER_SYNC_ROWS = 2
    application = factory.application()
    content = factory.roster_xlsx(factory.people(3))
    with django_capture_on_commit_callbacks(execute=True):
        job = roster_upload(
            actor=application.unit.agent, application=application, upload=factory.upload(content)
        )
    assert (job.status, job.total_rows) == (RosterImport.Status.PENDING, 3)
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "enrollment.tasks.import_roster"
    assert task.args_kwargs["args"] == [job.pk]
    assert not application.roster.exists()


def test_an_interrupted_small_import_is_retried_from_the_stored_file(factory, settings):
    application = factory.application()
    content = factory.roster_xlsx(factory.people(2))
    job = roster_upload(actor=application.unit.agent, application=application, upload=factory.upload(content))
    RosterImport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    with pytest.raises(DomainError, match="导入还在进行中"):
        roster_import_retry(actor=application.unit.agent, job=job)
    settings.ROSTER_STALE_SECONDS = 0
    job = roster_import_retry(actor=application.unit.agent, job=job)
    assert job.status == RosterImport.Status.SUCCEEDED
    assert application.roster.count() == 2
    with pytest.raises(DomainError, match="该导入已经结束"):
        roster_import_retry(actor=application.unit.agent, job=job)


# --- 沿用上一保期名单: the previous roster, checked like a file --------------------------------------------


@pytest.fixture
def renewal_after_a_paid_period(factory, clock):
    """A unit whose 2026-04 period (3 members) is paid, and the main application that follows it."""
    unit = factory.approved_unit()
    rows = factory.people(3)
    previous = paid_period(factory, clock, unit, rows)
    clock(D(2027, 3, 5))
    return previous, factory.application(unit), rows


def test_a_renewal_copies_the_previous_roster_without_any_file(factory, renewal_after_a_paid_period):
    previous, renewal, rows = renewal_after_a_paid_period

    job = roster_from_previous(actor=renewal.unit.agent, application=renewal)

    assert (job.status, job.imported_rows, job.source, job.file.name) == (Status.SUCCEEDED, 3, previous, "")
    assert sorted(renewal.roster.values_list("id_number", flat=True)) == sorted(r[2] for r in rows)
    (upload,) = AuditLog.objects.filter(verb="roster_upload", object_id=str(renewal.pk))
    assert upload.changes["source"] == f"沿用上一保期名单（申请{previous.pk}）"


def test_a_copied_roster_goes_through_the_row_rules_of_an_upload(factory, renewal_after_a_paid_period):
    """Someone now on another unit's application in review for the same period is skipped with the same
    row error a file would get; the others are imported."""
    _previous, renewal, rows = renewal_after_a_paid_period
    elsewhere = factory.application(factory.approved_unit(org="市北区"), rows=[rows[0]])
    submit(elsewhere)

    job = roster_from_previous(actor=renewal.unit.agent, application=renewal)

    assert (job.status, job.imported_rows, job.error_count) == (Status.SUCCEEDED, 2, 1)
    assert "其他单位审核中或待缴费的参保申请" in job.errors[0][2]
    assert rows[0][2] not in set(renewal.roster.values_list("id_number", flat=True))


def test_a_large_previous_roster_is_copied_by_the_background_worker(
    factory, renewal_after_a_paid_period, settings, django_capture_on_commit_callbacks
):
    _previous, renewal, _rows = renewal_after_a_paid_period
    settings.ROSTER_SYNC_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        job = roster_from_previous(actor=renewal.unit.agent, application=renewal)
    assert (job.status, job.total_rows) == (Status.PENDING, 3)
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).exists()

    assert roster_import_run(import_id=job.pk).status == Status.SUCCEEDED
    assert renewal.roster.count() == 3


def test_there_is_nothing_to_copy_for_a_first_period(factory):
    application = factory.application()
    with pytest.raises(DomainError, match="没有可沿用的上一保期名单"):
        roster_from_previous(actor=application.unit.agent, application=application)
    assert not RosterImport.objects.exists()


def test_the_progress_stored_when_the_check_ends_is_the_last_count_it_reported(
    factory, settings, monkeypatch
):
    """Counts reported faster than they are written (every 1,000 rows, at most one UPDATE per
    PROGRESS_SECONDS) still leave the bar at the last reported count while the database checks run."""
    import enrollment.roster_import as job_module

    settings.ROSTER_SYNC_ROWS = 10_000  # in the request, as the worker would do it
    monkeypatch.setattr(job_module, "PROGRESS_SECONDS", 3600)  # only the first count is written on the way
    application = factory.application()
    seen = []
    checks = job_module._check_against_database

    def record_then_check(app, result, *, heartbeat):
        seen.append(RosterImport.objects.get(application=app).processed_rows)
        checks(app, result, heartbeat=heartbeat)

    monkeypatch.setattr(job_module, "_check_against_database", record_then_check)
    job = factory.import_roster(application, factory.people(2500))
    assert job.status == Status.SUCCEEDED
    assert seen == [2000]
    assert (job.processed_rows, job.imported_rows) == (2500, 2500)
