"""{% status_badge case %} is core's tag; the colours of the statuses are review's, registered at start-up."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from review.models import Status

TEMPLATE = Template("{% load ui %}{% status_badge case %}")


@pytest.mark.parametrize(
    ("status", "css"),
    [
        (Status.RETURNED, "text-bg-danger"),
        (Status.NEEDS_MATERIALS, "text-bg-warning"),
        ("unknown", "text-bg-secondary"),
    ],
)
def test_a_case_status_is_shown_in_its_colour(status, css):
    case = SimpleNamespace(status=status, status_label="标签")
    rendered = TEMPLATE.render(Context({"case": case})).strip()
    assert rendered == f'<span class="badge status-badge {css}">标签</span>'


def test_every_status_has_a_colour():
    from core.templatetags.ui import BADGE_CLASSES

    assert set(BADGE_CLASSES) == set(Status.values)
