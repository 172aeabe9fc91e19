"""The production shape, run for real.

(1) `make run` (gunicorn, DEBUG off, WhiteNoise, supervisord) on a fresh SQLite database of its own: it
    serves like production, and when the worker is killed it comes back while the site keeps answering —
    and vice versa for the web server.
(2) Under that same `make run`, an agent's 100,000-row roster is importing in the background when the
    worker is killed: the page keeps polling, the worker comes back, picks the import up again, and the
    agent sees it finish with every row once.
(3) Two gunicorn instances on one database and one storage (the test database and this run's storage:
    local disk, or the S3 bucket in CI): an agent registers a unit moving between the two nodes at every
    step, as a load balancer would send them; the reviewer sees the result on either node.
"""

import importlib
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import global_settings, settings
from playwright.sync_api import Page, expect

from core.samples import demo_credit_code, tiny_pdf
from tests.e2e.conftest import DEMO_PASSWORD, WIDE
from tests.e2e.test_enrollment import (
    ZJ,
    fill_application,
    start_application,
    submit_application,
    upload_roster,
)
from tests.e2e.test_unit_registration import (
    close_dialog,
    expect_status,
    fill_basic,
    open_upload_dialog,
    upload,
)
from tests.factories import Factory
from tests.workers import Process

BASE_DIR = Path(settings.BASE_DIR)
ROWS = 100_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, headers: dict | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def log_in(page: Page, base: str, username: str) -> Page:
    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#user-menu")).to_be_visible()
    return page


class MakeRun:
    """`make run` on a free port with its own var/ folder (SQLite, files, secret key), as a clerk would."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "make-run.log"
        dropped = (
            "DATABASE_URL",
            "SQLITE_PATH",
            "MEDIA_ROOT",
            "DJANGO_ENV",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
        self.env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("S3_")}
        self.env.update(
            PORT=str(self.port),
            HOST="127.0.0.1",
            VAR_DIR=str(folder / "var"),
            WORKER_HEARTBEAT_SECONDS="1",  # a dead worker is noticed after 3 s
        )
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                ["make", "run"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def wait_healthy(self, timeout: float = 600) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make run exited with {self.process.returncode}:\n{self.output()}")
            try:
                status, _, body = http_get(self.url + "/healthz")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = 0
            if status == 200:
                return json.loads(body)
            time.sleep(0.5)
        pytest.fail(f"/healthz did not answer 200 within {timeout} s:\n{self.output()}")

    def pid(self, program: str) -> int:
        """The pid supervisord reports for PROGRAM (web or worker); 0 while it is not running."""
        done = subprocess.run(
            [str(BASE_DIR / ".venv/bin/supervisorctl"), "-c", "deploy/supervisord.conf", "pid", program],
            cwd=BASE_DIR,
            env={**self.env, "RUN_DIR": str(self.folder / "var" / "run")},
            capture_output=True,
            text=True,
            timeout=30,
        )
        return int(done.stdout.strip()) if done.stdout.strip().isdigit() else 0

    def query(self, sql: str) -> list[tuple]:
        with closing(sqlite3.connect(self.folder / "var" / "db.sqlite3")) as db:
            return db.execute(sql).fetchall()

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    if os.environ.get("DATABASE_URL"):
        pytest.skip(
            "`make run` keeps its own SQLite database and files: it runs in the SQLite run of the suite"
        )
    server = MakeRun(tmp_path_factory.mktemp("make-run"))
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def wait_until(condition, *, server: MakeRun, timeout: float = 120, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s:\n{server.output()}")


def test_make_run_serves_like_production_and_restarts_whichever_process_dies(make_run):
    status, headers, login = http_get(make_run.url + "/accounts/login/")
    assert status == 200 and headers["Server"].startswith("gunicorn")
    status, _, missing = http_get(make_run.url + "/no-such-page/")
    assert status == 404 and "页面不存在或您无权查看" in missing
    assert "URLconf" not in missing and "Traceback" not in missing  # DEBUG is off
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login).group(1)
    status, headers, _ = http_get(make_run.url + stylesheet, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"  # WhiteNoise: hashed and compressed
    assert "immutable" in headers["Cache-Control"]

    # The worker dies: the site keeps answering, supervisord starts a new worker, /healthz sees it.
    web, worker = make_run.pid("web"), make_run.pid("worker")
    assert web and worker
    os.kill(worker, signal.SIGKILL)
    answers = []

    def worker_back():
        answers.append(http_get(make_run.url + "/accounts/login/")[0])
        new = make_run.pid("worker")
        return new if new not in (0, worker) and http_get(make_run.url + "/healthz")[0] == 200 else None

    new_worker = wait_until(worker_back, server=make_run)
    assert set(answers) == {200}, answers
    assert make_run.pid("web") == web

    # The web server dies: supervisord starts it again; the worker is left alone.
    os.kill(web, signal.SIGKILL)

    def web_back():
        new = make_run.pid("web")
        try:
            return new not in (0, web) and http_get(make_run.url + "/accounts/login/")[0] == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    wait_until(web_back, server=make_run)
    assert make_run.pid("worker") == new_worker
    assert make_run.wait_healthy(timeout=60)["workers"] >= 1


@pytest.mark.browser
@pytest.mark.slow
def test_killing_the_worker_during_a_background_import_under_make_run(make_run, new_context, shot, tmp_path):
    page = log_in(new_context(viewport=WIDE).new_page(), make_run.url, "13800000001")
    start_application(page, "主保期参保")
    fill_application(page, shares={ZJ: 1})
    submit_application(page)
    roster = tmp_path / "十万人名单.xlsx"
    roster.write_bytes(Factory.roster_xlsx(Factory().people(ROWS), constant_memory=True))

    upload_roster(page, roster)
    expect(page.locator("#messages")).to_contain_text(f"名单共{ROWS}行，正在后台导入")
    status = page.locator("#import-status")
    expect(status).to_contain_text(re.compile(rf"已检查 [1-9]\d* / {ROWS} 行"), timeout=120_000)
    shot(page, "01-importing")
    killed = make_run.pid("worker")
    os.kill(killed, signal.SIGKILL)

    assert http_get(make_run.url + "/accounts/login/")[0] == 200  # the site keeps answering
    expect(status).to_contain_text(f"成功导入{ROWS}名职工", timeout=240_000)
    shot(page, "02-imported-after-the-worker-came-back")
    assert make_run.pid("worker") not in (0, killed)
    expect(page.locator("#roster")).to_contain_text(f"共 {ROWS} 人")
    # The killed worker had claimed the import; the next one ran it again (make run's own database).
    [runs] = make_run.query(
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult"
        " WHERE task_path = 'enrollment.tasks.import_roster'"
    )
    assert len(json.loads(runs[0])) == 2


# --- (3) two web nodes ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def collected_static():
    """`collectstatic` as `make run` does it (DEBUG off: hashed, compressed files for WhiteNoise)."""
    env = {**os.environ, "DEBUG": "0"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )


@pytest.fixture
def two_nodes(transactional_db, collected_static, tmp_path, settings):
    """Two gunicorn instances sharing the test database, this test's storage and one SECRET_KEY."""
    from demo.seed import seed_demo

    # The nodes check passwords with the project's hashers, not the test run's fast one.
    project = importlib.import_module("config.settings")
    settings.PASSWORD_HASHERS = getattr(project, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    seed_demo()
    secret = secrets.token_urlsafe(50)
    nodes = []
    for name in ("a", "b"):
        port = free_port()
        env = {
            "DEBUG": "0",
            "SECRET_KEY": secret,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
        }
        command = [str(BASE_DIR / ".venv/bin/gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"]
        nodes.append((f"http://127.0.0.1:{port}", Process(tmp_path / f"node-{name}.log", command, env)))
    try:
        for url, process in nodes:
            deadline = time.monotonic() + 120
            while not _answers(url + "/healthz/web"):
                process.check_alive()
                assert time.monotonic() < deadline, process.output()
                time.sleep(0.3)
        yield [url for url, _ in nodes]
    finally:
        for _, process in nodes:
            process.stop()


def _answers(url: str) -> bool:
    try:
        return http_get(url)[0] == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def on(node: str, url: str) -> str:
    """The same page on another node (what a load balancer does between two requests)."""
    return node + re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.browser
def test_an_agent_moves_between_two_web_nodes_mid_journey(two_nodes, new_context, shot, files):
    a, b = two_nodes
    unit_name = "青岛双节点测试有限公司"
    page = log_in(new_context(viewport=WIDE).new_page(), a, "13800000002")

    # Tab 1 on node A.
    page.get_by_role("link", name="注册单位信息").first.click()
    fill_basic(page, name=unit_name, credit_code=demo_credit_code("91370202MA5E00077"), parent="市南区")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".nav-tabs .active")).to_have_text("2. 代办员信息")

    # Tab 2 and an upload on node B: still logged in (the session is in the database).
    page.goto(on(b, page.url))
    expect(page.locator("#user-menu")).to_be_visible()
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".nav-tabs .active")).to_have_text("3. 材料信息")
    dialog = open_upload_dialog(page)
    upload(dialog, slot="批复文件", path=files.pdf("approval.pdf"))
    close_dialog(dialog)
    shot(page, "01-node-b-uploaded")

    # Node A lists and serves the file node B stored; the second upload goes through A.
    page.goto(on(a, page.url))
    row = page.locator('#material-table tr[data-material="approval.pdf"]')
    expect(row).to_be_visible()
    preview = row.get_by_role("link", name="查看").get_attribute("href")
    stored = page.request.get(a + preview.rstrip("/") + "/file/")
    assert stored.status == 200 and stored.body() == tiny_pdf("approval.pdf")
    dialog = open_upload_dialog(page)
    upload(dialog, slot="法人资格证书", path=files.png("certificate.png"))
    close_dialog(dialog)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#messages")).to_contain_text("单位信息已保存，可以上报")

    # 上报 on node B (the form's CSRF token came from A); the message and the list come from B.
    page.goto(on(b, page.url))
    page.locator("#unit-table tr", has=page.locator(f'a:text-is("{unit_name}")')).get_by_role(
        "button", name="上报", exact=True
    ).click()
    expect(page.locator("#messages")).to_contain_text(f"“{unit_name}”已上报，当前状态：区县审核中")
    expect_status(page, unit_name, "区县审核中")
    shot(page, "02-node-b-submitted")

    # The district reviewer, on node A, finds it with both materials.
    reviewer = log_in(new_context(viewport=WIDE).new_page(), a, "shinan")
    reviewer.get_by_role("link", name="待审核业务").click()
    expect(reviewer.locator("#queue-table")).to_contain_text(unit_name)
    shot(reviewer, "03-node-a-reviewer-queue")
