"""Reads of units (units.selectors): scoped by the actor; the 合并/拆分 search finds approved units only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from review.engine import case_transition
from review.models import Action
from units.selectors import unit_get_for, unit_list_for_agent, unit_search_registered, units_visible_to


def names(units):
    return {u.name for u in units}


@pytest.fixture
def units(factory):
    zhang, li = factory.agent(name="张三"), factory.agent(name="李四")
    made = {
        "甲": factory.submitted_unit(agent=zhang, org="市南区", name="市南甲公司"),
        "乙": factory.approved_unit(agent=zhang, org="市北区", name="市北乙公司"),
        "丙": factory.submitted_unit(agent=li, org="市南区", name="市南丙公司"),
        "丁": factory.approved_unit(agent=li, org="市直企业", name="市直丁公司"),
    }
    gone = factory.unit(zhang, name="已删除戊公司")
    case_transition(case=gone.registration_case, action=Action.DELETE, actor=zhang)
    return {"zhang": zhang, "li": li, **made}


@pytest.mark.django_db
def test_an_agent_sees_only_their_own_live_units(units):
    assert names(units_visible_to(units["zhang"])) == {"市南甲公司", "市北乙公司"}
    assert names(units_visible_to(units["li"])) == {"市南丙公司", "市直丁公司"}


@pytest.mark.django_db
def test_a_district_reviewer_sees_the_units_of_their_district(factory, units):
    assert names(units_visible_to(factory.district_reviewer("市南区"))) == {"市南甲公司", "市南丙公司"}
    assert names(units_visible_to(factory.district_reviewer("李沧区"))) == set()


@pytest.mark.django_db
def test_the_city_and_finance_see_every_live_unit(factory, units):
    every = {"市南甲公司", "市北乙公司", "市南丙公司", "市直丁公司"}
    assert names(units_visible_to(factory.city_reviewer())) == every
    assert names(units_visible_to(factory.finance())) == every


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_no_unit(units):
    assert not units_visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_someone_elses_unit_is_a_404(factory, units):
    assert unit_get_for(units["zhang"], units["甲"].pk) == units["甲"]
    with pytest.raises(Http404):
        unit_get_for(units["li"], units["甲"].pk)
    with pytest.raises(Http404):
        unit_get_for(factory.district_reviewer("市北区"), units["甲"].pk)


@pytest.mark.django_db
def test_the_agents_list_is_newest_first(factory):
    agent = factory.agent()
    first, second = factory.unit(agent), factory.unit(agent)

    assert list(unit_list_for_agent(agent)) == [second, first]


# --- 由哪些单位合并/拆解: the fuzzy search ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_search_finds_only_approved_live_units_by_part_of_the_name(units):
    assert names(unit_search_registered(units["li"], "公司")) == {"市北乙公司", "市直丁公司"}
    assert names(unit_search_registered(units["li"], " 乙 ")) == {"市北乙公司"}
    assert unit_search_registered(units["li"], "戊") == []
    assert unit_search_registered(units["li"], "甲") == []


@pytest.mark.django_db
def test_the_search_finds_a_unit_by_the_start_of_its_credit_code(units):
    code = units["丁"].credit_code

    assert names(unit_search_registered(units["li"], code[:17].lower())) == {"市直丁公司"}
    assert unit_search_registered(units["li"], code[:3]) == []  # too short to be a code


@pytest.mark.django_db
def test_the_search_leaves_out_the_unit_being_edited(units):
    assert names(unit_search_registered(units["li"], "公司", exclude_pk=units["乙"].pk)) == {"市直丁公司"}


@pytest.mark.django_db
def test_an_empty_search_returns_nothing(units):
    assert unit_search_registered(units["li"], "  ") == []


@pytest.mark.django_db
def test_the_search_shows_nothing_to_an_anonymous_visitor(units):
    assert unit_search_registered(AnonymousUser(), "公司") == []


@pytest.mark.django_db
def test_the_search_is_limited_and_sorted_by_name(factory):
    for letter in "EDCBA":
        factory.approved_unit(org="市直企业", name=f"青岛{letter}公司")

    assert [u.name for u in unit_search_registered(factory.agent(), "青岛", limit=3)] == [
        "青岛A公司",
        "青岛B公司",
        "青岛C公司",
    ]
