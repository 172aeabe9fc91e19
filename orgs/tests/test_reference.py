"""orgs.reference: the organisation tree of SPEC §3, loaded by migration and safe to load again."""

import pytest

from orgs.models import OrgNode
from orgs.reference import CITY_DIRECT, DISTRICTS, FUNCTIONAL_AREAS, ensure_org_tree

pytestmark = pytest.mark.django_db


def test_the_tree_has_the_root_two_groups_and_every_district_and_category(reference_data):
    root = OrgNode.objects.get(parent=None)
    assert root.name == "青岛市总工会"
    assert [g.name for g in root.children.order_by("position")] == ["市区", "市直"]
    assert OrgNode.objects.filter(kind=OrgNode.Kind.DISTRICT).count() == len(DISTRICTS + FUNCTIONAL_AREAS)
    assert set(
        OrgNode.objects.filter(kind=OrgNode.Kind.CITY_DIRECT).values_list("parent__name", flat=True)
    ) == {"市直"}
    assert OrgNode.objects.filter(kind=OrgNode.Kind.CITY_DIRECT).count() == len(CITY_DIRECT)


def test_loading_the_tree_again_changes_nothing(reference_data):
    before = list(OrgNode.objects.values_list("id", "name", "parent_id", "kind", "position"))

    ensure_org_tree()

    assert list(OrgNode.objects.values_list("id", "name", "parent_id", "kind", "position")) == before


def test_loading_again_keeps_what_the_administrator_changed(reference_data):
    OrgNode.objects.filter(name="市南区").update(position=99, is_active=False)

    ensure_org_tree()

    shinan = OrgNode.objects.get(name="市南区")
    assert (shinan.position, shinan.is_active) == (99, False)
