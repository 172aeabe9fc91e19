"""统计报表: the numbers per district and per plan, their scoping, and the xlsx export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from claims.services import claim_payout_record
from demo.seed import seed_demo
from review.engine import case_transition
from review.models import Action, Case
from units.models import Unit


@pytest.fixture
def demo(reference_data):
    seed_demo()
    return Unit.objects.get(name="青岛海川机械有限公司")


def paid_claim(factory, unit, *, shinan, city, finance, amount="15000.00"):
    member = factory.covered_member(unit, name="王丽")
    claim = factory.claim(unit, member)
    factory.claim_materials(claim)
    case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    case_transition(case=claim.case, action=Action.APPROVE, actor=shinan)
    case_transition(case=claim.case, action=Action.APPROVE, actor=city, data={"approved_amount": amount})
    claim.refresh_from_db()
    claim_payout_record(actor=finance, claim=claim, paid_on=timezone.localdate(), bank_reference="P1")
    return claim


def rows(response, table):
    return {row.label: row for row in response.context[table]}


def test_city_sees_every_district_with_the_demo_units_fees_and_members(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="city"))
    response = client.get("/reports/")
    districts = rows(response, "districts")
    assert len(districts) == 15  # 12 districts and functional areas + 3 市直 categories
    shinan = districts["市南区"]
    assert (shinan.units, shinan.members, shinan.fees) == (1, 12, Decimal("2184.00"))
    assert districts["市北区"].fees == 0
    assert response.context["totals"].fees == Decimal("2184.00")
    plans = rows(response, "plans")
    # 12 members × (ZJ 30 + YW 2×26 + YL 90) + 6 women × NG 20.
    assert (plans["重大疾病互助保障"].fees, plans["意外伤害互助保障"].fees) == (
        Decimal("360.00"),
        Decimal("624.00"),
    )
    assert (plans["女职工特殊疾病互助保障"].members, plans["女职工特殊疾病互助保障"].fees) == (
        6,
        Decimal("120.00"),
    )


def test_a_paid_claim_counts_for_its_district_and_plan(client, demo, factory, django_user_model):
    users = {
        u.username: u for u in django_user_model.objects.filter(username__in=["shinan", "city", "finance"])
    }
    paid_claim(factory, demo, shinan=users["shinan"], city=users["city"], finance=users["finance"])
    client.force_login(users["finance"])
    response = client.get("/reports/")
    shinan = rows(response, "districts")["市南区"]
    assert (shinan.claims_filed, shinan.claims_paid, shinan.paid_amount) == (1, 1, Decimal("15000.00"))
    women = rows(response, "plans")["女职工特殊疾病互助保障"]
    assert (women.claims_filed, women.claims_paid, women.paid_amount) == (1, 1, Decimal("15000.00"))


def test_a_claim_is_filed_in_the_year_of_its_local_day_at_the_years_edges(
    client, demo, factory, django_user_model
):
    """上报 at 00:05 on 1 January Beijing time (still 31 December in UTC) is filed in the new year, at 23:55
    on 31 December in the old one."""
    users = {
        u.username: u for u in django_user_model.objects.filter(username__in=["shinan", "city", "finance"])
    }
    claim = paid_claim(factory, demo, shinan=users["shinan"], city=users["city"], finance=users["finance"])
    year, local = timezone.localdate().year, timezone.get_current_timezone()
    client.force_login(users["finance"])

    def filed(in_year):
        return rows(client.get(f"/reports/?year={in_year}"), "districts")["市南区"].claims_filed

    Case.objects.filter(pk=claim.case_id).update(
        submitted_at=datetime.datetime(year, 1, 1, 0, 5, tzinfo=local)
    )
    assert (filed(year - 1), filed(year)) == (0, 1)
    Case.objects.filter(pk=claim.case_id).update(
        submitted_at=datetime.datetime(year - 1, 12, 31, 23, 55, tzinfo=local)
    )
    assert (filed(year - 1), filed(year)) == (1, 0)


def test_another_year_shows_no_fees(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="city"))
    last_year = timezone.localdate().year - 1
    response = client.get(f"/reports/?year={last_year}")
    assert response.context["totals"].fees == 0


def test_a_district_reviewer_sees_only_their_district(client, demo, factory):
    reviewer = factory.district_reviewer("市北区")
    client.force_login(reviewer)
    response = client.get("/reports/")
    assert [row.label for row in response.context["districts"]] == ["市北区"]
    assert response.context["totals"].fees == 0
    assert rows(response, "plans")["重大疾病互助保障"].members == 0  # 市南区's members are not counted


def test_agents_cannot_open_the_report(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="13800000001"))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/export.xlsx").status_code == 403


def test_the_export_is_an_xlsx_with_both_tables(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="finance"))
    response = client.get("/reports/export.xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["按区县", "按保障计划"]
    districts = book.get_sheet_by_name("按区县").to_python()
    assert districts[2][:4] == ["区县", "单位数", "在保会员数", "已收保费（元）"]
    shinan = next(row for row in districts if row[0] == "市南区")
    assert shinan[1:4] == [1, 12, 2184.0]
    assert districts[-1][0] == "合计"


def test_members_are_counted_on_the_day_of_the_report(client, demo, django_user_model):
    """Coverage that ended yesterday no longer counts as 在保."""
    from enrollment.models import Coverage

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Coverage.objects.update(end=yesterday)
    client.force_login(django_user_model.objects.get(username="city"))
    assert rows(client.get("/reports/"), "districts")["市南区"].members == 0


def test_the_plan_sheet_counts_the_units_with_members_in_force_in_each_plan(
    client, demo, factory, django_user_model
):
    """按保障计划 → 参保单位数: the demo unit covers ZJ, NG, YW and YL; a second unit only ZJ."""
    other = factory.approved_unit(name="青岛第二机械有限公司")
    factory.covered_member(other, plans={"ZJ": 1}, name="王丽")
    client.force_login(django_user_model.objects.get(username="city"))
    by_plan = rows(client.get("/reports/"), "plans")
    assert by_plan["重大疾病互助保障"].units == 2
    assert by_plan["女职工特殊疾病互助保障"].units == 1
    assert by_plan["意外伤害互助保障"].units == 1

    book = CalamineWorkbook.from_filelike(io.BytesIO(client.get("/reports/export.xlsx").content))
    plans = book.get_sheet_by_name("按保障计划").to_python()
    assert plans[2][:3] == ["保障计划", "参保单位数", "在保会员数"]
    assert {row[0]: row[1] for row in plans[3:]} == {
        "重大疾病互助保障": 2,
        "女职工特殊疾病互助保障": 1,
        "意外伤害互助保障": 1,
        "在职职工住院医疗互助保障": 1,  # the demo unit covers YL too (住院医疗 can be tried)
    }
    assert "参保单位数" in client.get("/reports/").content.decode()
