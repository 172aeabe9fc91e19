"""The pages `make bench` puts under load read a number of queries that does not grow with the data: each
page is read on small data, then on larger data (3 → 30 units, rows, cases …), and the larger page may use
no more queries than the small one (`django_assert_max_num_queries`). Timings are never asserted here —
they live in `make bench` and docs/benchmarks.md.
"""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.navigation import note_write
from review.engine import case_transition
from review.models import Action

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def queries_of(client, url, **headers) -> int:
    """The queries of the second read (the first one warms the session and the caches), with the menu's
    badges counted afresh as on the first page after a write (the larger read follows one too)."""
    assert client.get(url, **headers).status_code == 200
    note_write()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(captured)


def assert_flat(client, url, *, grow, shows, django_assert_max_num_queries, times=1, **headers):
    """Read URL on the data as it is, GROW the data, read again: no more queries; SHOWS (at least TIMES
    times) proves the larger page really has the added data."""
    # Both sides count the menu's badges afresh (no cached badges on either side, however slow the run:
    # tests/querycount/test_menu_counts.py holds the cache itself).
    with mock.patch("core.navigation.MENU_COUNTS_SECONDS", 0):
        small = queries_of(client, url, **headers)
        grow()
        with django_assert_max_num_queries(small):
            response = client.get(url, **headers)
    assert response.status_code == 200
    assert response.content.decode().count(shows) >= times, shows


def test_agent_unit_list_reads_the_same_queries_for_3_or_30_units(
    client, factory, django_assert_max_num_queries
):
    agent = factory.agent()
    for n in range(3):
        factory.approved_unit(agent=agent, name=f"查询单位{n}有限公司")
    client.force_login(agent)

    def grow():
        for n in range(3, 30):
            factory.approved_unit(agent=agent, name=f"查询单位{n}有限公司")

    assert_flat(
        client,
        "/units/",
        grow=grow,
        shows="查询单位29有限公司",
        django_assert_max_num_queries=django_assert_max_num_queries,
    )


def _units_in_every_state(factory, agent, reviewer, n: int) -> None:
    """A draft, one under review, a returned one and an approved one with a pending edit."""
    from units.services import unit_change_save
    from units.tests.test_unit_change import fields_of

    factory.unit(agent, name=f"草稿单位{n}有限公司")
    factory.submitted_unit(agent=agent, name=f"审核单位{n}有限公司")
    returned = factory.submitted_unit(agent=agent, name=f"退回单位{n}有限公司")
    case_transition(case=returned.registration_case, action=Action.RETURN, actor=reviewer, reason="名称有误")
    edited = factory.approved_unit(agent=agent, name=f"编辑单位{n}有限公司")
    unit_change_save(actor=agent, unit=edited, **fields_of(edited, address=f"青岛市市南区新路{n}号"))


def test_agent_unit_list_in_every_state_reads_the_same_queries_for_1_or_6_of_each(
    client, factory, django_assert_max_num_queries
):
    """The list reads only the columns it shows (units.selectors.UNIT_LIST_COLUMNS): no state's badge or
    button reads a column left out (that would be one more query per row)."""
    agent, reviewer = factory.agent(), factory.district_reviewer("市南区")
    _units_in_every_state(factory, agent, reviewer, 0)
    client.force_login(agent)

    assert_flat(
        client,
        "/units/",
        grow=lambda: [_units_in_every_state(factory, agent, reviewer, n) for n in range(1, 6)],
        shows="编辑未上报",
        times=6,
        django_assert_max_num_queries=django_assert_max_num_queries,
    )


@pytest.fixture
def roster_application(factory):
    unit = factory.approved_unit()
    return factory.application(unit, rows=factory.people(3))


@pytest.mark.parametrize(
    ("query", "shows"),
    [("page=1", "职工20"), ("page=3", "职工60"), ("q=职工", "职工20")],
    ids=["the first page of the roster", "a later page (the bench reads one in the middle)", "a search"],
)
def test_roster_reads_the_same_queries_for_3_or_60_rows(
    client, factory, roster_application, query, shows, django_assert_max_num_queries
):
    client.force_login(roster_application.unit.agent)
    url = f"/enrollment/{roster_application.pk}/roster/?{query}"

    def grow():
        factory.import_roster(roster_application, factory.people(60))

    assert_flat(
        client,
        url,
        grow=grow,
        shows=shows,
        django_assert_max_num_queries=django_assert_max_num_queries,
        **HTMX,
    )


def test_reviewer_queue_reads_the_same_queries_for_3_or_30_waiting_cases(
    client, factory, django_assert_max_num_queries
):
    reviewer = factory.district_reviewer("市南区")
    for n in range(3):
        factory.submitted_unit(name=f"待审单位{n}有限公司")
    client.force_login(reviewer)

    def grow():
        for n in range(3, 30):
            factory.submitted_unit(name=f"待审单位{n}有限公司")

    assert_flat(
        client,
        "/review/",
        grow=grow,
        shows="待审单位19有限公司",  # 20 a page, oldest first
        django_assert_max_num_queries=django_assert_max_num_queries,
    )


def _periods(factory, member, unit, first: int, last: int):
    today = timezone.localdate()
    for year in range(first, last):
        start = today.replace(month=1, day=1).replace(year=today.year - year)
        factory.coverage(member, unit, "ZJ", start=start, end=start.replace(month=12, day=31))


def test_member_lookup_by_id_reads_the_same_queries_for_3_or_30_coverages(
    client, factory, city, django_assert_max_num_queries
):
    unit = factory.approved_unit()
    member = factory.member("查询会员")
    _periods(factory, member, unit, 0, 3)
    client.force_login(city)

    assert_flat(
        client,
        f"/enrollment/members/?q={member.id_number}",
        grow=lambda: _periods(factory, member, unit, 3, 30),
        shows=f"{timezone.localdate().year - 29}-01-01",
        django_assert_max_num_queries=django_assert_max_num_queries,
    )


def test_member_lookup_by_name_reads_the_same_queries_for_3_or_30_matches(
    client, factory, city, django_assert_max_num_queries
):
    unit = factory.approved_unit()

    def members(first, last):
        for n in range(first, last):
            member = factory.member("同名会员", birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=n))
            _periods(factory, member, unit, 0, 1)

    members(0, 3)
    client.force_login(city)
    assert_flat(
        client,
        "/enrollment/members/?q=同名会员",
        grow=lambda: members(3, 30),
        shows="同名会员",
        times=30,
        django_assert_max_num_queries=django_assert_max_num_queries,
    )


def _paid_claims(factory, count: int) -> None:
    """COUNT claims through the whole flow: 上报, 区县 and 市总 通过 (amount set), 给付 → 已结案."""
    from claims.services import claim_payout_record

    finance = factory.finance()
    district = factory.district_reviewer()
    city = factory.city_reviewer()
    for _ in range(count):
        unit = factory.approved_unit()
        claim = factory.claim_materials(factory.claim(unit, factory.covered_member(unit)))
        case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
        case = case_transition(case=case, action=Action.APPROVE, actor=district)
        case_transition(case=case, action=Action.APPROVE, actor=city, data={"approved_amount": "15000"})
        claim.refresh_from_db()
        claim_payout_record(actor=finance, claim=claim, paid_on=timezone.localdate(), bank_reference="P1")


def test_statistics_reads_the_same_queries_for_3_or_12_paid_claims(
    client, factory, city, django_assert_max_num_queries
):
    _paid_claims(factory, 3)
    client.force_login(city)
    assert_flat(
        client,
        "/reports/",
        grow=lambda: _paid_claims(factory, 9),
        shows="统计报表",
        django_assert_max_num_queries=django_assert_max_num_queries,
    )


def test_finance_workbench_reads_the_same_queries_for_3_or_12_notices_and_receipts(
    client, factory, finance, django_assert_max_num_queries
):
    made = []

    def notices(count: int) -> None:
        for _ in range(count):  # different people each time (one person, one open application per plan)
            factory.approved_application(rows=factory.people(3, first=len(made) * 3))  # a notice to confirm
            made.append(1)
            factory.effective_application(rows=factory.people(3, first=len(made) * 3))  # a receipt today
            made.append(1)

    notices(3)
    client.force_login(finance)
    assert_flat(
        client,
        "/billing/",
        grow=lambda: notices(9),
        shows="JF",
        times=24,
        django_assert_max_num_queries=django_assert_max_num_queries,
    )


def test_a_claims_eligibility_check_reads_the_same_queries_for_1_or_12_periods_of_cover(
    factory, django_assert_max_num_queries
):
    """上报 and the reviewers' panel re-run the rules (claims.services.recheck): three queries for a
    one-plan claim (the plan, the member's coverage of it, the same-event claims), however long the
    member's history — the bench times it on the city."""
    from claims.services import recheck
    from plans.models import Disease

    unit = factory.approved_unit()
    member = factory.covered_member(unit, plans={"ZJ": 1})
    claim = factory.claim(
        unit, member, plan_choice="ZJ", disease=Disease.objects.get(plan__code="ZJ", name="恶性肿瘤——重度")
    )
    with django_assert_max_num_queries(3):
        small = recheck(claim)
    today = timezone.localdate()
    for year in range(2, 13):  # eleven earlier yearly periods, in this unit and in another
        other = unit if year % 2 else factory.approved_unit(name=f"前单位{year}有限公司")
        start = today - datetime.timedelta(days=365 * year)
        factory.coverage(member, other, "ZJ", start=start, end=start + datetime.timedelta(days=364))
    with django_assert_max_num_queries(3):
        large = recheck(claim)
    assert [r.code for r in large] == [r.code for r in small]
    assert all(r.ok for r in large)


def test_a_two_plan_claims_eligibility_check_reads_no_more_queries_than_a_one_plan_claim(
    factory, django_assert_max_num_queries
):
    """重疾+女工: both plans' coverage in one query and both same-event counts in one."""
    from claims.services import recheck
    from plans.models import Disease

    unit = factory.approved_unit()
    member = factory.covered_member(unit, plans={"ZJ": 1, "NG": 1})
    disease = Disease.objects.get(plan__code="NG", name="原发性乳腺癌")
    claim = factory.claim(unit, member, plan_choice="BOTH", disease=disease)
    recheck(claim)  # the claim's disease and the plan it counts as, read once for the claim object
    with django_assert_max_num_queries(2):
        results = recheck(claim)
    assert len([r for r in results if r.code == "in_force"]) == 2 and all(r.ok for r in results)
