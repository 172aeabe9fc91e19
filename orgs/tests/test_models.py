"""OrgNode (上级单位): which nodes a unit may hang under, who reviews first, how a node is labelled."""

import pytest
from django.db import IntegrityError

from orgs.models import OrgNode

pytestmark = pytest.mark.django_db


def node(name) -> OrgNode:
    return OrgNode.objects.get(name=name)


@pytest.mark.parametrize(
    ("name", "leaf", "city_direct"),
    [
        ("青岛市总工会", False, False),
        ("市区", False, False),
        ("市直", False, False),
        ("市南区", True, False),
        ("红岛经济区", True, False),  # a functional area is reviewed like a district
        ("市直企业", True, True),
        ("市直机关单位", True, True),
    ],
)
def test_districts_and_city_direct_categories_are_leaves_and_only_city_direct_skips_the_district(
    reference_data, name, leaf, city_direct
):
    assert (node(name).is_leaf, node(name).is_city_direct) == (leaf, city_direct)


def test_the_label_is_the_path_below_the_root(reference_data):
    assert node("市南区").path_label == "市区 / 市南区"
    assert node("市直企业").path_label == "市直 / 市直企业"
    assert node("市区").path_label == "市区"
    assert node("青岛市总工会").path_label == "青岛市总工会"  # the root names itself


def test_two_nodes_under_one_parent_cannot_share_a_name(reference_data):
    with pytest.raises(IntegrityError):
        OrgNode.objects.create(name="市南区", parent=node("市区"), kind=OrgNode.Kind.DISTRICT)
