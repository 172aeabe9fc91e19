"""The left menu mirrors the manual's chapters; each role sees its own sections (core.navigation, filled
by each app)."""

from django.utils.functional import SimpleLazyObject

from core.navigation import SECTIONS, entries_for, lazy_header_counts, menu_waiting


def navigation(request):
    """The menu, its badges and the header's counts — computed only when the template shows them: an htmx
    fragment (a roster page, a search) renders no menu and reads none of them (it read them all)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menu = SimpleLazyObject(lambda: _menu(request, user))
    return {
        "nav_sections": SimpleLazyObject(lambda: menu["nav_sections"]),
        "waiting_total": SimpleLazyObject(lambda: menu["waiting_total"]),
        **lazy_header_counts(user),
    }


def _menu(request, user) -> dict:
    items_by_section: dict[str, list[dict]] = {}
    for entry in entries_for(user):
        # Every key the template asks for is present: a missing one costs the template four exceptions.
        item = {"label": entry.label, "url": entry.url, "name": entry.target, "active": False, "badge": 0}
        items_by_section.setdefault(entry.section, []).append(item)
    sections = [
        {"title": section.title, "items": items_by_section[section.key]}
        for section in SECTIONS
        if section.key in items_by_section
    ]
    items = [item for section in sections for item in section["items"]]
    # The one active entry: the longest menu URL that prefixes the current path.
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    # Staff: how many items wait at their step, as a badge on the menu entry (and on the phone's ☰);
    # cached for a few seconds, never across the user's own writes (core.navigation.menu_waiting).
    session = getattr(request, "session", None)
    waiting = {work.key: work.count for work in menu_waiting(user, session)}
    for item in items:
        if waiting.get(item["name"]):
            item["badge"] = waiting[item["name"]]
    return {"nav_sections": sections, "waiting_total": sum(waiting.values())}
