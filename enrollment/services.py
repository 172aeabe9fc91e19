"""Writes of enrollment (manual §2). Status changes go through review.engine; all services are atomic."""

import datetime
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_log, model_diff, records_refusals
from core.errors import BadFile, DomainError, InvalidTransition, NotAllowed
from core.models import AuditLog
from enrollment.models import Application, ApplicationPlan, Coverage, Member, RosterEntry, RosterImport
from enrollment.periods import fee_per_member, twelve_month_period, whole_months
from enrollment.roster import PlanColumn, RosterCheck, RosterFileError, check_roster, chunks, read_rows
from enrollment.selectors import covered_conflicts, latest_period, open_roster_conflicts, running_period
from review.models import BusinessKind, Case, Status
from review.services import case_create
from units.models import Unit

logger = logging.getLogger("enrollment")
Kind = Application.Kind
BATCH = 2000


# --- applications -----------------------------------------------------------------------------------


def _check_plans(plans: dict) -> None:
    if not plans:
        raise DomainError("请至少选择一个保障计划并填写份数")
    for plan, shares in plans.items():
        if not 1 <= shares <= plan.max_shares:
            raise DomainError(f"{plan.name}每人最多{plan.max_shares}份，请填写1到{plan.max_shares}之间的份数")


def resolve_period(*, unit: Unit, kind: str, period_start, period_end, today: datetime.date):
    """(start, end, months) for the kind, or DomainError naming the rule."""
    latest = latest_period(unit)
    if kind == Kind.MAIN:
        if latest is not None and latest.period_end >= today:
            period_start = latest.period_end + datetime.timedelta(days=1)  # renew without a gap
        if period_start is None:
            raise DomainError("请填写保期开始日期")
        start, end = twelve_month_period(period_start)
        return start, end, 12
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
    today = timezone.localdate()
    start, end, months = resolve_period(
        unit=unit, kind=kind, period_start=period_start, period_end=period_end, today=today
    )
    if kind == Kind.MAIN:
        clash = Application.objects.filter(unit=unit, kind=Kind.MAIN, period_start=start).exclude(
            case__status__in=[Status.DELETED]
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
    _recompute_amounts(application)
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


def _recompute_amounts(application: Application) -> None:
    total = 0
    for line in application.plan_lines.select_related("plan"):
        count = application.roster.filter(**{f"shares__{line.plan.code}__isnull": False}).count()
        line.member_count = count
        line.fee_per_member = fee_per_member(
            fee_per_share=line.fee_per_share, shares=line.shares, months=application.months
        )
        line.amount = line.fee_per_member * count
        line.save(update_fields=["member_count", "fee_per_member", "amount"])
        total += line.amount
    Application.objects.filter(pk=application.pk).update(total_amount=total)
    application.total_amount = total


# --- roster import ----------------------------------------------------------------------------------


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


@records_refusals("roster_import", obj="application")
@transaction.atomic
def roster_import_start(
    *, actor, application: Application, upload, only_valid_rows: bool = False
) -> RosterImport:
    """【导入参保职工名单】 → 【上传】: store the file and an import row; small files run at once,
    large ones (over ROSTER_SYNC_ROWS rows) in the background worker with a progress bar."""
    application = _lock_editable(actor, application)
    if upload is None:
        raise BadFile("请选择要上传的名单文件")
    if upload.size > settings.ROSTER_MAX_BYTES:
        raise BadFile(f"文件过大：名单文件不能超过 {settings.ROSTER_MAX_BYTES // 1048576} MB")
    running = application.imports.filter(
        status__in=[RosterImport.Status.PENDING, RosterImport.Status.RUNNING]
    )
    if any(not _is_stale(i) for i in running):
        raise DomainError("上一次导入还在进行中，请等待完成后再上传")
    running.update(status=RosterImport.Status.FAILED, message="已被新的导入取代", finished_at=timezone.now())
    content = upload.read()
    rows = read_rows(upload.name, content)  # RosterFileError → the view shows one clear message
    job = RosterImport(
        application=application,
        original_name=(upload.name or "名单.xlsx")[-200:],
        only_valid_rows=only_valid_rows,
        created_by=actor,
        total_rows=max(len(rows) - 1, 0),
    )
    job.file.save(upload.name or "roster.xlsx", ContentFile(content), save=False)
    job.save()
    audit_log(
        actor=actor,
        verb="roster_upload",
        obj=application,
        changes={"file": job.original_name, "rows": job.total_rows, "only_valid_rows": only_valid_rows},
    )
    if job.total_rows > settings.ROSTER_SYNC_ROWS:
        from enrollment.tasks import import_roster

        transaction.on_commit(lambda: import_roster.enqueue(job.pk))
    return job


def _is_stale(job: RosterImport) -> bool:
    """A running import whose heartbeat is older than ROSTER_STALE_SECONDS was interrupted."""
    beat = job.heartbeat_at or job.created_at
    return (timezone.now() - beat).total_seconds() > settings.ROSTER_STALE_SECONDS


@records_refusals("roster_import_retry", obj="job")
def roster_import_retry(*, actor, job: RosterImport) -> RosterImport:
    """【重新导入】 an interrupted or failed import from the stored file."""
    with transaction.atomic():
        application = _lock_editable(actor, job.application)
        job = RosterImport.objects.select_for_update().get(pk=job.pk, application=application)
        if job.status == RosterImport.Status.RUNNING and not _is_stale(job):
            raise DomainError("导入还在进行中，请稍候")
        if job.status not in (
            RosterImport.Status.FAILED,
            RosterImport.Status.RUNNING,
            RosterImport.Status.PENDING,
        ):
            raise DomainError("该导入已经完成，无需重新导入")
        RosterImport.objects.filter(pk=job.pk).update(
            status=RosterImport.Status.PENDING, processed_rows=0, message="", heartbeat_at=None
        )
        if job.total_rows > settings.ROSTER_SYNC_ROWS:
            from enrollment.tasks import import_roster

            transaction.on_commit(lambda: import_roster.enqueue(job.pk))
    if job.total_rows <= settings.ROSTER_SYNC_ROWS:
        roster_import_run(import_id=job.pk)
    job.refresh_from_db()
    return job


def roster_import_run(*, import_id: int) -> RosterImport:
    """Do one import: read, check every row, then replace the roster in ONE transaction (or not at all).

    Progress and heartbeat are committed as the rows are checked; the write itself is atomic, so a
    worker that dies at any point leaves the previous roster untouched and this row retryable.
    """
    claimed = RosterImport.objects.filter(
        pk=import_id, status__in=[RosterImport.Status.PENDING, RosterImport.Status.RUNNING]
    ).update(status=RosterImport.Status.RUNNING, heartbeat_at=timezone.now(), processed_rows=0)
    job = RosterImport.objects.select_related("application__unit", "application__case").get(pk=import_id)
    if not claimed:
        return job
    application = job.application

    def progress(done, total):
        RosterImport.objects.filter(pk=job.pk).update(processed_rows=done, heartbeat_at=timezone.now())

    try:
        with job.file.open("rb") as handle:
            rows = read_rows(job.original_name, handle.read())
        result = check_roster(
            rows,
            plans=plan_columns(application),
            period_start=application.period_start,
            max_rows=settings.ROSTER_MAX_ROWS,
            progress=progress,
        )
        _check_against_database(application, result)
    except RosterFileError as error:
        return _finish(job, RosterImport.Status.FAILED, message=str(error))
    except Exception:
        logger.exception("roster import %s failed", job.pk)
        return _finish(
            job, RosterImport.Status.FAILED, message="导入失败：系统处理名单时出错，请稍后点击【重新导入】"
        )

    errors = sorted(result.errors)
    if errors and not job.only_valid_rows:
        return _finish(
            job,
            RosterImport.Status.REJECTED,
            errors=errors,
            over60=result.over60,
            message=f"名单中有{len(errors)}处错误，未导入任何职工。请修改后重新上传，或选择“只导入正确的行”",
        )
    if not result.rows:
        return _finish(job, RosterImport.Status.REJECTED, errors=errors, message="没有可导入的正确行")
    try:
        with transaction.atomic():
            locked = (
                Application.objects.select_for_update(of=("self",))
                .select_related("case")
                .get(pk=application.pk)
            )
            if not locked.case.is_editable:
                raise InvalidTransition(f"申请当前状态为“{locked.case.status_label}”，不能再导入名单")
            _replace_roster(locked, result)
            RosterImport.objects.filter(pk=job.pk).update(
                status=RosterImport.Status.SUCCEEDED,
                processed_rows=result.total,
                imported_rows=len(result.rows),
                error_count=len(errors),
                errors=[list(e) for e in errors],
                over60_count=result.over60,
                message=f"成功导入{len(result.rows)}名职工"
                + (f"，跳过{len(errors)}处错误" if errors else ""),
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
            audit_log(
                actor=job.created_by,
                verb="roster_import",
                obj=locked,
                changes={"rows": len(result.rows), "file": job.original_name},
            )
    except DomainError as error:
        return _finish(job, RosterImport.Status.FAILED, message=error.message)
    job.refresh_from_db()
    return job


def _finish(job, status, *, errors=(), over60=0, message="") -> RosterImport:
    """End an import that imported nothing (rejected or failed) — recorded in the audit trail too."""
    audit_log(
        actor=job.created_by,
        verb="roster_import",
        obj=job.application,
        outcome=AuditLog.Outcome.REFUSED
        if status == RosterImport.Status.REJECTED
        else AuditLog.Outcome.FAILED,
        changes={"file": job.original_name, "errors": len(errors), "reason": message},
    )
    RosterImport.objects.filter(pk=job.pk).update(
        status=status,
        errors=[list(e) for e in errors],
        error_count=len(errors),
        over60_count=over60,
        message=message[:300],
        finished_at=timezone.now(),
        processed_rows=F("total_rows"),
    )
    job.refresh_from_db()
    return job


def _check_against_database(application: Application, result: RosterCheck) -> None:
    """Rules that need the database: overlapping coverage (this unit / another unit) and open applications."""
    codes = {line.plan.code: line.plan for line in application.plan_lines.select_related("plan")}
    by_id = {row.id_number: row for row in result.rows}
    clashes: dict[str, list[tuple[str, str]]] = {}
    for batch in chunks(list(by_id), 900):
        for id_number, code, message in covered_conflicts(application, batch, codes):
            clashes.setdefault(id_number, []).append((code, message))
        for id_number, code, message in open_roster_conflicts(application, batch, codes):
            clashes.setdefault(id_number, []).append((code, message))
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
    """Delete and insert the roster. Rows go in with executemany: for 100,000 rows the ORM's per-field
    preparation in bulk_create took most of the import time (see `make bench`)."""
    application.roster.all().delete()
    table = RosterEntry._meta.db_table
    columns = ("application_id", "row_number", "name", "id_number", "mobile", "sex", "birth_date", "shares")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for batch in chunks(result.rows, BATCH):
            cursor.executemany(
                sql,
                [
                    (
                        application.pk,
                        r.row_number,
                        r.name,
                        r.id_number,
                        r.mobile,
                        r.sex,
                        r.birth_date,
                        json.dumps(r.shares),
                    )
                    for r in batch
                ],
            )
    application.roster_count = len(result.rows)
    application.over60_count = result.over60
    application.save(update_fields=["roster_count", "over60_count"])
    _recompute_amounts(application)


# --- 保期生效: coverages from the roster, in finance's confirmation transaction -------------------------


def coverage_create_for(*, application: Application) -> int:
    """Create (or refresh) the members and one Coverage per member and plan. Runs inside 收款确认."""
    lines = {line.plan.code: line for line in application.plan_lines.select_related("plan")}
    entries = list(
        application.roster.values_list("id_number", "name", "sex", "birth_date", "mobile", "shares")
    )
    created = 0
    for batch in chunks(entries, BATCH):
        ids = [e[0] for e in batch]
        existing = dict(Member.objects.filter(id_number__in=ids).values_list("id_number", "pk"))
        Member.objects.bulk_create(
            [
                Member(id_number=i, name=n, sex=s, birth_date=b, mobile=m)
                for i, n, s, b, m, _ in batch
                if i not in existing
            ]
        )
        members = dict(Member.objects.filter(id_number__in=ids).values_list("id_number", "pk"))
        coverages = [
            Coverage(
                member_id=members[i],
                unit_id=application.unit_id,
                plan=lines[code].plan,
                application=application,
                shares=shares[code],
                start=application.period_start,
                end=application.period_end,
            )
            for i, _n, _s, _b, _m, shares in batch
            for code in shares
            if code in lines
        ]
        Coverage.objects.bulk_create(coverages)
        created += len(coverages)
    return created


def refreeze_fees(*, application: Application, on: datetime.date) -> None:
    """At approval, the fee in force that day is written into the lines and kept from then on."""
    plans = {line.plan: line.shares for line in application.plan_lines.select_related("plan")}
    _write_plan_lines(application, plans, on=on)
    _recompute_amounts(application)
