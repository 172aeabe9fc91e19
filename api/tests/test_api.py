"""The JSON API as an HR system uses it: bearer token, the agent's own data only, roster submission."""

import json

import pytest

from api.models import ApiToken
from api.services import api_token_create


@pytest.fixture
def setup(factory):
    unit = factory.approved_unit()
    application = factory.application(unit)
    _token, key = api_token_create(actor=unit.agent, name="人事系统")
    return unit, application, key


def call(client, method, path, key, **kw):
    return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {key}", **kw)


def test_a_request_without_or_with_a_wrong_token_is_refused(client, setup):
    assert client.get("/api/v1/units").status_code == 401
    response = call(client, "get", "/api/v1/units", "mat_wrong")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "接口令牌无效或已停用"


def test_only_the_hash_of_a_token_is_stored(setup):
    _unit, _application, key = setup
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix)
    assert token.key_hash == ApiToken.hash(key)


def test_the_agent_sees_their_units_and_applications(client, setup):
    unit, application, key = setup
    units = call(client, "get", "/api/v1/units", key).json()["results"]
    assert [(u["id"], u["name"], u["approved"]) for u in units] == [(unit.pk, unit.name, True)]
    apps = call(client, "get", "/api/v1/applications", key).json()["results"]
    assert [a["id"] for a in apps] == [application.pk]
    detail = call(client, "get", f"/api/v1/applications/{application.pk}", key).json()
    assert detail["status"] == "draft" and detail["plans"][0]["code"] == "ZJ"


def test_another_agents_application_is_not_found(client, factory, setup):
    _unit, application, _key = setup
    _other, other_key = api_token_create(actor=factory.agent(name="王五"), name="x")
    response = call(client, "get", f"/api/v1/applications/{application.pk}/roster", other_key)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_roster_submitted_through_the_api_is_imported_and_readable(client, factory, setup):
    _unit, application, key = setup
    content = factory.roster_xlsx(factory.people(3))
    response = call(
        client,
        "post",
        f"/api/v1/applications/{application.pk}/roster",
        key,
        data=content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "succeeded"
    assert response.json()["imported_rows"] == 3
    roster = call(client, "get", f"/api/v1/applications/{application.pk}/roster", key).json()
    assert roster["count"] == 3 and len(roster["results"]) == 3
    assert all("*" in row["id_number"] and len(row["id_number"]) == 18 for row in roster["results"])


def test_a_roster_with_errors_comes_back_with_the_row_errors(client, factory, setup):
    _unit, application, key = setup
    rows = factory.people(2)
    rows[1][2] = "11010519491231002Y"  # bad checksum
    response = call(
        client,
        "post",
        f"/api/v1/applications/{application.pk}/roster",
        key,
        data={"file": factory.upload(factory.roster_xlsx(rows))},
    )
    body = response.json()
    assert response.status_code == 202
    assert body["status"] == "rejected"
    assert body["errors"][0]["row"] == 3
    assert application.roster.count() == 0


def test_a_file_that_is_not_a_spreadsheet_gets_one_clear_error(client, setup):
    _unit, application, key = setup
    response = call(
        client,
        "post",
        f"/api/v1/applications/{application.pk}/roster",
        key,
        data=b"%PDF-1.4 x",
        content_type="application/pdf",
    )
    assert response.status_code == 400
    assert "不是Excel表格" in response.json()["error"]["message"]


def test_a_revoked_token_no_longer_works(client, setup):
    unit, _application, key = setup
    client.force_login(unit.agent)
    token = ApiToken.objects.get()
    client.post(f"/api/tokens/{token.pk}/revoke/")
    client.logout()
    assert call(client, "get", "/api/v1/units", key).status_code == 401


def test_an_agent_creates_a_token_and_sees_it_once(client, factory):
    agent = factory.agent()
    client.force_login(agent)
    response = client.post("/api/tokens/new/", {"name": "人事系统"}, follow=True)
    page = response.content.decode()
    key = response.context["new_key"]
    assert key.startswith("mat_") and key in page
    assert key not in client.get("/api/tokens/").content.decode()
    assert call(client, "get", "/api/v1/units", key).status_code == 200


def test_staff_tokens_are_refused(client, factory):
    key = ApiToken.new_key()  # only agents can create one; a staff token from elsewhere must not work
    ApiToken.objects.create(
        user=factory.city_reviewer(), name="x", key_hash=ApiToken.hash(key), prefix=key[:8]
    )
    assert call(client, "get", "/api/v1/units", key).status_code == 401


def test_the_openapi_document_describes_every_path(client):
    document = json.loads(client.get("/api/openapi.json").content)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/units",
        "/applications",
        "/applications/{id}",
        "/applications/{id}/roster",
        "/applications/{id}/roster/imports/{import_id}",
        "/claims",
    }


def test_the_agents_claims_carry_the_application_number_and_a_stays_dates_masked(client, factory, setup):
    import datetime

    from django.utils import timezone

    unit, _application, key = setup
    member = factory.covered_member(unit, plans={"YL": 1}, name="王强", female=False)
    admitted = timezone.localdate() - datetime.timedelta(days=40)
    claim = factory.claim(
        unit,
        member,
        kind="medical",
        event_date=admitted,
        discharge_date=admitted + datetime.timedelta(days=5),
        receipts=[factory.receipt(issued_on=admitted + datetime.timedelta(days=5))],
    )
    _other, other_key = api_token_create(actor=factory.agent(name="王五"), name="x")

    [row] = call(client, "get", "/api/v1/claims", key).json()["results"]
    assert row["number"] == claim.number and row["number"].startswith("LP")
    assert (row["kind"], row["event_date"]) == ("medical", admitted.isoformat())
    assert row["discharge_date"] == (admitted + datetime.timedelta(days=5)).isoformat()
    assert row["member_id_number"] != member.id_number and "*" in row["member_id_number"]
    assert call(client, "get", "/api/v1/claims", other_key).json()["results"] == []
    schema = json.loads(client.get("/api/openapi.json").content)["components"]["schemas"]["Claim"]
    assert set(row) == set(schema["properties"])
