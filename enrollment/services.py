"""Writes of enrollment (manual §2). Status changes go through review.engine; all services are atomic."""

import datetime
import logging
import os

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.audit import audit_log, model_diff, records_refusals
from core.dates import check_date, date_bounds, shift_years
from core.errors import BadFile, DomainError, ErrorCode, InvalidTransition, NotAllowed
from core.models import AuditLog
from core.spreadsheets import inspect_spreadsheet
from core.text import bounded_text, clean_filename
from enrollment.amounts import recompute_amounts
from enrollment.documents import roster_xlsx
from enrollment.import_states import LIVE, roster_import_move
from enrollment.models import Application, ApplicationPlan, Coverage, Member, RosterEntry, RosterImport
from enrollment.periods import fee_per_member, twelve_month_period, whole_months
from enrollment.roster import roster_limits
from enrollment.roster_import import plan_columns, roster_import_run
from enrollment.selectors import (
    latest_period,
    main_renewal,
    previous_period_application,
    roster_page,
    running_period,
)
from enrollment.tasks import import_roster
from review.models import BusinessKind, Case, Status
from review.services import case_create
from units.models import Unit

logger = logging.getLogger("enrollment")
Kind = Application.Kind
ImportStatus = RosterImport.Status
__all__ = ["plan_columns", "roster_import_run"]  # the job itself lives in enrollment.roster_import


# --- applications -----------------------------------------------------------------------------------


def _check_plans(plans: dict) -> None:
    if not plans:
        raise DomainError("请至少选择一个保障计划并选择份数")
    for plan, shares in plans.items():
        if not 1 <= shares <= plan.max_shares:
            raise DomainError(f"{plan.name}每人最多{plan.max_shares}份，请填写1到{plan.max_shares}之间的份数")


def _check_period_dates(period_start, period_end, today: datetime.date) -> None:
    """Typed dates within a plausible range: a period starts at most a year back and 3 years ahead."""
    earliest, latest = date_bounds(years_back=1, years_ahead=3, today=today)
    if period_start is not None:
        check_date(period_start, label="保期开始日期", earliest=earliest, latest=latest)
    if period_end is not None:
        check_date(period_end, label="保期结束日期", earliest=earliest, latest=shift_years(latest, 1))


def resolve_period(*, unit: Unit, kind: str, period_start, period_end, today: datetime.date):
    """(start, end, months) for the kind, or DomainError naming the rule."""
    _check_period_dates(period_start, period_end, today)
    if kind == Kind.MAIN:
        renewal = main_renewal(unit, today)
        if renewal is not None:
            return *renewal.period, 12  # renew without a gap
        if period_start is None:
            raise DomainError("请填写保期开始日期")
        return *twelve_month_period(period_start), 12
    latest = latest_period(unit)
    if kind == Kind.RENEWAL:
        if period_start is None or period_end is None:
            raise DomainError("提前续保请手动填写保期开始和结束日期")
        if period_end <= period_start:
            raise DomainError("保期结束日期应晚于开始日期")
        if period_end > twelve_month_period(period_start)[1]:
            raise DomainError("一个保期最长12个月")
        if latest is not None and period_start <= latest.period_end:
            raise DomainError(f"提前续保的保期应在当前保期（至{latest.period_end:%Y-%m-%d}）结束之后开始")
        return period_start, period_end, whole_months(period_start, period_end)
    if kind == Kind.SUPPLEMENT:
        current = running_period(unit, today)  # not `latest`: that may be a paid early renewal
        if current is None:
            raise DomainError("本单位当前没有有效保期，不能追加；请先办理主保期参保")
        start = period_start or today
        if start < max(current.period_start, today) or start > current.period_end:
            raise DomainError(
                f"追加的保障开始日期应在今天至当前保期结束（{current.period_end:%Y-%m-%d}）之间"
            )
        return start, current.period_end, whole_months(start, current.period_end)
    raise DomainError("未知的申请类型")


def _lock_unit(actor, unit: Unit) -> Unit:
    unit = Unit.objects.select_for_update().filter(pk=unit.pk, deleted_at__isnull=True).first()
    if unit is None or unit.agent_id != actor.id:
        raise NotAllowed("您无权为该单位办理参保")
    if not unit.is_approved:
        raise DomainError("单位注册审核通过后才能办理参保")
    return unit


def _title(application: Application) -> str:
    period = f"{application.period_start:%Y-%m-%d}至{application.period_end:%Y-%m-%d}"
    return f"{application.unit.name} {application.get_kind_display()} {period}"


def _write_plan_lines(application: Application, plans: dict, *, on: datetime.date) -> None:
    keep = []
    for plan, shares in plans.items():
        rate = plan.rate_on(on)
        if rate is None:
            raise DomainError(f"{plan.name}尚未设置缴费标准，请联系管理员")
        line, _ = ApplicationPlan.objects.update_or_create(
            application=application,
            plan=plan,
            defaults={
                "shares": shares,
                "fee_per_share": rate.fee_per_share,
                "fee_per_member": fee_per_member(
                    fee_per_share=rate.fee_per_share, shares=shares, months=application.months
                ),
            },
        )
        keep.append(line.pk)
    application.plan_lines.exclude(pk__in=keep).delete()


@records_refusals("application_create", obj="unit")
@transaction.atomic
def application_create(
    *, actor, unit: Unit, kind: str, plans: dict, period_start=None, period_end=None, note=""
) -> Application:
    """【主保期参保】/【补充参保申请】 → 【提交】: the application in 草稿; the roster tab opens next."""
    unit = _lock_unit(actor, unit)
    _check_plans(plans)
    note = bounded_text(note, label="备注", max_length=200)
    today = timezone.localdate()
    start, end, months = resolve_period(
        unit=unit, kind=kind, period_start=period_start, period_end=period_end, today=today
    )
    if kind == Kind.MAIN:
        clash = Application.objects.filter(unit=unit, kind=Kind.MAIN, period_start=start).exclude(
            case__status__in=[Status.DELETED, Status.VOIDED]  # a voided notice: the unit may apply again
        )
        if clash.exists():
            raise DomainError(f"本单位已有{start:%Y-%m-%d}开始的主保期参保申请，请在列表中继续办理")
    application = Application(
        unit=unit, kind=kind, period_start=start, period_end=end, months=months, note=note, created_by=actor
    )
    application.case = case_create(
        kind=BusinessKind.ENROLLMENT, unit=unit, applicant=actor, title=_title(application)
    )
    application.save()
    _write_plan_lines(application, plans, on=today)
    audit_log(
        actor=actor,
        verb="application_create",
        obj=application,
        changes={"kind": kind, "period": f"{start}–{end}"},
    )
    return application


def _lock_editable(actor, application: Application) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("unit", "case__current_step")
        .get(pk=application.pk)
    )
    if application.unit.agent_id != actor.id:
        raise NotAllowed("您无权修改该参保申请")
    if not application.case.is_editable:
        raise InvalidTransition(f"当前状态为“{application.case.status_label}”，不能修改")
    return application


@records_refusals("application_update", obj="application")
@transaction.atomic
def application_update(
    *, actor, application: Application, plans: dict, period_start=None, period_end=None, note=""
) -> Application:
    """编辑 the form of a 草稿/退回 application. A change of plans or 份 clears the roster (re-import)."""
    application = _lock_editable(actor, application)
    _check_plans(plans)
    note = bounded_text(note, label="备注", max_length=200)
    start, end, months = resolve_period(
        unit=application.unit,
        kind=application.kind,
        period_start=period_start,
        period_end=period_end,
        today=timezone.localdate(),
    )
    before = {line.plan_id: line.shares for line in application.plan_lines.all()}
    after = {plan.pk: shares for plan, shares in plans.items()}
    old_record = {
        "period": f"{application.period_start}–{application.period_end}",
        "plans": "、".join(
            f"{line.plan.name}{line.shares}份" for line in application.plan_lines.select_related("plan")
        ),
        "note": application.note,
    }
    period_changed = (start, end) != (application.period_start, application.period_end)
    application.period_start, application.period_end, application.months, application.note = (
        start,
        end,
        months,
        note,
    )
    application.save()
    _write_plan_lines(application, plans, on=timezone.localdate())
    if before != after or period_changed:
        application.roster.all().delete()
        application.roster_count = application.over60_count = 0
        application.save(update_fields=["roster_count", "over60_count"])
    recompute_amounts(application)
    Case.objects.filter(pk=application.case_id).update(title=_title(application))
    new_record = {
        "period": f"{start}–{end}",
        "plans": "、".join(f"{plan.name}{shares}份" for plan, shares in plans.items()),
        "note": note,
    }
    audit_log(
        actor=actor, verb="application_update", obj=application, changes=model_diff(old_record, new_record)
    )
    return application


# --- roster import: ONE entry point for the browser and the API -------------------------------------


def roster_import_runs_now(*, rows: int | None, size: int) -> bool:
    """The one rule "now or in the background": up to ROSTER_SYNC_ROWS rows (an .xls, whose rows only the
    reader can count: up to ROSTER_SYNC_BYTES) the import runs in the request, else in the worker."""
    if rows is None:
        return size <= settings.ROSTER_SYNC_BYTES
    return rows <= settings.ROSTER_SYNC_ROWS


def _run_now_or_queue(job: RosterImport, *, rows: int | None, size: int) -> bool:
    """Inside the transaction that created (or re-queued) JOB: True when the caller runs it right after
    the commit, else the worker gets it once the commit is done."""
    now = roster_import_runs_now(rows=rows, size=size)
    if not now:
        transaction.on_commit(lambda: import_roster.enqueue(job.pk))
    return now


def _roster_import_begin(
    *, actor, application: Application, rows: int | None, size: int, **job
) -> tuple[RosterImport, bool]:
    """The import row of an upload or a copied roster, with the application locked (editable, no live
    import) and the audit row written; and whether it runs now (small) or in the worker (large)."""
    with transaction.atomic():
        application = _check_importable(actor, application, lock=True)
        job = RosterImport.objects.create(
            application=application, created_by=actor, total_rows=rows or 0, **job
        )
        changes = {"rows": job.total_rows, "only_valid_rows": job.only_valid_rows}
        if job.source_id:
            changes["source"] = f"沿用上一保期名单（申请{job.source_id}）"
        audit_log(
            actor=actor, verb="roster_upload", obj=application, changes={"file": job.original_name, **changes}
        )
        return job, _run_now_or_queue(job, rows=rows, size=size)


def _run_if_now(job: RosterImport, now: bool) -> RosterImport:
    """After the commit: a small import runs here and returns finished; a large one returns queued."""
    if now:
        return roster_import_run(import_id=job.pk)
    job.refresh_from_db()
    return job


@records_refusals("roster_upload", obj="application")
def roster_upload(*, actor, application: Application, upload, only_valid_rows: bool = False) -> RosterImport:
    """【导入参保职工名单】 → 【上传】 (and POST /api/v1/applications/<id>/roster).

    Cheap pre-checks on the raw file (core.spreadsheets: zip parts, dimension, row count, cell sizes) refuse
    a hostile or oversized file with one message before anything parses it and before anything is stored.
    A file that passes is stored with an import row; the import then reads it once — in this request when
    it is small, in the worker otherwise (`roster_import_runs_now`). Returns the import row as it stands.
    """
    if upload is None:
        raise BadFile("请选择要上传的名单文件")
    if upload.size > settings.ROSTER_MAX_BYTES:
        limit = settings.ROSTER_MAX_BYTES // 1048576
        raise BadFile(f"文件过大：名单文件不能超过 {limit} MB", code=ErrorCode.TOO_LARGE)
    _check_importable(actor, application)
    facts = inspect_spreadsheet(upload, name=upload.name or "", limits=roster_limits())
    name = os.path.splitext(clean_filename(upload.name, default="名单"))[0][:190] + "." + facts.kind
    storage = RosterImport.file.field.storage  # encrypted before it reaches the backend (core.storage)
    stored = storage.save(RosterImport.file.field.generate_filename(None, name), upload)
    try:
        job, now = _roster_import_begin(
            actor=actor,
            application=application,
            rows=facts.rows,
            size=upload.size,
            file=stored,
            original_name=name,
            only_valid_rows=only_valid_rows,
        )
    except BaseException:
        storage.delete(stored)
        raise
    return _run_if_now(job, now)


@records_refusals("roster_upload", obj="application")  # 沿用上一保期名单 is an upload of a roster
def roster_from_previous(*, actor, application: Application) -> RosterImport:
    """沿用上一保期名单: a renewal starts from the previous period's roster. Its rows are checked like an
    uploaded file's (the same row rules and database checks), and only the valid rows are kept."""
    previous = previous_period_application(application)
    if previous is None:
        raise DomainError("没有可沿用的上一保期名单")
    job, now = _roster_import_begin(
        actor=actor,
        application=application,
        rows=previous.roster_count,
        size=0,
        source=previous,
        original_name=PREVIOUS_ROSTER,
        only_valid_rows=True,
    )
    return _run_if_now(job, now)


def _check_importable(actor, application: Application, *, lock: bool = False) -> Application:
    """Editable by this agent and no live import (a stale one is marked 导入失败 first)."""
    if lock:
        application = _lock_editable(actor, application)
    else:
        application = Application.objects.select_related("unit", "case__current_step").get(pk=application.pk)
        if application.unit.agent_id != actor.id:
            raise NotAllowed("您无权修改该参保申请")
        if not application.case.is_editable:
            raise InvalidTransition(f"当前状态为“{application.case.status_label}”，不能修改")
    roster_imports_expire(application=application)
    if application.imports.filter(status__in=LIVE).exists():
        raise DomainError("上一次导入还在进行中，请等待完成后再上传")
    return application


PREVIOUS_ROSTER = "上一保期名单"
INTERRUPTED = "导入中断：后台处理在完成前停止了（例如服务重启），名单没有任何改动。请点击【重新导入】"
NOT_STARTED = "后台导入长时间未能开始，名单没有任何改动。请点击【重新导入】"


def roster_imports_expire(*, application: Application) -> int:
    """Mark this application's dead imports 导入失败 (retryable): running ones whose heartbeat is older
    than ROSTER_STALE_SECONDS, queued ones never started within ROSTER_PENDING_STALE_SECONDS."""
    now = timezone.now()
    jobs = RosterImport.objects.filter(application=application)
    dead = (
        (
            ImportStatus.RUNNING,
            jobs.filter(heartbeat_at__lt=now - datetime.timedelta(seconds=settings.ROSTER_STALE_SECONDS)),
            INTERRUPTED,
        ),
        (
            ImportStatus.PENDING,
            jobs.filter(
                created_at__lt=now - datetime.timedelta(seconds=settings.ROSTER_PENDING_STALE_SECONDS)
            ),
            NOT_STARTED,
        ),
    )
    expired = 0
    for status, stale, message in dead:
        if stale.filter(status=status).exists():  # a read first: the progress bar polls this every second
            count = roster_import_move(
                stale,
                source=status,
                target=ImportStatus.FAILED,
                message=message,
                retryable=True,
                finished_at=now,
            )
            expired += count
            audit_log(
                actor=None,
                verb="roster_import",
                obj=application,
                outcome=AuditLog.Outcome.FAILED,
                changes={"reason": message, "imports": count},
            )
    return expired


def roster_import_current(*, application: Application, pk: int | None = None) -> RosterImport | None:
    """The application's latest import (or its import PK) as it stands now: dead imports are marked
    导入失败 first. The progress bar, the roster tab and the API poll this."""
    roster_imports_expire(application=application)
    imports = application.imports.all()
    return imports.filter(pk=pk).first() if pk is not None else imports.first()


@records_refusals("roster_import_retry", obj="job")
def roster_import_retry(*, actor, job: RosterImport) -> RosterImport:
    """【重新导入】 an interrupted import (or one that failed for a reason of ours) from the stored file."""
    with transaction.atomic():
        application = _lock_editable(actor, job.application)
        roster_imports_expire(application=application)
        job = RosterImport.objects.select_for_update().get(pk=job.pk, application=application)
        if job.status in LIVE:
            raise DomainError("导入还在进行中，请稍候")
        if job.status != ImportStatus.FAILED:
            raise DomainError("该导入已经结束，无需重新导入；如需更换名单请上传新文件")
        if not job.retryable:
            raise DomainError("该文件本身无法导入，重新导入也不会成功：请修改后点击【上传新文件】")
        roster_import_move(
            job.pk,
            source=ImportStatus.FAILED,
            target=ImportStatus.PENDING,
            processed_rows=0,
            message="",
            heartbeat_at=None,
            finished_at=None,
            created_at=timezone.now(),
        )
        size = job.file.size if job.file else 0
        now = _run_now_or_queue(job, rows=job.total_rows or None, size=size)
    return _run_if_now(job, now)


# --- 【导出名单】 ----------------------------------------------------------------------------------------


@transaction.atomic
def roster_export_xlsx(*, actor, application, query: str = "", full: bool = False) -> bytes:
    """The roster (or the rows matching QUERY) as xlsx, masked; FULL (for a role that may see full values,
    decided by the caller) carries the ID numbers and mobiles as submitted. Every export is an audit row
    (who, which application, how many rows, whether full)."""
    entries = roster_page(application, query=query)
    lines = list(application.plan_lines.select_related("plan"))
    content = roster_xlsx(application, entries, lines, full=full)
    changes = {"query": query, "rows": entries.count()}
    if full:
        changes["full"] = True
    audit_log(actor=actor, verb="roster_export", obj=application, changes=changes)
    return content


# --- 保期生效: coverages from the roster, in finance's confirmation transaction -------------------------


def coverage_create_for(*, application: Application) -> int:
    """Create the roster's members who are not members yet, and one Coverage per member and plan. Runs
    inside 收款确认. Both are INSERT … SELECT from the roster, set-based in the database: no row passes
    through Python (for 100,000 members, model instances and bulk_create took 40 of 68 s; see
    docs/benchmarks.md), the auto_now/auto_now_add value is computed once, and member ids are joined, not
    looked up."""
    quote = connection.ops.quote_name
    roster, member, coverage = (quote(m._meta.db_table) for m in (RosterEntry, Member, Coverage))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {member} (id_number, name, sex, birth_date, mobile, updated_at)"
            f" SELECT r.id_number, r.name, r.sex, r.birth_date, r.mobile, %s FROM {roster} r"
            f" WHERE r.application_id = %s"
            f" AND NOT EXISTS (SELECT 1 FROM {member} m WHERE m.id_number = r.id_number)"
            f" ORDER BY r.row_number",
            [now, application.pk],
        )
        created = 0
        for line in application.plan_lines.select_related("plan"):
            shares = _json_key_sql(connection.vendor)
            cursor.execute(
                f"INSERT INTO {coverage} (member_id, unit_id, plan_id, application_id, shares, start,"
                f" {quote('end')}, created_at)"
                f" SELECT m.id, %s, %s, %s, {shares}, %s, %s, %s FROM {roster} r"
                f" JOIN {member} m ON m.id_number = r.id_number"
                f" WHERE r.application_id = %s AND {shares} IS NOT NULL ORDER BY r.row_number",
                [
                    *(application.unit_id, line.plan_id, application.pk),
                    _json_key(connection.vendor, line.plan.code),
                    *(application.period_start, application.period_end, now, application.pk),
                    _json_key(connection.vendor, line.plan.code),
                ],
            )
            created += cursor.rowcount
    return created


def _json_key_sql(vendor: str) -> str:
    """SQL for "the roster row's 份 of one plan" (the plan code, or its JSON path, is the parameter)."""
    return "CAST(r.shares ->> %s AS integer)" if vendor == "postgresql" else "json_extract(r.shares, %s)"


def _json_key(vendor: str, code: str) -> str:
    return code if vendor == "postgresql" else f'$."{code}"'


def refreeze_fees(*, application: Application, on: datetime.date) -> None:
    """At approval, the fee in force that day is written into the lines and kept from then on."""
    plans = {line.plan: line.shares for line in application.plan_lines.select_related("plan")}
    _write_plan_lines(application, plans, on=on)
    recompute_amounts(application)
