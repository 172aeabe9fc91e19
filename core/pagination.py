"""Page numbers for long lists: 1 … 4 5 [6] 7 8 … 2480 instead of only 上一页/下一页."""

from django.core.paginator import Page


def page_window(page: Page, *, around: int = 2) -> list[int | None]:
    """The page numbers to show around the current one, with None where a gap (…) goes."""
    last = page.paginator.num_pages
    numbers = {1, last, *range(page.number - around, page.number + around + 1)}
    shown = sorted(n for n in numbers if 1 <= n <= last)
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] == 2:  # a gap of one page: show the page, not "…"
            window.append(number - 1)
        elif window and number - window[-1] > 2:
            window.append(None)
        window.append(number)
    return window


def page_number(raw, *, last: int) -> int:
    """A typed page number (the jump box), clamped to 1…last; anything else is page 1."""
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(last, 1))
