"""The menu's badges (core.navigation.menu_waiting, on every page): a constant small number of queries for
every role whatever the amount of waiting work, none while nothing was written, and the right number on
the page after the user's own action — also when the write was seen by another worker process."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import navigation
from core.navigation import menu_waiting
from notifications.tests.test_digest import badges
from review.engine import case_transition
from review.models import Action
from tests.clients import client_for

pytestmark = pytest.mark.django_db


def counted(user, session=None) -> dict[str, int]:
    return {work.key: work.count for work in menu_waiting(user, session)}


def _units(factory, first: int, last: int) -> None:
    for n in range(first, last):
        factory.submitted_unit(org="市南区", name=f"待审单位{n}有限公司")


def _at_city(factory, first: int, last: int) -> None:
    district = factory.district_reviewer("市南区", username=f"district{first}")
    for n in range(first, last):
        unit = factory.submitted_unit(org="市南区", name=f"待审单位{n}有限公司")
        case_transition(case=unit.registration_case, action=Action.APPROVE, actor=district)


def _notices(factory, first: int, last: int) -> None:
    for n in range(first, last):  # different people each time (one person, one open application per plan)
        factory.approved_application(rows=factory.people(2, first=n * 2))


@pytest.mark.parametrize(
    "role, grow, key, cold",
    [
        ("district_reviewer", _units, "review:queue", 1),
        ("city_reviewer", _at_city, "review:queue", 1),
        ("finance", _notices, "billing:workbench", 3),
        ("admin", _units, None, 0),
        ("agent", _units, None, 0),
    ],
)
def test_the_menu_counts_read_the_same_few_queries_for_2_or_12_waiting_items(
    factory, django_assert_max_num_queries, django_assert_num_queries, role, grow, key, cold
):
    user = {
        "district_reviewer": lambda: factory.district_reviewer("市南区"),
        "city_reviewer": factory.city_reviewer,
        "finance": factory.finance,
        "admin": lambda: factory.staff("admin"),
        "agent": factory.agent,
    }[role]()
    grow(factory, 0, 2)
    with django_assert_max_num_queries(cold):
        small = counted(user)
    grow(factory, 2, 12)  # a write: the next count is taken afresh
    with django_assert_max_num_queries(cold):
        large = counted(user)
    with django_assert_num_queries(0):  # nothing written since: the cached badges
        assert counted(user) == large
    if key:
        assert (small[key], large[key]) == (2, 12)
    else:
        assert not any(large.values())


def _decide(client, case) -> None:
    case.refresh_from_db()
    response = client.post(f"/review/cases/{case.pk}/decide/", {"action": "approve", "version": case.version})
    assert response.status_code == 302


def test_the_badge_is_right_on_the_page_after_the_reviewers_approval(factory):
    units = [factory.submitted_unit(org="市南区") for _ in range(2)]
    client = client_for(factory.district_reviewer("市南区"))
    assert badges(client.get("/review/").content.decode()) == {"review:queue": "2"}
    _decide(client, units[0].registration_case)
    assert badges(client.get("/review/").content.decode()) == {"review:queue": "1"}


def test_the_page_after_the_users_own_write_is_recounted_in_another_worker_too(factory):
    """Worker A serves the reviewer's 通过; worker B still holds his badges counted before it and saw no
    write: his session's mark makes B count afresh."""
    units = [factory.submitted_unit(org="市南区") for _ in range(3)]
    reviewer = factory.district_reviewer("市南区")
    client = client_for(reviewer)
    assert badges(client.get("/review/").content.decode()) == {"review:queue": "3"}
    key = f"menu-counts:{reviewer.pk}"
    _, counted_at, waiting = cache.get(key)
    _decide(client, units[0].registration_case)  # worker A
    cache.set(key, (navigation._writes, counted_at, waiting))  # worker B's cache, as it was
    assert badges(client.get("/review/").content.decode()) == {"review:queue": "2"}


def test_without_a_write_the_badges_come_from_the_cache(factory):
    """While nothing was written (here, or by the user), a page reads the badges without counting."""
    factory.submitted_unit(org="市南区")
    client = client_for(factory.district_reviewer("市南区"))
    client.get("/review/")
    with CaptureQueriesContext(connection) as warm:
        assert badges(client.get("/review/").content.decode()) == {"review:queue": "1"}
    navigation.note_write()
    with CaptureQueriesContext(connection) as cold:
        assert badges(client.get("/review/").content.decode()) == {"review:queue": "1"}
    assert len(cold) == len(warm) + 1  # the queue's one aggregate


def test_a_member_lookup_written_to_the_audit_trail_keeps_the_badges_cached(factory, city):
    """会员查询 writes an audit row on every lookup; the audit trail changes no count, so the next lookup
    reads the badges from the cache (it counted the city reviewer's queue on every lookup)."""
    factory.submitted_unit(org="市南区")
    member = factory.member("查询会员")
    client = client_for(city)
    url = f"/enrollment/members/?q={member.id_number}"
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert not [q for q in warm.captured_queries if 'FROM "review_case"' in q["sql"]]
    assert any("core_auditlog" in q["sql"] for q in warm.captured_queries)  # the lookup is still audited
