from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from units.models import Unit


def units_visible_to(actor) -> QuerySet[Unit]:
    units = Unit.objects.filter(deleted_at__isnull=True)
    if not actor.is_authenticated:
        return units.none()
    if actor.is_agent:
        return units.filter(agent=actor)
    if actor.role == actor.Role.DISTRICT_REVIEWER:
        return units.filter(parent_org_id=actor.org_id)
    if actor.sees_everything:
        return units
    return units.none()


def unit_list_for_agent(actor) -> QuerySet[Unit]:
    return (
        units_visible_to(actor)
        .select_related("parent_org", "registration_case__current_step")
        .order_by("-id")
    )


def unit_get_for(actor, pk) -> Unit:
    return get_object_or_404(
        units_visible_to(actor).select_related("parent_org", "agent", "registration_case__current_step"), pk=pk
    )


def unit_search_registered(query: str, *, exclude_pk=None, limit: int = 10) -> list[Unit]:
    """Type-ahead over approved units by name or credit code (only names are shown to agents)."""
    query = (query or "").strip()
    if len(query) < 1:
        return []
    units = Unit.objects.filter(deleted_at__isnull=True, approved_at__isnull=False)
    if exclude_pk:
        units = units.exclude(pk=exclude_pk)
    by_name = units.filter(name__icontains=query)
    if query.isalnum() and len(query) >= 4:
        by_name = by_name | units.filter(credit_code__istartswith=query)
    return list(by_name.select_related("parent_org").order_by("name")[:limit])
