"""`make bench` (part 2): peak memory of the web server and the worker while they refuse a 1,000,000-row
roster and import a valid 100,000-row one — the real processes, over HTTP, on a throwaway SQLite database.

    SQLITE_PATH=/tmp/mutualaid-bench.sqlite3 python -m tests.bench.hostile_rss

Peak RSS is each process's VmHWM (/proc/<pid>/status), the high-water mark over its whole life; the
isolated reader's own peak is taken from the worker's log. Targets: web ≤ 250 MB, worker ≤ 400 MB.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
TARGETS = {"web": 250, "worker": 400}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url, *, data=None, token, name="roster.xlsx", timeout=600):
    headers = {"Authorization": f"Bearer {token}", "X-Filename": name}
    if data is not None:
        headers["Content-Type"] = "application/octet-stream"
    req = urllib.request.Request(
        url, data=data, headers=headers, method="POST" if data is not None else "GET"
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def prepare():
    """Demo data, a renewal a year ahead on the demo unit (no overlap with its paid period), a token."""
    import datetime

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.utils import timezone

    from accounts.models import User
    from api.services import api_token_create
    from demo.seed import seed_demo
    from enrollment.services import application_create
    from plans.models import Plan
    from units.models import Unit

    seed_demo()
    agent = User.objects.get(username="13800000001")
    unit = Unit.objects.filter(agent=agent).first()
    start = timezone.localdate().replace(day=1)
    application = application_create(
        actor=agent,
        unit=unit,
        kind="renewal",
        plans={Plan.objects.get(code="YW"): 1},
        period_start=start.replace(year=start.year + 1),
        period_end=start.replace(year=start.year + 2) - datetime.timedelta(days=1),
    )
    _token, key = api_token_create(actor=agent, name="bench")
    return application.pk, key


def files(folder: Path) -> tuple[Path, Path, Path]:
    from tests.badinput.hostile import million_rows
    from tests.factories import Factory

    million = folder / "million.xlsx"
    million.write_bytes(million_rows())
    undeclared = folder / "million-without-dimension.xlsx"
    undeclared.write_bytes(million_rows(dimension=False))
    valid = folder / "valid-100000.xlsx"
    valid.write_bytes(Factory.roster_xlsx(Factory().people(100_000), codes=("YW",), constant_memory=True))
    return million, undeclared, valid


def start(args, log: Path, env: dict) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def main() -> int:
    """One measurement run from start to end (start the servers, refuse, import, read the peaks): on
    purpose longer than 60 lines, read top to bottom like its README paragraph."""
    application_pk, token = prepare()
    folder = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    million, undeclared, valid = files(folder)
    port = free_port()
    env = {**os.environ, "MEDIA_ROOT": str(folder / "media"), "LOG_LEVEL": "INFO", "DEBUG": "1"}
    web = start(["runserver", "--noreload", f"127.0.0.1:{port}"], folder / "web.log", env)
    worker = start(["worker", "--interval", "0.2"], folder / "worker.log", env)
    base = f"http://127.0.0.1:{port}"
    roster_url = f"{base}/api/v1/applications/{application_pk}/roster"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        print(
            f"files: {million.stat().st_size / 1048576:.1f} MB (1,000,000 rows), "
            f"{valid.stat().st_size / 1048576:.1f} MB (100,000 rows)"
        )
        t0 = time.perf_counter()
        status, body = request(roster_url, data=million.read_bytes(), token=token, name="million.xlsx")
        t1 = time.perf_counter()
        print(f"1,000,000 rows: HTTP {status} in {t1 - t0:.1f} s — {body.get('error', {}).get('message')}")
        status, body = request(roster_url, data=undeclared.read_bytes(), token=token, name="million.xlsx")
        t1 = time.perf_counter()
        web_after_refusal = peak_rss_mb(web.pid)
        print(f"  the same without <dimension> (rows counted): HTTP {status} — {body['error']['message']}")
        status, body = request(roster_url, data=valid.read_bytes(), token=token, name="valid.xlsx")
        t2 = time.perf_counter()
        outcome = body["status"]
        print(f"100,000 rows: HTTP {status} after {t2 - t1:.1f} s (the pre-check in the request): {outcome}")
        job_url = f"{roster_url}/imports/{body['id']}"
        while body["status"] in ("pending", "running") and time.perf_counter() - t2 < 900:
            time.sleep(0.5)
            _status, body = request(job_url, token=token)
        t3 = time.perf_counter()
        print(f"  background import: {body['status']} ({body['imported_rows']} rows) in {t3 - t2:.1f} s")
        figures = {
            "web": peak_rss_mb(web.pid),
            "worker": peak_rss_mb(worker.pid),
        }
        reader = re.findall(r"sheet reader: [\d.]+ s, peak RSS (\d+) MB", (folder / "worker.log").read_text())
        print(
            f"peak RSS web: {web_after_refusal:.0f} MB after refusing the 1,000,000-row file, "
            f"{figures['web']:.0f} MB at the end (target ≤ {TARGETS['web']} MB)"
        )
        print(
            f"peak RSS worker: {figures['worker']:.0f} MB (target ≤ {TARGETS['worker']} MB); "
            f"its isolated reader: {reader[-1] if reader else '?'} MB"
        )
        ok = body["status"] == "succeeded" and all(figures[k] <= TARGETS[k] for k in TARGETS)
        print("within targets" if ok else "OVER TARGET (or the import did not succeed)")
        return 0 if ok else 1
    finally:
        for process in (web, worker):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
