"""/healthz (core.views.healthz) and the home page's routing by role."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from core.models import WorkerHeartbeat


@pytest.mark.django_db
def test_healthz_reports_the_database_and_no_worker_without_a_heartbeat(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "worker": "no worker seen"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_a_worker_with_a_fresh_heartbeat(client):
    WorkerHeartbeat.objects.create(worker_id="worker-1", hostname="app1", last_seen=timezone.now())

    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "worker": "ok"}


@pytest.mark.django_db
def test_healthz_does_not_count_a_stale_heartbeat(client, settings):
    stale = timezone.now() - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3 + 5)
    WorkerHeartbeat.objects.create(worker_id="worker-1", last_seen=stale)

    assert client.get("/healthz").json()["worker"] == "no worker seen"


@pytest.mark.django_db
def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code == 200


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
