"""Reads of enrollment: 会员查询 scoped by the actor, the renewal rule, the previous period and its roster."""

from enrollment.models import Application
from enrollment.selectors import (
    latest_plan_shares,
    main_renewal,
    member_lookup,
    period_hints,
    previous_period_application,
    roster_diff,
)
from enrollment.tests.support import D, paid_period

Kind = Application.Kind


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


# --- the renewal rule of 主保期参保: one place -------------------------------------------------------------


def test_a_running_period_binds_the_next_main_period_and_its_submission_month(factory, clock):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1))  # 2026-04-01 … 2027-03-31
    clock(D(2026, 12, 1))

    renewal = main_renewal(unit, D(2026, 12, 1))

    assert renewal.period == (D(2027, 4, 1), D(2028, 3, 31))
    assert renewal.submit_month == "2027年3月"
    assert [renewal.may_submit_on(day) for day in (D(2027, 2, 28), D(2027, 3, 1), D(2027, 4, 1))] == [
        False,
        True,
        False,
    ]
    assert main_renewal(unit, D(2027, 4, 1)) is None  # the period has ended: a fresh start
    assert main_renewal(factory.approved_unit(), D(2026, 12, 1)) is None


def test_the_forms_hint_says_what_the_service_will_do(factory, clock, plan):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1))
    clock(D(2026, 12, 1))

    (hint,) = period_hints([unit], today=D(2026, 12, 1)).values()
    application = factory.application(unit)  # no dates typed: the service continues the period

    assert hint == (
        "当前保期：2026-04-01 至 2027-03-31；"
        "主保期参保将自动接续为 2027-04-01 至 2028-03-31，须在2027年3月上报"
    )
    assert (application.period_start, application.period_end) == (D(2027, 4, 1), D(2028, 3, 31))
    assert period_hints([factory.approved_unit()], today=D(2026, 12, 1)) == {}


def test_an_ended_period_is_named_in_the_hint_without_a_continuation(factory, clock):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1))
    assert period_hints([unit], today=D(2027, 4, 2)) == {unit.pk: "当前保期：2026-04-01 至 2027-03-31"}


def test_a_renewal_offers_the_plans_and_shares_of_the_latest_period(factory, clock):
    unit = factory.approved_unit()
    paid_period(factory, clock, unit, factory.people(1, shares=[2, 1]), plans={"ZJ": 2, "YW": 1})
    assert latest_plan_shares(unit) == {"ZJ": 2, "YW": 1}
    assert latest_plan_shares(factory.approved_unit()) == {}


# --- the previous period and who joined or left ---------------------------------------------------------


def test_the_previous_period_is_the_latest_paid_one_before_this_one_and_a_supplement_has_none(factory, clock):
    unit = factory.approved_unit()
    first = paid_period(factory, clock, unit, factory.people(3))
    clock(D(2026, 12, 15))
    supplement = factory.application(unit, kind=Kind.SUPPLEMENT)
    clock(D(2027, 3, 5))
    renewal = factory.application(unit)
    early = factory.application(
        unit, kind=Kind.RENEWAL, period_start=D(2028, 4, 1), period_end=D(2029, 3, 31)
    )

    assert previous_period_application(renewal) == first
    assert previous_period_application(early) == first
    assert previous_period_application(first) is None
    assert previous_period_application(supplement) is None


def test_the_roster_comparison_counts_and_names_who_joined_left_and_stayed(factory, clock):
    unit = factory.approved_unit()
    rows = factory.people(3)
    first = paid_period(factory, clock, unit, rows)
    clock(D(2027, 3, 5))
    renewal = factory.application(unit, rows=[*rows[1:], *factory.people(1, first=10)])

    diff = roster_diff(renewal, first)

    assert (diff["joined"], diff["left"], diff["stayed"]) == (1, 1, 2)
    assert (diff["joined_names"], diff["left_names"]) == (["职工11"], ["职工1"])
