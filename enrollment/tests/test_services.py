"""参保申请 from 【提交】 to 保期生效: periods, expiry-month rule, roster import, fees, notice, receipt."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from billing.models import PaymentNotice, PaymentReceipt
from billing.services import payment_confirm
from core.errors import BadFile, DomainError, Incomplete, InvalidTransition, NotAllowed
from enrollment.models import Application, ApplicationPlan, Coverage, Member, RosterEntry, RosterImport
from enrollment.roster import RosterFileError
from enrollment.selectors import member_lookup
from enrollment.services import (
    application_create,
    application_update,
    roster_import_retry,
    roster_import_run,
    roster_upload,
)
from plans.models import Plan, PlanRate
from review.engine import case_transition
from review.models import Action, Status
from review.services import material_upload

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
Kind = Application.Kind


@pytest.fixture
def clock(time_machine):
    """clock(date) puts 'today' (Asia/Shanghai) on that date, 10:00."""

    def move(day: datetime.date):
        time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)

    return move


@pytest.fixture
def plan():
    return lambda code: Plan.objects.get(code=code)


MAIN_START = D(2026, 4, 1)


def paid_period(factory, clock, unit, rows, start=MAIN_START, plans=None):
    """The unit's main period START… (12 months), approved and paid, on the day it was filed."""
    clock(start - datetime.timedelta(days=20))
    application = factory.application(unit, period_start=start, rows=rows, plans=plans)
    return factory.effective_application(application)


def submit(application):
    return case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)


# --- application_create: the three kinds --------------------------------------------------------------


def test_a_main_application_of_a_unit_without_a_period_covers_twelve_months_from_the_start(factory, plan):
    unit = factory.approved_unit()
    application = application_create(
        actor=unit.agent,
        unit=unit,
        kind=Kind.MAIN,
        plans={plan("ZJ"): 2, plan("YW"): 1},
        period_start=D(2027, 1, 1),
    )
    assert (application.period_start, application.period_end, application.months) == (
        D(2027, 1, 1),
        D(2027, 12, 31),
        12,
    )
    assert application.case.status == Status.DRAFT
    lines = {line.plan.code: line for line in application.plan_lines.all()}
    assert (lines["ZJ"].shares, lines["ZJ"].fee_per_share, lines["ZJ"].fee_per_member) == (
        2,
        Decimal("30.00"),
        Decimal("60.00"),
    )
    assert lines["YW"].fee_per_member == Decimal("26.00")


def test_a_main_application_without_a_start_date_is_refused_when_the_unit_has_no_period(factory, plan):
    unit = factory.approved_unit()
    with pytest.raises(DomainError, match="请填写保期开始日期"):
        application_create(actor=unit.agent, unit=unit, kind=Kind.MAIN, plans={plan("ZJ"): 1})
    assert not Application.objects.exists()


def test_a_main_application_continues_the_current_period_without_a_gap(factory, clock, plan):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(2))
    clock(D(2027, 3, 5))
    renewal = application_create(
        actor=unit.agent, unit=unit, kind=Kind.MAIN, plans={plan("ZJ"): 1}, period_start=D(2027, 6, 1)
    )
    assert (renewal.period_start, renewal.period_end) == (D(2027, 4, 1), D(2028, 3, 31))


def test_a_second_main_application_for_the_same_start_is_refused(factory, plan):
    unit = factory.approved_unit()
    factory.application(unit, period_start=D(2027, 1, 1))
    with pytest.raises(DomainError, match="已有2027-01-01开始的主保期参保申请"):
        factory.application(unit, period_start=D(2027, 1, 1))
    assert Application.objects.filter(unit=unit).count() == 1


def test_more_shares_than_the_plan_allows_are_refused(factory, plan):
    unit = factory.approved_unit()
    with pytest.raises(DomainError, match="重大疾病互助保障每人最多2份"):
        application_create(
            actor=unit.agent, unit=unit, kind=Kind.MAIN, plans={plan("ZJ"): 3}, period_start=D(2027, 1, 1)
        )
    with pytest.raises(DomainError, match="请至少选择一个保障计划"):
        application_create(actor=unit.agent, unit=unit, kind=Kind.MAIN, plans={}, period_start=D(2027, 1, 1))


def test_only_the_units_agent_may_apply_and_only_for_an_approved_unit(factory, plan):
    unit = factory.approved_unit()
    with pytest.raises(NotAllowed):
        application_create(
            actor=factory.agent(),
            unit=unit,
            kind=Kind.MAIN,
            plans={plan("ZJ"): 1},
            period_start=D(2027, 1, 1),
        )
    draft_unit = factory.unit()
    with pytest.raises(DomainError, match="单位注册审核通过后才能办理参保"):
        application_create(
            actor=draft_unit.agent,
            unit=draft_unit,
            kind=Kind.MAIN,
            plans={plan("ZJ"): 1},
            period_start=D(2027, 1, 1),
        )


def test_an_early_renewal_takes_the_period_entered_by_hand_after_the_current_one(factory, clock, plan):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(2))
    clock(D(2026, 11, 20))
    renewal = application_create(
        actor=unit.agent,
        unit=unit,
        kind=Kind.RENEWAL,
        plans={plan("ZJ"): 1},
        period_start=D(2027, 4, 1),
        period_end=D(2027, 9, 30),
    )
    assert (renewal.period_start, renewal.period_end, renewal.months) == (D(2027, 4, 1), D(2027, 9, 30), 6)
    assert renewal.plan_lines.get().fee_per_member == Decimal("15.00")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (D(2027, 3, 31), D(2028, 3, 30), "应在当前保期（至2027-03-31）结束之后开始"),
        (D(2027, 4, 1), D(2028, 4, 1), "一个保期最长12个月"),
        (D(2027, 4, 1), D(2027, 4, 1), "保期结束日期应晚于开始日期"),
        (None, D(2028, 3, 31), "提前续保请手动填写保期开始和结束日期"),
    ],
    ids=["overlaps", "over-12-months", "ends-on-start", "no-start"],
)
def test_an_early_renewal_overlapping_or_too_long_is_refused(factory, clock, plan, start, end, message):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1))
    clock(D(2026, 11, 20))
    with pytest.raises(DomainError, match=message):
        application_create(
            actor=unit.agent,
            unit=unit,
            kind=Kind.RENEWAL,
            plans={plan("ZJ"): 1},
            period_start=start,
            period_end=end,
        )
    assert not Application.objects.filter(kind=Kind.RENEWAL).exists()


def test_a_supplement_ends_with_the_current_period_and_is_charged_by_started_months(factory, clock, plan):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(2))
    clock(D(2026, 12, 15))
    supplement = application_create(
        actor=unit.agent, unit=unit, kind=Kind.SUPPLEMENT, plans={plan("ZJ"): 1, plan("YW"): 3}
    )
    assert (supplement.period_start, supplement.period_end, supplement.months) == (
        D(2026, 12, 15),
        D(2027, 3, 31),
        4,
    )
    lines = {line.plan.code: line.fee_per_member for line in supplement.plan_lines.all()}
    assert lines == {"ZJ": Decimal("10.00"), "YW": Decimal("26.00")}  # 30 × 4/12; 26 × 3 × 4/12

    factory.import_roster(supplement, factory.people(2, first=100, shares=[1, 3]))
    supplement.refresh_from_db()
    assert supplement.total_amount == Decimal("72.00")


def test_a_supplement_needs_a_current_period(factory, clock, plan):
    unit = factory.approved_unit()
    with pytest.raises(DomainError, match="当前没有有效保期，不能追加"):
        application_create(actor=unit.agent, unit=unit, kind=Kind.SUPPLEMENT, plans={plan("ZJ"): 1})
    paid_period(factory, clock, unit, factory.people(1))
    clock(D(2027, 4, 2))  # the period has ended
    with pytest.raises(DomainError, match="当前没有有效保期"):
        application_create(actor=unit.agent, unit=unit, kind=Kind.SUPPLEMENT, plans={plan("ZJ"): 1})


def test_a_supplement_cannot_start_in_the_past_or_after_the_current_period(factory, clock, plan):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1))
    clock(D(2026, 12, 15))
    for start in (D(2026, 12, 14), D(2027, 4, 1)):
        with pytest.raises(DomainError, match="追加的保障开始日期应在今天至当前保期结束（2027-03-31）之间"):
            application_create(
                actor=unit.agent, unit=unit, kind=Kind.SUPPLEMENT, plans={plan("ZJ"): 1}, period_start=start
            )


def test_a_supplement_after_a_paid_early_renewal_still_joins_the_current_period(
    factory, clock, plan, pdf_file
):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1))
    clock(D(2026, 11, 20))
    renewal = factory.application(
        unit, kind=Kind.RENEWAL, period_start=D(2027, 4, 1), period_end=D(2028, 3, 31), rows=factory.people(1)
    )
    material_upload(case=renewal.case, slot="application_letter", upload=pdf_file(), actor=unit.agent)
    factory.effective_application(renewal)

    clock(D(2026, 12, 15))
    supplement = application_create(actor=unit.agent, unit=unit, kind=Kind.SUPPLEMENT, plans={plan("ZJ"): 1})
    assert (supplement.period_start, supplement.period_end, supplement.months) == (
        D(2026, 12, 15),
        D(2027, 3, 31),
        4,
    )


# --- 上报: the expiry-month rule ----------------------------------------------------------------------


def test_a_main_application_can_be_submitted_only_in_the_month_the_current_period_ends(factory, clock):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(2))
    clock(D(2027, 2, 20))
    renewal = factory.application(unit, rows=factory.people(2))
    assert renewal.period_start == D(2027, 4, 1)

    with pytest.raises(Incomplete) as refused:
        submit(renewal)
    assert "主保期参保只能在保期到期当月上报" in refused.value.message
    assert "请于2027年3月上报" in refused.value.message
    renewal.case.refresh_from_db()
    assert renewal.case.status == Status.DRAFT

    clock(D(2027, 3, 1))
    assert submit(renewal).status == Status.IN_REVIEW


def test_a_main_application_submitted_after_the_expiry_month_is_refused_too(factory, clock):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1), start=D(2026, 5, 1))
    clock(D(2027, 2, 20))
    renewal = factory.application(unit, rows=factory.people(1))
    with pytest.raises(Incomplete, match="请于2027年4月上报"):
        submit(renewal)
    clock(D(2027, 4, 30))
    assert submit(renewal).status == Status.IN_REVIEW


def test_a_unit_with_no_period_may_submit_a_main_application_any_time(factory, clock):
    clock(D(2026, 7, 9))
    application = factory.application(period_start=D(2026, 10, 1), rows=factory.people(1))
    assert submit(application).status == Status.IN_REVIEW


def test_an_application_without_a_roster_cannot_be_submitted(factory):
    application = factory.application()
    with pytest.raises(Incomplete, match="请先导入参保职工名单后再上报"):
        submit(application)


def test_a_supplementary_application_needs_its_materials_before_submission(factory, clock, pdf_file):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1))
    clock(D(2026, 12, 15))
    supplement = factory.application(unit, kind=Kind.SUPPLEMENT, rows=factory.people(1, first=50))
    with pytest.raises(Incomplete, match="请先上传以下材料后再上报：补充参保申请说明"):
        submit(supplement)
    material_upload(case=supplement.case, slot="application_letter", upload=pdf_file(), actor=unit.agent)
    assert submit(supplement).status == Status.IN_REVIEW


def test_an_import_still_running_blocks_submission(factory):
    application = factory.application(rows=factory.people(1))
    RosterImport.objects.create(
        application=application, original_name="x.xlsx", created_by=application.unit.agent, status="running"
    )
    with pytest.raises(Incomplete, match="名单还在导入中"):
        submit(application)


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


def test_changing_the_plans_of_an_application_clears_its_roster(factory, plan):
    application = factory.application(period_start=D(2027, 1, 1), rows=factory.people(2))
    application_update(
        actor=application.unit.agent,
        application=application,
        plans={plan("ZJ"): 1},
        period_start=D(2027, 1, 1),
        note="仅改备注",
    )
    assert application.roster.count() == 2
    application_update(
        actor=application.unit.agent,
        application=application,
        plans={plan("ZJ"): 2},
        period_start=D(2027, 1, 1),
    )
    application.refresh_from_db()
    assert not application.roster.exists()
    assert (application.roster_count, application.total_amount) == (0, Decimal("0.00"))


# --- approval, versioned rates, the payment notice -----------------------------------------------------


def test_approval_issues_a_payment_notice_with_the_frozen_total(factory, clock):
    clock(D(2026, 11, 29))
    application = factory.approved_application(rows=factory.people(3, shares=[2]), plans={"ZJ": 2})
    notice = application.payment_notice
    assert application.case.status == Status.APPROVED
    assert notice.amount == application.total_amount == Decimal("180.00")
    assert notice.number == f"JF20261129{application.pk:06d}"
    assert notice.due_date == D(2026, 12, 14)


def test_a_rate_change_applies_to_applications_approved_after_it_and_never_to_earlier_ones(
    factory, clock, plan
):
    clock(D(2026, 3, 1))
    before = factory.approved_application(rows=factory.people(3), period_start=D(2026, 4, 1))
    pending = factory.application(period_start=D(2026, 7, 1), rows=factory.people(3, first=10))
    PlanRate.objects.create(plan=plan("ZJ"), valid_from=D(2026, 6, 1), fee_per_share=Decimal("36.00"))
    assert pending.plan_lines.get().fee_per_share == Decimal("30.00")  # as quoted when filed

    clock(D(2026, 6, 2))
    after = factory.approved_application(pending)
    assert after.plan_lines.get().fee_per_share == Decimal("36.00")
    assert after.payment_notice.amount == Decimal("108.00")

    line = ApplicationPlan.objects.get(application=before)
    assert (line.fee_per_share, line.amount) == (Decimal("30.00"), Decimal("90.00"))
    assert PaymentNotice.objects.get(application=before).amount == Decimal("90.00")
    factory.effective_application(before)  # the old amount is still the one finance confirms
    before.refresh_from_db()
    assert before.case.status == Status.EFFECTIVE
    assert before.plan_lines.get().fee_per_share == Decimal("30.00")


# --- 收款确认 → 保期生效 ------------------------------------------------------------------------------


@pytest.fixture
def approved(factory):
    return factory.approved_application(rows=factory.people(3, shares=[1, 1]), plans={"ZJ": 1, "YW": 1})


def confirm(finance, notice, amount, **kw):
    return payment_confirm(
        actor=finance,
        notice=notice,
        amount=Decimal(amount),
        paid_on=kw.get("paid_on", timezone.localdate()),
        bank_reference=kw.get("bank_reference", "ICBC20261129001"),
    )


def test_a_different_amount_is_refused_and_changes_nothing(factory, approved):
    notice = approved.payment_notice
    assert notice.amount == Decimal("168.00")
    with pytest.raises(DomainError, match=r"到账金额 167\.99 元与应缴金额 168\.00 元不一致"):
        confirm(factory.finance(), notice, "167.99")
    approved.case.refresh_from_db()
    assert approved.case.status == Status.APPROVED
    assert not PaymentReceipt.objects.exists()
    assert not Coverage.objects.exists()
    assert not Member.objects.exists()


def test_the_right_amount_makes_the_coverages_effective(factory, approved):
    finance = factory.finance()
    receipt = confirm(finance, approved.payment_notice, "168")
    approved.case.refresh_from_db()
    assert approved.case.status == Status.EFFECTIVE
    assert (receipt.amount, receipt.bank_reference, receipt.confirmed_by) == (
        Decimal("168.00"),
        "ICBC20261129001",
        finance,
    )
    assert Member.objects.count() == 3
    coverages = Coverage.objects.filter(application=approved)
    assert coverages.count() == 6  # 3 members × 2 plans
    assert set(coverages.values_list("unit", "start", "end", "shares")) == {
        (approved.unit_id, approved.period_start, approved.period_end, 1)
    }
    member = Member.objects.get(id_number=approved.roster.first().id_number)
    assert (member.sex, member.birth_date) == ("M", D(1985, 1, 1))
    last = approved.case.transitions.order_by("-at", "-id").first()
    assert (last.action, last.actor, last.to_status) == (Action.CONFIRM_PAYMENT, finance, Status.EFFECTIVE)


def test_a_second_confirmation_is_refused_and_creates_nothing_more(factory, approved):
    finance = factory.finance()
    confirm(finance, approved.payment_notice, "168.00")
    with pytest.raises(InvalidTransition, match="已确认收款，无需重复确认"):
        confirm(finance, approved.payment_notice, "168.00", bank_reference="ANOTHER")
    assert PaymentReceipt.objects.count() == 1
    assert Coverage.objects.count() == 6
    assert Member.objects.count() == 3


def test_a_failure_while_creating_coverages_rolls_the_receipt_back(factory, approved, monkeypatch):
    import enrollment.services

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(enrollment.services, "coverage_create_for", broken)
    with pytest.raises(RuntimeError):
        confirm(factory.finance(), approved.payment_notice, "168.00")
    approved.case.refresh_from_db()
    assert approved.case.status == Status.APPROVED
    assert not PaymentReceipt.objects.exists()


def test_only_finance_may_confirm_a_receipt(factory, approved):
    with pytest.raises(NotAllowed):
        confirm(factory.city_reviewer(), approved.payment_notice, "168.00")
    assert not PaymentReceipt.objects.exists()
    assert not Coverage.objects.exists()


def test_a_receipt_needs_a_past_date_and_a_bank_reference(factory, approved):
    finance = factory.finance()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="到账日期不能晚于今天"):
        confirm(finance, approved.payment_notice, "168.00", paid_on=tomorrow)
    with pytest.raises(DomainError, match="请填写银行流水号"):
        confirm(finance, approved.payment_notice, "168.00", bank_reference="  ")
    assert not PaymentReceipt.objects.exists()


def test_a_member_who_changes_units_stays_one_person_with_two_coverages(factory, clock):
    person = factory.people(1)
    paid_period(factory, clock, factory.approved_unit(), person)
    clock(D(2027, 3, 20))
    later = factory.application(factory.approved_unit(), period_start=D(2027, 4, 1), rows=person)
    factory.effective_application(later)
    assert Member.objects.count() == 1
    assert Coverage.objects.filter(member__id_number=person[0][2]).count() == 2


# --- member lookup --------------------------------------------------------------------------------------


def test_member_lookup_shows_an_agent_only_the_coverage_of_their_own_units(factory, clock):
    person = factory.people(1)
    first_unit, second_unit = factory.approved_unit(), factory.approved_unit(org="市北区")
    paid_period(factory, clock, first_unit, person)
    clock(D(2027, 3, 20))
    factory.effective_application(factory.application(second_unit, period_start=D(2027, 4, 1), rows=person))
    id_number = person[0][2]

    member, coverages = member_lookup(first_unit.agent, id_number)
    assert member.id_number == id_number
    assert [c.unit for c in coverages] == [first_unit]

    assert member_lookup(factory.agent(), id_number) == (None, [])
    assert [c.unit for c in member_lookup(factory.district_reviewer("市北区"), id_number)[1]] == [second_unit]
    for staff in (factory.finance(), factory.city_reviewer()):
        member, coverages = member_lookup(staff, id_number)
        assert [c.unit for c in coverages] == [second_unit, first_unit]  # newest first
    assert member_lookup(factory.finance(), "110105194912310021") == (None, [])
