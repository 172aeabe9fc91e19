"""The home page's routing by role (/healthz: test_health.py)."""

import pytest

from accounts.models import User


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (User.Role.AGENT, "/units/"),
        (User.Role.DISTRICT_REVIEWER, "/review/"),
        (User.Role.CITY_REVIEWER, "/review/"),
        (User.Role.FINANCE, "/billing/"),
    ],
)
def test_the_home_page_sends_each_role_to_its_workbench(client, factory, role, landing):
    if role == User.Role.AGENT:
        user = factory.agent()
    else:
        user = factory.staff(role, org=factory.org("市南区") if role == User.Role.DISTRICT_REVIEWER else None)
    client.force_login(user)

    response = client.get("/")

    assert (response.status_code, response.url) == (302, landing)
