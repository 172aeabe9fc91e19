"""`make bench`: pages under load on the generated city — gunicorn (config/gunicorn.py, 2 workers) on the
city's database, locust headless with 16 clients for DURATION seconds per page, each logged in as the role
that reads the page; beside them a hello-world view on the same gunicorn (the floor).

    DATABASE_URL=… python -m bench.pages --duration 30 --port 8642

Query counts come from the Django test client on the same database (the second of two requests), with the
same settings as the server. Prints one JSON object: per page p50/p95/p99 (ms), requests/s, failures,
queries.
"""

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
PY = sys.executable
BIN = Path(PY).parent


def prepare() -> list[dict]:
    """The pages (path, role's session cookie, htmx?) and their query counts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.city import BIG_UNIT_NAME, HEAVY_AGENT
    from enrollment.models import Application, Member

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    agent = User.objects.get(username=HEAVY_AGENT)
    city = User.objects.get(username="city")
    finance = User.objects.get(username="finance")
    application = (
        Application.objects.filter(unit__name=BIG_UNIT_NAME, case__status="effective")
        .order_by("-period_end")
        .first()
    )
    entry = application.roster.order_by("row_number")[application.roster_count // 2]
    member = Member.objects.get(id_number=entry.id_number)
    middle = application.roster_count // 20 // 2  # 20 rows a page (the default size)
    roster = f"/enrollment/{application.pk}/roster/"
    pages = [
        {"name": "hello-world view (floor)", "path": "/bench/hello/", "user": None},
        {"name": "代办员 单位信息管理 (unit list)", "path": "/units/", "user": agent},
        {
            "name": f"名单 page {middle} of a {application.roster_count:,}-row roster",
            "path": f"{roster}?page={middle}",
            "user": agent,
            "htmx": True,
        },
        {"name": "名单 search by name", "path": f"{roster}?q={entry.name}", "user": agent, "htmx": True},
        {"name": "待审核业务 (city reviewer queue)", "path": "/review/", "user": city},
        {"name": "会员查询 by ID number", "path": f"/enrollment/members/?q={member.id_number}", "user": city},
        {"name": "收款确认 (finance workbench)", "path": "/billing/", "user": finance},
        # Last: at city scale its requests outlast the run and would hold the workers for the next page.
        {"name": "统计报表 (statistics)", "path": "/reports/", "user": city},
    ]
    for page in pages:
        client = Client()
        if page["user"] is not None:
            client.force_login(page["user"])
            page["cookie"] = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers = {"HTTP_HX_REQUEST": "true"} if page.get("htmx") else {}
        client.get(page["path"], **headers)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"], **headers)
        if response.status_code != 200:
            raise RuntimeError(f"{page['path']}: HTTP {response.status_code}")
        page["queries"] = len(queries)
        user = page.pop("user")
        page["role"] = user.get_role_display() if user is not None else "anonymous"
    return pages


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def load(page: dict, *, base: str, duration: int, clients: int, folder: Path) -> dict:
    prefix = folder / f"page{abs(hash(page['path'])) % 10**8}"
    env = {
        **os.environ,
        "BENCH_PATH": page["path"],
        "BENCH_NAME": page["name"],
        "BENCH_COOKIE": page.get("cookie", ""),
        "BENCH_HTMX": "1" if page.get("htmx") else "",
    }
    command = [str(BIN / "locust"), "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless"]
    command += ["-u", str(clients), "-r", str(clients), "-t", f"{duration}s", "--host", base]
    command += ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"]
    subprocess.run(
        command,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=duration + 120,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")

    def number(text):  # "N/A" when no request finished within the run
        try:
            return float(text)
        except ValueError:
            return None

    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(number(row["Requests/s"]) or 0.0, 1),
        "p50_ms": number(row["50%"]),
        "p95_ms": number(row["95%"]),
        "p99_ms": number(row["99%"]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--port", type=int, default=8642)
    parser.add_argument("--prepare", action="store_true", help="(internal) print the pages as JSON")
    args = parser.parse_args(argv)
    if args.prepare:
        print(json.dumps(prepare(), ensure_ascii=False))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=BASE_DIR, check=True)
    prepared = subprocess.run(
        [PY, "-m", "bench.pages", "--prepare"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    pages = json.loads(prepared.stdout.strip().splitlines()[-1])
    if not port_free(args.port):
        raise RuntimeError(f"port {args.port} is in use")
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{args.port}", "WEB_CONCURRENCY": "2"}
    with open(folder / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(f"{base}/bench/hello/")
        for page in pages:
            page.update(load(page, base=base, duration=args.duration, clients=args.clients, folder=folder))
            page.pop("cookie", None)
            print(f"  {page['name']}: p95 {page['p95_ms']} ms, {page['rps']} req/s", file=sys.stderr)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    print(
        json.dumps({"clients": args.clients, "duration": args.duration, "pages": pages}, ensure_ascii=False)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
