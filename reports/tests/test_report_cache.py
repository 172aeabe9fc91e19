"""统计报表's cache (reports.selectors.report_cached): one computation per scope, year and day for
REPORT_CACHE_SECONDS, its 统计时间 on the page; a district reviewer never gets the city's (or another
district's) numbers; the Excel export is counted afresh."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from python_calamine import CalamineWorkbook

from reports.tests.test_report import paid_claim, rows
from tests.clients import client_for


@pytest.fixture
def cached(settings):
    settings.REPORT_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(factory):
    unit = factory.approved_unit(org="市南区")
    return {
        "unit": unit,
        "shinan": factory.district_reviewer("市南区"),
        "shibei": factory.district_reviewer("市北区", username="shibei"),
        "city": factory.city_reviewer(),
        "finance": factory.finance(),
    }


def pay_a_claim(factory, people):
    """A 15,000 元 claim of 市南区 filed, approved and paid."""
    paid_claim(
        factory, people["unit"], shinan=people["shinan"], city=people["city"], finance=people["finance"]
    )


def paid_amount(response, district="市南区") -> Decimal:
    return rows(response, "districts")[district].paid_amount


def test_a_second_read_within_the_window_is_served_from_the_cache_and_says_when_it_was_counted(
    cached, factory, people, django_assert_max_num_queries
):
    city = client_for(people["city"])
    first = city.get("/reports/")
    assert paid_amount(first) == 0
    page = first.content.decode()
    counted = timezone.localtime(first.context["computed_at"])
    assert f'统计时间 <span class="text-nowrap">{counted:%Y-%m-%d %H:%M}</span>（每5分钟更新' in page
    pay_a_claim(factory, people)
    with django_assert_max_num_queries(8):  # session, user, menu — no aggregate over the data
        again = city.get("/reports/")
    assert paid_amount(again) == 0 and again.context["computed_at"] == first.context["computed_at"]
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=301)):
        later = city.get("/reports/")
    assert paid_amount(later) == Decimal("15000.00")


def test_without_the_cache_the_page_does_not_promise_a_five_minute_count(settings, people):
    settings.REPORT_CACHE_SECONDS = 0
    page = client_for(people["city"]).get("/reports/").content.decode()
    assert "统计时间" in page and "分钟更新" not in page


def test_the_export_is_counted_afresh(cached, factory, people):
    city = client_for(people["city"])
    assert paid_amount(city.get("/reports/")) == 0
    pay_a_claim(factory, people)
    book = CalamineWorkbook.from_filelike(io.BytesIO(city.get("/reports/export.xlsx").content))
    sheet = book.get_sheet_by_index(0).to_python()
    shinan = next(row for row in sheet if row and row[0] == "市南区")
    assert 15000 in [float(v) for v in shinan[1:] if isinstance(v, int | float)]


def test_a_district_reviewer_never_gets_the_citys_or_another_districts_cached_numbers(
    cached, factory, people
):
    pay_a_claim(factory, people)
    assert len(rows(client_for(people["city"]).get("/reports/"), "districts")) == 15  # cached for the city
    shibei = client_for(people["shibei"]).get("/reports/")
    assert list(rows(shibei, "districts")) == ["市北区"]
    assert paid_amount(shibei, "市北区") == 0
    shinan = client_for(people["shinan"]).get("/reports/")
    assert list(rows(shinan, "districts")) == ["市南区"]
    assert paid_amount(shinan) == Decimal("15000.00")
