"""orgs.selectors: the leaves a unit may pick (in tree order), the districts, an active node by id."""

import pytest

from orgs.models import OrgNode
from orgs.reference import CITY_DIRECT, DISTRICTS, FUNCTIONAL_AREAS
from orgs.selectors import org_districts, org_get_active, org_leaves

pytestmark = pytest.mark.django_db


def test_the_leaves_are_the_districts_in_order_then_the_city_direct_categories(reference_data):
    assert [leaf.name for leaf in org_leaves()] == DISTRICTS + FUNCTIONAL_AREAS + CITY_DIRECT


def test_a_deactivated_leaf_is_no_longer_offered(reference_data):
    OrgNode.objects.filter(name="莱西市").update(is_active=False)

    assert "莱西市" not in [leaf.name for leaf in org_leaves()]
    assert "莱西市" not in [district.name for district in org_districts()]
    assert org_get_active(OrgNode.objects.get(name="莱西市").pk) is None


def test_the_districts_leave_out_groups_and_city_direct_categories(reference_data):
    assert [d.name for d in org_districts()] == DISTRICTS + FUNCTIONAL_AREAS


def test_an_active_node_is_found_by_its_id_and_an_unknown_id_is_none(reference_data):
    shinan = OrgNode.objects.get(name="市南区")

    assert org_get_active(shinan.pk) == shinan
    assert org_get_active(999_999) is None
