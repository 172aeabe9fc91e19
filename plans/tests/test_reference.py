"""plans.reference: the four plans of SPEC §6.1 with their fees and disease lists, and 重疾+女工."""

from decimal import Decimal

import pytest

from plans.models import Disease, Plan, PlanRate
from plans.reference import CRITICAL_ILLNESSES, FEMALE_DISEASES, ensure_plans

pytestmark = pytest.mark.django_db


def test_the_four_plans_with_their_fees_in_order(reference_data):
    plans = Plan.objects.order_by("position")
    assert [(p.code, p.current_rate.fee_per_share) for p in plans] == [
        ("ZJ", Decimal("30.00")),
        ("NG", Decimal("20.00")),
        ("YW", Decimal("26.00")),
        ("YL", Decimal("90.00")),
    ]
    assert Plan.objects.get(code="NG").sex == Plan.Sex.FEMALE
    assert (Plan.objects.get(code="ZJ").waiting_days, Plan.objects.get(code="NG").waiting_days) == (90, 60)


def test_each_plan_lists_its_diseases_and_in_situ_cancers_pay_their_own_benefit(reference_data):
    assert Disease.objects.filter(plan__code="ZJ").count() == len(CRITICAL_ILLNESSES)
    assert Disease.objects.filter(plan__code="NG").count() == len(FEMALE_DISEASES)
    assert Disease.objects.get(plan__code="NG", name="乳腺原位癌").benefit_per_share == Decimal("2000.00")
    assert Disease.objects.get(plan__code="NG", name="原发性乳腺癌").benefit_per_share is None  # the plan's


def test_female_cancers_also_count_as_the_critical_illness_but_in_situ_ones_do_not(reference_data):
    severe = Disease.objects.get(plan__code="ZJ", name="恶性肿瘤——重度")

    assert Disease.objects.get(plan__code="NG", name="原发性乳腺癌").counts_as == severe
    assert Disease.objects.get(plan__code="NG", name="乳腺原位癌").counts_as is None
    assert Disease.objects.get(plan__code="NG", name="侵蚀性葡萄胎").counts_as is None


def test_loading_the_plans_again_adds_nothing_and_keeps_the_administrators_changes(reference_data):
    Plan.objects.filter(code="YW").update(max_shares=5)
    counts = (Plan.objects.count(), PlanRate.objects.count(), Disease.objects.count())

    ensure_plans()

    assert (Plan.objects.count(), PlanRate.objects.count(), Disease.objects.count()) == counts
    assert Plan.objects.get(code="YW").max_shares == 5
