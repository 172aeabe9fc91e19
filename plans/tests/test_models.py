"""Plan and PlanRate: the fee in force on a day is the latest rate valid from that day or before."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from plans.models import Plan, PlanRate
from plans.reference import RATES_FROM

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def zj(reference_data):
    return Plan.objects.get(code="ZJ")


def test_the_rate_of_a_day_is_the_latest_one_valid_from_that_day_or_before(zj):
    later = RATES_FROM.replace(year=RATES_FROM.year + 2)
    PlanRate.objects.create(plan=zj, valid_from=later, fee_per_share=Decimal("36.00"))

    assert zj.rate_on(later - DAY).fee_per_share == Decimal("30.00")
    assert zj.rate_on(later).fee_per_share == Decimal("36.00")
    assert zj.rate_on(later + 400 * DAY).fee_per_share == Decimal("36.00")


def test_before_the_first_rate_there_is_none(zj):
    assert zj.rate_on(RATES_FROM - DAY) is None


def test_the_current_rate_is_the_rate_of_today(zj):
    tomorrow = timezone.localdate() + DAY
    PlanRate.objects.create(plan=zj, valid_from=tomorrow, fee_per_share=Decimal("40.00"))

    assert zj.current_rate.fee_per_share == Decimal("30.00")  # tomorrow's rate is not in force yet


def test_a_plan_has_one_rate_per_day(zj):
    with pytest.raises(IntegrityError):
        PlanRate.objects.create(plan=zj, valid_from=RATES_FROM, fee_per_share=Decimal("31.00"))
