"""The eligibility engine (SPEC §7.3) as pure functions: no database, only coverage and plan facts.

Each rule has a code and a Chinese message; blocking rules refuse, the deadline warning does not.
"""

import datetime
from decimal import Decimal

import pytest

from claims.eligibility import (
    CoverageFact,
    PlanFact,
    blocking_failures,
    continuous_start,
    covering,
    evaluate,
    suggest_amount,
)

D = datetime.date
DAY = datetime.timedelta(days=1)
TODAY = D(2026, 6, 15)
UNIT, OTHER_UNIT = 1, 2

ZJ = PlanFact(
    code="ZJ",
    name="重大疾病互助保障",
    waiting_days=90,
    claim_deadline_days=365,
    female_only=False,
    benefit_per_share=Decimal("10000.00"),
    disease_names=frozenset({"恶性肿瘤——重度", "较重急性心肌梗死"}),
)
NG = PlanFact(
    code="NG",
    name="女职工特殊疾病互助保障",
    waiting_days=60,
    claim_deadline_days=365,
    female_only=True,
    benefit_per_share=Decimal("15000.00"),
    disease_names=frozenset({"原发性乳腺癌", "乳腺原位癌"}),
)
YW = PlanFact(
    code="YW",
    name="意外伤害互助保障",
    waiting_days=0,
    claim_deadline_days=365,
    female_only=False,
    benefit_per_share=Decimal("10000.00"),
    disease_names=frozenset(),
)


def cov(start, end, *, unit=UNIT, shares=1, plan="ZJ") -> CoverageFact:
    return CoverageFact(plan_code=plan, unit_id=unit, start=start, end=end, shares=shares)


# A year of coverage that started long enough ago for every waiting period to be over.
YEAR = cov(D(2025, 7, 1), D(2026, 6, 30))


def check(
    plan=ZJ,
    *,
    event,
    coverages=(YEAR,),
    today=TODAY,
    female=True,
    unit_ids=frozenset({UNIT}),
    disease="__default__",
    needs_disease=True,
    duplicates=0,
):
    """evaluate() with sensible defaults; returns {rule code: RuleResult} (each code appears once)."""
    if disease == "__default__":
        disease = sorted(plan.disease_names)[0] if plan.disease_names else None
    results = evaluate(
        plan=plan,
        event_date=event,
        today=today,
        member_is_female=female,
        coverages=list(coverages),
        unit_ids=set(unit_ids),
        disease_name=disease,
        needs_disease=needs_disease,
        open_or_paid_claims=duplicates,
    )
    codes = [r.code for r in results]
    assert len(codes) == len(set(codes)), codes
    return {r.code: r for r in results}


def refused(results) -> dict:
    return {r.code: r.message for r in blocking_failures(list(results.values()))}


# --- in force: the plan's coverage on the event date, through one of the agent's units ---------------


def test_coverage_in_force_on_the_event_date_passes_and_names_the_period():
    results = check(event=D(2026, 3, 1))

    assert results["in_force"].ok
    assert results["in_force"].message == "2026-03-01在保：重大疾病互助保障1份（保期2025-07-01至2026-06-30）"
    assert refused(results) == {}


@pytest.mark.parametrize(
    ("event", "in_force"), [(D(2025, 1, 1), True), (D(2025, 12, 31), True), (D(2026, 1, 1), False)]
)
def test_first_and_last_day_of_the_period_are_in_force(event, in_force):
    results = check(event=event, coverages=[cov(D(2025, 1, 1), D(2025, 12, 31))])
    assert results["in_force"].ok is in_force


def test_not_yet_in_force_is_refused():
    later = cov(D(2026, 7, 1), D(2027, 6, 30))
    results = check(event=D(2026, 6, 10), coverages=[later])

    assert refused(results) == {"in_force": "2026-06-10该会员在本单位没有在保的重大疾病互助保障"}
    assert "waiting_period" not in results  # nothing to wait for without coverage


def test_the_day_before_the_start_is_not_covered():
    results = check(event=D(2025, 6, 30), coverages=[YEAR], today=D(2025, 7, 5))
    assert not results["in_force"].ok


def test_expired_coverage_is_refused():
    expired = cov(D(2024, 7, 1), D(2025, 6, 30))
    results = check(event=D(2025, 7, 1), coverages=[expired])

    assert not results["in_force"].ok
    assert results["in_force"].blocking
    assert results["in_force"].message == "2025-07-01该会员在本单位没有在保的重大疾病互助保障"


def test_coverage_through_a_unit_the_agent_does_not_serve_does_not_count():
    elsewhere = cov(D(2025, 7, 1), D(2026, 6, 30), unit=OTHER_UNIT)
    results = check(event=D(2026, 3, 1), coverages=[elsewhere])
    assert not results["in_force"].ok


def test_with_coverage_in_two_units_the_larger_share_count_is_used():
    small, large = cov(D(2025, 7, 1), D(2026, 6, 30)), cov(D(2025, 7, 1), D(2026, 6, 30), unit=3, shares=2)
    assert covering([small, large], D(2026, 1, 1), {UNIT, 3}) == large
    assert covering([small, large], D(2026, 1, 1), {UNIT}) == small
    assert covering([small, large], D(2026, 7, 1), {UNIT, 3}) is None


# --- waiting period: from the start of the gap-free chain; the day it ends is accepted ---------------


def test_waiting_period_the_day_before_it_ends_is_refused_with_the_dates():
    start = D(2026, 1, 1)  # 90 days → 2026-04-01 is the first day a diagnosis counts
    results = check(event=D(2026, 3, 31), coverages=[cov(start, D(2026, 12, 31))])

    assert refused(results) == {
        "waiting_period": "处于等待期：重大疾病互助保障首次参保有90天等待期（自2026-01-01起，"
        "2026-04-01及以后确诊/出险方可申请）"
    }
    assert results["in_force"].ok


def test_waiting_period_the_day_it_ends_is_accepted():
    results = check(event=D(2026, 4, 1), coverages=[cov(D(2026, 1, 1), D(2026, 12, 31))])

    assert results["waiting_period"].ok
    assert results["waiting_period"].message == "已过90天等待期（连续参保自2026-01-01起）"
    assert refused(results) == {}


@pytest.mark.parametrize(("event", "ok"), [(D(2026, 5, 31), False), (D(2026, 6, 1), True)])
def test_each_plan_has_its_own_waiting_period(event, ok):
    # 女职工特殊疾病: 60 days from 2026-04-02 → 2026-06-01.
    results = check(NG, event=event, coverages=[cov(D(2026, 4, 2), D(2027, 4, 1), plan="NG")])
    assert results["waiting_period"].ok is ok


def test_a_plan_without_waiting_period_has_no_waiting_rule():
    yw = cov(D(2026, 6, 1), D(2027, 5, 31), plan="YW")
    results = check(YW, event=D(2026, 6, 2), coverages=[yw], needs_disease=False)
    assert "waiting_period" not in results
    assert refused(results) == {}


def test_renewal_without_a_gap_waives_the_waiting_period():
    before = cov(D(2024, 7, 1), D(2025, 6, 30))
    renewal = cov(D(2025, 7, 1), D(2026, 6, 30))  # starts the day after the previous one ends
    results = check(event=D(2025, 7, 10), coverages=[before, renewal], today=D(2025, 8, 1))

    assert results["waiting_period"].ok
    assert results["waiting_period"].message == "已过90天等待期（连续参保自2024-07-01起）"
    assert results["in_force"].message == "2025-07-10在保：重大疾病互助保障1份（保期2025-07-01至2026-06-30）"


def test_the_chain_runs_across_several_renewals_and_early_overlapping_ones():
    chain = [
        cov(D(2023, 7, 1), D(2024, 6, 30)),
        cov(D(2024, 6, 1), D(2025, 6, 30)),  # renewed a month early (overlap)
        cov(D(2025, 7, 1), D(2026, 6, 30)),
    ]
    assert continuous_start(chain, chain[-1]) == D(2023, 7, 1)
    assert check(event=D(2025, 7, 2), coverages=chain, today=D(2025, 8, 1))["waiting_period"].ok


def test_renewal_without_a_gap_counts_across_units():
    # A worker who changed employer: covered through unit 2 before, through the agent's unit now.
    before = cov(D(2024, 7, 1), D(2025, 6, 30), unit=OTHER_UNIT)
    now = cov(D(2025, 7, 1), D(2026, 6, 30), unit=UNIT)
    results = check(event=D(2025, 7, 10), coverages=[before, now], today=D(2025, 8, 1))

    assert results["waiting_period"].ok
    assert results["in_force"].ok
    assert refused(results) == {}


def test_a_gap_restarts_the_waiting_period():
    before = cov(D(2024, 7, 1), D(2025, 6, 29))  # 2025-06-30 uncovered
    now = cov(D(2025, 7, 1), D(2026, 6, 30))
    results = check(event=D(2025, 7, 10), coverages=[before, now], today=D(2025, 8, 1))

    assert refused(results) == {
        "waiting_period": "处于等待期：重大疾病互助保障首次参保有90天等待期（自2025-07-01起，"
        "2025-09-29及以后确诊/出险方可申请）"
    }
    assert continuous_start([before, now], now) == D(2025, 7, 1)


def test_after_a_gap_the_new_waiting_period_ends_90_days_after_the_new_start():
    before = cov(D(2024, 1, 1), D(2024, 12, 31))
    now = cov(D(2025, 3, 1), D(2026, 2, 28))
    assert not check(event=D(2025, 5, 28), coverages=[before, now], today=D(2025, 6, 1))["waiting_period"].ok
    assert check(event=D(2025, 5, 30), coverages=[before, now], today=D(2025, 6, 1))["waiting_period"].ok


# --- filing deadline: 365 days after the event; a warning (not a refusal) in the last 30 days --------


def test_the_last_day_of_the_deadline_is_accepted_with_a_warning():
    event = D(2025, 12, 1)  # covered, past the waiting period
    results = check(event=event, today=event + 365 * DAY)  # 2026-12-01

    deadline = results["deadline"]
    assert (deadline.ok, deadline.blocking) == (True, False)
    assert deadline.message == "申请时限将至：请于2026-12-01前上报"
    assert refused(results) == {}
    assert blocking_failures(list(results.values())) == []  # a warning never blocks


def test_the_day_after_the_deadline_is_refused():
    event = D(2025, 12, 1)
    results = check(event=event, today=event + 366 * DAY)
    assert refused(results) == {"deadline": "已超过申请时限：须在诊断/出险后365天内（2026-12-01前）申请"}


@pytest.mark.parametrize(("days_left", "warned"), [(0, True), (30, True), (31, False), (200, False)])
def test_the_warning_shows_only_in_the_last_30_days(days_left, warned):
    event = D(2025, 12, 1)
    today = event + (365 - days_left) * DAY
    results = check(event=event, today=today)
    assert ("deadline" in results) is warned
    assert refused(results) == {}


# --- disease lists, female-only, duplicates, future dates ---------------------------------------------


def test_a_disease_on_the_plans_list_passes():
    results = check(event=D(2026, 3, 1), disease="较重急性心肌梗死")
    assert results["disease_listed"].ok
    assert results["disease_listed"].message == "“较重急性心肌梗死”属于重大疾病互助保障保障病种"


def test_a_disease_off_the_plans_list_is_refused():
    results = check(event=D(2026, 3, 1), disease="原发性乳腺癌")
    assert refused(results) == {"disease_listed": "“原发性乳腺癌”不在重大疾病互助保障的保障病种范围内"}


def test_an_illness_claim_without_a_disease_is_refused():
    assert refused(check(event=D(2026, 3, 1), disease=None)) == {"disease_listed": "请选择疾病名称"}


def test_accident_claims_have_no_disease_rule():
    results = check(
        YW,
        event=D(2026, 3, 1),
        coverages=[cov(D(2025, 7, 1), D(2026, 6, 30), plan="YW")],
        needs_disease=False,
    )
    assert "disease_listed" not in results


def test_the_female_plan_refuses_a_man():
    ng = cov(D(2025, 7, 1), D(2026, 6, 30), plan="NG")
    results = check(NG, event=D(2026, 3, 1), coverages=[ng], female=False, disease="原发性乳腺癌")
    assert refused(results) == {"female_only": "女职工特殊疾病互助保障仅限女职工"}


def test_the_female_plan_accepts_a_woman_and_other_plans_accept_men():
    ng = cov(D(2025, 7, 1), D(2026, 6, 30), plan="NG")
    assert refused(check(NG, event=D(2026, 3, 1), coverages=[ng], disease="原发性乳腺癌")) == {}
    assert "female_only" not in check(event=D(2026, 3, 1), female=False)


def test_another_open_or_paid_claim_for_the_same_event_is_refused():
    results = check(event=D(2026, 3, 1), duplicates=1)
    assert refused(results) == {
        "no_duplicate": "该会员同一计划同一事件已有未办结或已给付的重大疾病互助保障申请，不能重复申请"
    }
    assert "no_duplicate" not in check(event=D(2026, 3, 1), duplicates=0)


def test_an_event_in_the_future_is_refused_and_today_is_fine():
    assert refused(check(event=TODAY + DAY))["event_in_future"] == "诊断/出险时间不能晚于今天"
    assert "event_in_future" not in check(event=TODAY)


def test_several_failures_are_all_reported():
    results = check(
        NG,
        event=D(2026, 6, 10),
        coverages=[cov(D(2026, 5, 1), D(2027, 4, 30), plan="NG")],
        female=False,
        disease="恶性肿瘤——重度",
        duplicates=2,
    )
    assert set(refused(results)) == {"waiting_period", "disease_listed", "female_only", "no_duplicate"}


def test_results_serialise_for_the_claim_and_the_reviewers_panel():
    (first, *_rest) = evaluate(
        plan=ZJ,
        event_date=D(2026, 3, 1),
        today=TODAY,
        member_is_female=True,
        coverages=[YEAR],
        unit_ids={UNIT},
        disease_name="恶性肿瘤——重度",
        needs_disease=True,
        open_or_paid_claims=0,
    )
    assert first.as_dict() == {
        "code": "in_force",
        "ok": True,
        "blocking": True,
        "message": "2026-03-01在保：重大疾病互助保障1份（保期2025-07-01至2026-06-30）",
    }


# --- suggest_amount: the benefit schedule × 份 ------------------------------------------------------


@pytest.mark.parametrize(
    ("benefit", "shares", "injury", "grade", "expected"),
    [
        ("10000.00", 1, "", None, "10000.00"),  # 重大疾病 1份
        ("10000.00", 2, "", None, "20000.00"),  # 重大疾病 2份
        ("2000.00", 1, "", None, "2000.00"),  # 女工 原位癌
        ("2000.00", 2, "", None, "4000.00"),
        ("15000.00", 1, "", None, "15000.00"),  # 女工 other diseases
        ("15000.00", 2, "", None, "30000.00"),
        ("10000.00", 2, "death", None, "20000.00"),  # 意外身故: full benefit
        ("10000.00", 2, "disability", 1, "20000.00"),  # grade 1: 100%
        ("10000.00", 2, "disability", 8, "6000.00"),  # grade 8: 30%
        ("10000.00", 1, "disability", 8, "3000.00"),
        ("10000.00", 3, "disability", 10, "3000.00"),  # grade 10: 10%
        ("10000.00", 1, "disability", 5, "6000.00"),  # grade 5: 60%
        ("10000.00", 2, "medical", None, "0.00"),  # 医疗: set by the reviewer
        ("10000.00", 2, "disability", None, "0.00"),  # no grade, no suggestion
        ("10000.00", 2, "disability", 11, "0.00"),
        ("10000.00", 0, "", None, "0.00"),  # not covered
    ],
)
def test_suggested_amount(benefit, shares, injury, grade, expected):
    amount = suggest_amount(
        benefit_per_share=Decimal(benefit), shares=shares, injury=injury, disability_grade=grade
    )
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2  # always yuan with two places


def test_both_plans_suggest_the_sum_of_their_schedules():
    zj = suggest_amount(benefit_per_share=ZJ.benefit_per_share, shares=1)
    ng = suggest_amount(benefit_per_share=NG.benefit_per_share, shares=1)
    assert zj + ng == Decimal("25000.00")
