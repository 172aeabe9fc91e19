"""One JSON log line per request and per task, carrying the request id that the error pages show."""

import json
import logging

import pytest
from django.urls import path

from core.logging import JsonFormatter, RequestIdFilter
from tests.tasks import record_run, run_queued_tasks


def broken_view(request):
    raise RuntimeError("身份证号 370202199001011234 must never reach the page")


urlpatterns = [path("broken/", broken_view)]
handler500 = "core.views.server_error"


def as_json(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def request_lines(caplog):
    return [as_json(r) for r in caplog.records if r.name == "request"]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_id_user_path_status_and_duration(client, factory, caplog):
    agent = factory.agent()
    client.force_login(agent)
    caplog.set_level(logging.INFO, logger="request")

    response = client.get("/units/?q=370202199001011234")

    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == agent.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/units/", 200)
    assert isinstance(line["duration_ms"], float)
    assert "370202199001011234" not in json.dumps(line)  # the query string is never logged


@pytest.mark.django_db
def test_an_anonymous_request_logs_no_user(client, caplog):
    caplog.set_level(logging.INFO, logger="request")
    client.get("/accounts/login/")
    assert request_lines(caplog)[0]["user_id"] is None


@pytest.mark.django_db
def test_a_request_id_from_the_load_balancer_is_kept_and_a_strange_one_replaced(client):
    assert (
        client.get("/healthz/web", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"] == "lb-1234abcd"
    )
    replaced = client.get("/healthz/web", headers={"X-Request-ID": "<script>"})["X-Request-ID"]
    assert replaced != "<script>" and len(replaced) == 16


@pytest.mark.django_db
def test_the_404_page_is_chinese_and_shows_the_request_id(client):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在或您无权查看" in page
    assert f"请求编号：<code>{response['X-Request-ID']}</code>" in page


@pytest.mark.django_db
@pytest.mark.urls("core.tests.test_logs")
def test_the_500_page_is_chinese_shows_the_request_id_and_nothing_of_the_error(client, caplog):
    client.raise_request_exception = False

    response = client.get("/broken/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "系统繁忙，请稍后再试" in page
    assert f"请求编号：<code>{response['X-Request-ID']}</code>" in page
    assert "370202199001011234" not in page and "RuntimeError" not in page
    [error] = [as_json(r) for r in caplog.records if r.name == "django.request"]
    assert error["request_id"] == response["X-Request-ID"]  # IT finds the traceback by the quoted id
    assert "RuntimeError" in error["exception"]


@pytest.mark.django_db
def test_each_task_is_one_json_line_with_its_id_status_and_duration(caplog):
    caplog.set_level(logging.INFO, logger="task")
    result = record_run.enqueue(3)

    run_queued_tasks()

    [line] = [as_json(r) for r in caplog.records if r.name == "task"]
    assert line["task_id"] == str(result.id)
    assert line["task"] == "tests.tasks.record_run"
    assert (line["status"], line["attempt"], line["worker_id"]) == ("SUCCESSFUL", 1, "test-worker")
    assert line["duration_ms"] >= 0
