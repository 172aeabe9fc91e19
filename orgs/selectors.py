from orgs.models import OrgNode


def org_leaves():
    """Leaves a unit may hang under, in tree order (district leaves first, then 市直 categories)."""
    leaves = list(
        OrgNode.objects.filter(is_active=True).exclude(kind=OrgNode.Kind.GROUP).select_related("parent")
    )
    return sorted(
        leaves, key=lambda n: (n.parent.position if n.parent else 0, n.parent_id or 0, n.position, n.id)
    )


def org_get_active(pk) -> OrgNode | None:
    """An active node of the tree by its id, or None."""
    return OrgNode.objects.filter(pk=pk, is_active=True).first()


def org_districts():
    return OrgNode.objects.filter(kind=OrgNode.Kind.DISTRICT, is_active=True).order_by("position", "id")
