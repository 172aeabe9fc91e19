"""One roster import job (名单导入), wherever it runs: in the request for a small file, in the worker for
a large one. The file was pre-checked when it was uploaded (enrollment.services.roster_upload); here it
is read ONCE, by the isolated reader, checked row by row, and the roster is replaced in one transaction.
A copied roster (沿用上一保期名单) gives its rows directly, checked by the same rules.

The job's state lives in its RosterImport row. Progress and heartbeat are committed as the rows are
checked; the write itself is atomic, so a process that dies at any point leaves the previous roster
untouched and a row whose stale heartbeat shows it as 导入失败 with 【重新导入】.
"""

import json
import logging
import os
import shutil
import tempfile
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_log
from core.bulk import insert_rows, temporary_values
from core.errors import DomainError, InvalidTransition
from core.models import AuditLog
from core.spreadsheets import read_isolated, sheet_kind
from enrollment.amounts import recompute_amounts
from enrollment.import_states import LIVE, roster_import_move
from enrollment.models import Application, RosterEntry, RosterImport
from enrollment.roster import (
    PlanColumn,
    RosterCheck,
    RosterFileError,
    RosterRow,
    check_roster,
    roster_limits,
    roster_rows,
)
from enrollment.selectors import covered_conflicts, open_roster_conflicts

logger = logging.getLogger("enrollment")
Status = RosterImport.Status
PROGRESS_SECONDS = 0.5  # the progress bar polls about every second
SYSTEM_ERROR = "导入失败：系统处理名单时出错，名单没有任何改动，请稍后点击【重新导入】"


def plan_columns(application: Application) -> list[PlanColumn]:
    return [
        PlanColumn(
            code=line.plan.code,
            name=line.plan.name,
            shares=line.shares,
            min_age=line.plan.min_age,
            female_only=line.plan.sex == "female",
        )
        for line in application.plan_lines.select_related("plan").order_by("plan__position")
    ]


def roster_import_run(*, import_id: int) -> RosterImport:
    """Do one import: read (isolated), check every row, then replace the roster in ONE transaction."""
    claimed = roster_import_move(
        import_id, source=LIVE, target=Status.RUNNING, heartbeat_at=timezone.now(), processed_rows=0
    )
    job = RosterImport.objects.select_related("application__unit", "application__case").get(pk=import_id)
    if not claimed:
        return job
    application = job.application

    def beat(done=None):
        changes = {"heartbeat_at": timezone.now()}
        if done is not None:
            changes["processed_rows"] = done
        RosterImport.objects.filter(pk=job.pk).update(**changes)

    # The row check reports every 1,000 rows; an UPDATE per report cost more than checking the rows
    # (100 per 100,000-row file). The count is written at most every PROGRESS_SECONDS, and the last one
    # reported when the check ends, so the progress bar and the stored count end where they did.
    unwritten = [None, 0.0]  # the last count not yet written, when the count was last written

    def progress(done, total):
        now = time.monotonic()
        if now - unwritten[1] >= PROGRESS_SECONDS:
            beat(done)
            unwritten[:] = [None, now]
        else:
            unwritten[0] = done

    try:
        rows = _rows(job, heartbeat=beat)
        result = check_roster(
            rows,
            plans=plan_columns(application),
            period_start=application.period_start,
            max_rows=settings.ROSTER_MAX_ROWS,
            progress=progress,
        )
        if unwritten[0] is not None:
            beat(unwritten[0])
        del rows
        if not job.total_rows:  # an .xls: only the reader could count
            RosterImport.objects.filter(pk=job.pk).update(total_rows=result.total)
        _check_against_database(application, result, heartbeat=beat)
    except RosterFileError as error:  # the file itself: retrying cannot help, a new file can
        return _finish(job, Status.FAILED, message=error.message)
    except Exception:
        logger.exception("roster import %s failed", job.pk)
        return _finish(job, Status.FAILED, message=SYSTEM_ERROR, retryable=True)
    return _conclude(job, application, result)


def _conclude(job: RosterImport, application: Application, result: RosterCheck) -> RosterImport:
    """The checked rows decide: rejected (errors, and not 只导入正确的行), nothing valid, or written."""
    errors = sorted(result.errors)
    if errors and not job.only_valid_rows:
        return _finish(
            job,
            Status.REJECTED,
            errors=errors,
            over60=result.over60,
            message=f"名单中有{len(errors)}处错误，未导入任何职工。请修改后重新上传，或选择“只导入正确的行”",
        )
    if not result.rows:
        return _finish(job, Status.REJECTED, errors=errors, message="没有可导入的正确行")
    try:
        _write(job, application, result, errors)
    except DomainError as error:
        return _finish(job, Status.FAILED, message=error.message)
    job.refresh_from_db()
    return job


def _rows(job: RosterImport, *, heartbeat) -> list[list]:
    """The rows to check, header first: from the uploaded file, or from the roster it copies."""
    if job.source_id is None:
        return _read(job, heartbeat=heartbeat)
    entries = job.source.roster.order_by("row_number").values_list("name", "id_number", "mobile", "shares")
    return roster_rows(entries, plans=plan_columns(job.application))


def _read(job: RosterImport, *, heartbeat) -> list[list]:
    """The stored file, copied to a local temporary file (storage may be S3), read by the isolated reader."""
    suffix = os.path.splitext(job.file.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as local:
        with job.file.open("rb") as stored:
            shutil.copyfileobj(stored, local, 1024 * 1024)
        local.flush()
        local.seek(0)
        kind = sheet_kind(local.read(8), job.file.name)
        if kind is None:
            raise RosterFileError("文件不是Excel表格：请上传 .xlsx（或 .xls、.csv）格式的参保职工名单")
        return read_isolated(local.name, kind=kind, limits=roster_limits(), heartbeat=heartbeat)


def _write(job: RosterImport, application: Application, result: RosterCheck, errors: list) -> None:
    """Replace the roster and end the import 导入成功, together; an import that is no longer running (an
    expiry marked it 导入失败 meanwhile) writes nothing."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",)).select_related("case").get(pk=application.pk)
        )
        if not locked.case.is_editable:
            raise InvalidTransition(f"申请当前状态为“{locked.case.status_label}”，不能再导入名单")
        _replace_roster(locked, result)
        moved = roster_import_move(
            job.pk,
            source=Status.RUNNING,
            target=Status.SUCCEEDED,
            processed_rows=result.total,
            imported_rows=len(result.rows),
            error_count=len(errors),
            errors=[list(e) for e in errors],
            over60_count=result.over60,
            message=f"成功导入{len(result.rows)}名职工" + (f"，跳过{len(errors)}处错误" if errors else ""),
            retryable=False,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        if not moved:
            raise InvalidTransition("导入已中断，名单没有任何改动")
        audit_log(
            actor=job.created_by,
            verb="roster_import",
            obj=locked,
            changes={"rows": len(result.rows), "file": job.original_name},
        )


def _finish(job, status, *, errors=(), over60=0, message="", retryable=False) -> RosterImport:
    """End an import that imported nothing (rejected or failed) — recorded in the audit trail too. One
    that is no longer running (expired meanwhile) keeps the state and the record it already has."""
    moved = roster_import_move(
        job.pk,
        source=Status.RUNNING,
        target=status,
        errors=[list(e) for e in errors],
        error_count=len(errors),
        over60_count=over60,
        message=message[:300],
        retryable=retryable,
        finished_at=timezone.now(),
        processed_rows=F("total_rows"),
    )
    if moved:
        audit_log(
            actor=job.created_by,
            verb="roster_import",
            obj=job.application,
            outcome=AuditLog.Outcome.REFUSED if status == Status.REJECTED else AuditLog.Outcome.FAILED,
            changes={"file": job.original_name, "errors": len(errors), "reason": message},
        )
    job.refresh_from_db()
    return job


def _check_against_database(application: Application, result: RosterCheck, *, heartbeat) -> None:
    """Rules that need the database: overlapping coverage (this unit / another unit) and open applications."""
    codes = {line.plan.code: line.plan for line in application.plan_lines.select_related("plan")}
    by_id = {row.id_number: row for row in result.rows}
    clashes: dict[str, list[tuple[str, str]]] = {}
    # the file's ID numbers in a temporary table: two set-based queries (were 2 per 900 IDs: 224 for 100,000)
    with temporary_values("roster_check_ids", list(by_id)) as id_numbers:
        for id_number, code, message in covered_conflicts(application, id_numbers, codes):
            clashes.setdefault(id_number, []).append((code, message))
        heartbeat()
        for id_number, code, message in open_roster_conflicts(application, id_numbers, codes):
            clashes.setdefault(id_number, []).append((code, message))
        heartbeat()
    if not clashes:
        return
    kept = []
    for row in result.rows:
        found = [(code, message) for code, message in clashes.get(row.id_number, []) if code in row.shares]
        if not found:
            kept.append(row)
            continue
        for code, message in found:
            result.add_error(row.row_number, f"{codes[code].name}(份)", message)
    result.rows = kept


def _replace_roster(application: Application, result: RosterCheck) -> None:
    """Delete and insert the roster: COPY on PostgreSQL, large executemany batches on SQLite (core.bulk) —
    for 100,000 rows the ORM's per-field preparation in bulk_create took most of the import time."""
    application.roster.all().delete()
    names = ["application", "row_number", "name", "id_number", "mobile", "sex", "birth_date", "shares"]
    pk = application.pk
    shares_json: dict[tuple, str] = {}  # nearly every row has the same 份: json.dumps once per kind

    def shares(row: RosterRow) -> str:
        key = tuple(row.shares.items())
        text = shares_json.get(key)
        if text is None:
            text = shares_json[key] = json.dumps(row.shares)
        return text

    insert_rows(
        RosterEntry,
        names,
        (
            (pk, r.row_number, r.name, r.id_number, r.mobile, r.sex, r.birth_date, shares(r))
            for r in result.rows
        ),
    )
    application.roster_count = len(result.rows)
    application.over60_count = result.over60
    application.save(update_fields=["roster_count", "over60_count"])
    recompute_amounts(application)
