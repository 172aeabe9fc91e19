"""plans.selectors: the 疾病名称 picker of a 保障金申请, grouped by plan."""

import pytest

from plans.reference import CRITICAL_ILLNESSES, FEMALE_DISEASES
from plans.selectors import diseases_grouped

pytestmark = pytest.mark.django_db


def test_the_diseases_are_grouped_by_plan_in_the_order_of_the_lists(reference_data):
    groups = diseases_grouped(["NG", "ZJ"])

    assert [name for name, _diseases in groups] == ["重大疾病互助保障", "女职工特殊疾病互助保障"]
    assert [d.name for d in groups[0][1]] == CRITICAL_ILLNESSES
    assert [d.name for d in groups[1][1]] == FEMALE_DISEASES


def test_a_plan_without_diseases_gives_no_group(reference_data):
    assert diseases_grouped(["YW"]) == []
