"""参保申请 from 【提交】 to 上报: the three kinds and their periods, the expiry-month rule, editing;
and the members and coverages that 保期生效 creates."""

from decimal import Decimal

import pytest

from core.errors import DomainError, Incomplete, NotAllowed
from enrollment.models import Application, Coverage, Member, RosterImport
from enrollment.services import (
    application_create,
    application_update,
)
from enrollment.tests.support import D, paid_period, submit
from review.models import Status
from review.services import material_upload

Kind = Application.Kind


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


# --- 保期生效: members and coverages ---------------------------------------------------------------------


def test_a_member_who_changes_units_stays_one_person_with_two_coverages(factory, clock):
    person = factory.people(1)
    paid_period(factory, clock, factory.approved_unit(), person)
    clock(D(2027, 3, 20))
    later = factory.application(factory.approved_unit(), period_start=D(2027, 4, 1), rows=person)
    factory.effective_application(later)
    assert Member.objects.count() == 1
    assert Coverage.objects.filter(member__id_number=person[0][2]).count() == 2
