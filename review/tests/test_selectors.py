"""Reads of cases (review.selectors): always scoped by the actor; the queue is my step, oldest first."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from review.engine import case_transition
from review.models import Action, BusinessKind
from review.selectors import (
    active_materials,
    case_get_for,
    cases_decided_by,
    cases_visible_to,
    material_get_for,
    review_queue_for,
)
from review.services import material_remove

DAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(factory):
    """Two agents; 市南区 draft, 市南区 and 市北区 in review, a 市直 unit, a deleted draft."""
    zhang, li = factory.agent(name="张三"), factory.agent(name="李四")
    units = {
        "draft": factory.unit(zhang, org="市南区"),
        "shinan": factory.submitted_unit(agent=zhang, org="市南区"),
        "shibei": factory.submitted_unit(agent=li, org="市北区"),
        "direct": factory.submitted_unit(agent=li, org="市直企业"),
        "deleted": factory.unit(zhang, org="市南区"),
    }
    deleted = units["deleted"].registration_case
    case_transition(case=deleted, action=Action.DELETE, actor=zhang)
    return {"zhang": zhang, "li": li, **{k: u.registration_case for k, u in units.items()}}


def visible(actor, world):
    pks = set(cases_visible_to(actor).values_list("pk", flat=True))
    return {name for name in ("draft", "shinan", "shibei", "direct", "deleted") if world[name].pk in pks}


@pytest.mark.django_db
def test_an_agent_sees_only_the_cases_of_their_own_units(world):
    assert visible(world["zhang"], world) == {"draft", "shinan"}
    assert visible(world["li"], world) == {"shibei", "direct"}


@pytest.mark.django_db
def test_a_district_reviewer_sees_submitted_cases_of_their_district_only(factory, world):
    assert visible(factory.district_reviewer("市南区"), world) == {"shinan"}
    assert visible(factory.district_reviewer("市北区"), world) == {"shibei"}


@pytest.mark.django_db
def test_the_city_and_finance_see_every_submitted_case(factory, world):
    assert visible(factory.city_reviewer(), world) == {"shinan", "shibei", "direct"}
    assert visible(factory.finance(), world) == {"shinan", "shibei", "direct"}


@pytest.mark.django_db
def test_an_anonymous_user_sees_nothing(world):
    assert visible(AnonymousUser(), world) == set()


@pytest.mark.django_db
def test_a_case_outside_my_scope_is_a_404(factory, world):
    assert case_get_for(world["zhang"], world["shinan"].pk) == world["shinan"]
    with pytest.raises(Http404):
        case_get_for(world["li"], world["shinan"].pk)
    with pytest.raises(Http404):
        case_get_for(factory.district_reviewer("市北区"), world["shinan"].pk)


@pytest.mark.django_db
def test_a_material_outside_my_scope_is_a_404(factory, world):
    material = world["shinan"].materials.first()

    assert material_get_for(factory.district_reviewer("市南区"), material.pk) == material
    with pytest.raises(Http404):
        material_get_for(world["li"], material.pk)
    with pytest.raises(Http404):
        material_get_for(factory.district_reviewer("市北区"), material.pk)


@pytest.mark.django_db
def test_active_materials_leave_out_removed_ones(world):
    case = world["draft"]
    removed = case.materials.get(slot="legal_cert")
    material_remove(material=removed, actor=world["zhang"])

    assert [m.slot for m in active_materials(case)] == ["approval_doc"]


# --- the queue ---------------------------------------------------------------------------------------


def submitted_on(factory, day, **kw):
    unit = factory.unit(**kw)
    with time_machine.travel(DAY + datetime.timedelta(days=day), tick=False):
        return case_transition(case=unit.registration_case, action=Action.SUBMIT, actor=unit.agent)


@pytest.mark.django_db
def test_the_queue_is_oldest_submission_first_whatever_the_creation_order(factory):
    third = submitted_on(factory, 3, org="李沧区")
    first = submitted_on(factory, 1, org="李沧区")
    second = submitted_on(factory, 2, org="李沧区")

    assert list(review_queue_for(factory.district_reviewer("李沧区"))) == [first, second, third]


@pytest.mark.django_db
def test_the_queue_holds_only_cases_at_my_step(factory):
    mine = submitted_on(factory, 1, org="崂山区")
    other_district = submitted_on(factory, 1, org="城阳区")
    moved_on = submitted_on(factory, 0, org="崂山区")
    reviewer = factory.district_reviewer("崂山区")
    moved_on = case_transition(case=moved_on, action=Action.APPROVE, actor=reviewer)
    returned = submitted_on(factory, 2, org="崂山区")
    case_transition(case=returned, action=Action.RETURN, actor=reviewer, reason="请补充")

    assert list(review_queue_for(reviewer)) == [mine]
    assert list(review_queue_for(factory.city_reviewer())) == [moved_on]
    assert other_district not in review_queue_for(reviewer)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["agent", "finance", "admin"])
def test_only_reviewers_have_a_queue(factory, role):
    submitted_on(factory, 1, org="市直企业")
    user = {"agent": factory.agent, "finance": factory.finance, "admin": lambda: factory.staff("admin")}[
        role
    ]()

    assert list(review_queue_for(user)) == []


@pytest.mark.django_db
def test_queue_filters_combine(factory):
    a = submitted_on(factory, 1, org="市直企业", name="青岛甲公司")
    submitted_on(factory, 2, org="市直企业", name="青岛乙公司")
    c = submitted_on(factory, 3, org="市直事业单位", name="青岛甲研究所")
    city = factory.city_reviewer()

    assert list(review_queue_for(city, unit_name=" 甲 ")) == [a, c]
    assert list(review_queue_for(city, unit_name="甲", date_from=datetime.date(2026, 3, 4))) == [c]
    assert list(review_queue_for(city, unit_name="甲", date_to=datetime.date(2026, 3, 3))) == [a]
    assert list(review_queue_for(city, district_id=factory.org("市直事业单位").pk)) == [c]
    assert list(review_queue_for(city, kind=BusinessKind.CLAIM)) == []


@pytest.mark.django_db
def test_the_decided_list_holds_only_what_i_acted_on(factory):
    reviewer = factory.district_reviewer("即墨区")
    older = submitted_on(factory, 1, org="即墨区")
    newer = submitted_on(factory, 2, org="即墨区")
    untouched = submitted_on(factory, 3, org="即墨区")
    case_transition(case=older, action=Action.APPROVE, actor=reviewer)
    case_transition(case=newer, action=Action.RETURN, actor=reviewer, reason="请补充")

    assert list(cases_decided_by(reviewer)) == [newer, older]
    assert untouched not in cases_decided_by(reviewer)
