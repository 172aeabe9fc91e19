"""Reads of enrollment: 会员查询 scoped by the actor, the renewal rule, the previous period and its roster."""

from enrollment.models import Application
from enrollment.selectors import member_lookup
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
