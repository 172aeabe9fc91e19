"""URLs without arguments, reversed once per process: the same for every request under one script prefix
and URL conf (the menu's 10–15 entries on every page, 「显示完整」 on every masked row of a list)."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def reverse_plain(name: str) -> str:
    """reverse(NAME) for a URL without arguments, cached per script prefix and URL conf."""
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=1024)
def _reversed(name: str, script_prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)  # reverse() reads the script prefix itself: it is the cache key
