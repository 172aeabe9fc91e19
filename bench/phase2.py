"""Before/after of one change, side by side in one run (issue 15, phase 2): the same workload on the same
fresh databases, run by an older checkout of the tree (--before: a directory, e.g. made with `git archive
<commit> | tar -x -C DIR`) and by this one, median of --repeat (3) runs each, on SQLite and PostgreSQL.

    python -m bench.phase2 roster  --before DIR [--rows 100000]   # import: before, after, the floor
    python -m bench.phase2 confirm --before DIR [--rows 100000]   # coverage_create_for (收款确认's bulk)
    python -m bench.phase2 stats   --before DIR                   # 统计报表 on the small generated city

Each run is its own process on its own clone of a template database (bench.run.Database); the older tree
runs this file's inner part (copied into it) so both sides time exactly the same code path.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
PY = sys.executable


# --- inner: one workload in this process, on each database given -----------------------------------------


def _inner(workload: str, databases: list[str], file: str) -> list[dict]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    from bench.roster_contenders import run_floor, run_ours, the_application, use_database

    settings.ROSTER_MAX_ROWS = max(settings.ROSTER_MAX_ROWS, 100_000)
    runs = []
    for name in databases:
        use_database(name)
        if workload == "stats":
            runs.append(_time_stats())
            continue
        application = the_application() if workload != "confirm" else _confirm_application()
        started = time.perf_counter()
        if workload == "confirm":
            stored = _confirm(application)
        else:
            (run_ours if workload == "ours" else run_floor)(Path(file), application)
            stored = application.roster.count()
        runs.append({"seconds": round(time.perf_counter() - started, 3), "stored": stored})
    return runs


def _confirm_application():
    from enrollment.models import Application

    return Application.objects.get(kind="renewal", roster_count__gt=0)


def _confirm(application) -> int:
    from django.db import transaction

    from enrollment.services import coverage_create_for

    with transaction.atomic():  # as in 收款确认: the deferred FK checks run at this COMMIT
        created = coverage_create_for(application=application)
    return created


def _time_stats() -> dict:
    import datetime

    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from reports.selectors import report_for

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    city = User.objects.filter(role="city_reviewer").first()
    today = timezone.localdate()
    started = time.perf_counter()
    with connection.execute_wrapper(counting):
        report_for(city, start=datetime.date(today.year - 2, 1, 1), end=today, today=today)
    return {"seconds": round(time.perf_counter() - started, 3), "stored": count[0]}


# --- outer: templates, clones, sides -------------------------------------------------------------------


def _side(tree: Path, workload: str, database, template: str, repeat: int, file: str) -> dict:
    database.template = template
    names = [database.clone() for _ in range(repeat)]
    command = [PY, "-m", "bench.phase2", "--inner", workload, "--file", file]
    command += ["--databases", ",".join(database.name_setting(n) for n in names)]
    env = database.env(names[0])
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    for name in names:
        database.drop(name)
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    if not lines:
        raise RuntimeError(f"{workload} in {tree}: {done.stderr[-3000:]}")
    runs = json.loads(lines[-1])
    return {"median": statistics.median(r["seconds"] for r in runs), "runs": runs}


def _templates(vendor: str, workload: str, folder: Path, rows: int, file: str):
    """The database and the template name the workload's clones are made from."""
    from bench.run import DB_PREFIX, Database, pg

    database = Database(vendor, folder)
    if workload == "stats":
        database.template = f"{DB_PREFIX}_p2_city"
        if vendor == "postgresql":
            pg(f"DROP DATABASE IF EXISTS {database.template}")
            pg(f"CREATE DATABASE {database.template}")
        env = database.env(database.template)
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=HERE, check=True)
        subprocess.run([PY, "manage.py", "generate_city", "--scale", "small"], env=env, cwd=HERE, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        return database, database.template
    database.create_template()
    if workload != "confirm":
        return database, database.template
    name = database.clone()  # the template with a 100,000-row roster imported (by this tree)
    env = database.env(name)
    env["PYTHONPATH"] = str(HERE)
    command = [PY, "-m", "bench.phase2", "--inner", "ours", "--file", file, "--databases"]
    command.append(database.name_setting(name))
    subprocess.run(command, cwd=HERE, env=env, check=True, capture_output=True)
    return database, name


def compare(workload: str, before: Path, rows: int, repeat: int, vendors: list[str]) -> dict:
    os.environ.setdefault("SECRET_KEY", "bench-phase2")  # both trees decrypt the city's fields alike
    from bench.run import DB_PREFIX

    folder = Path(tempfile.mkdtemp(prefix="bench-p2-"))
    shutil.copy(Path(__file__), before / "bench" / "phase2.py")
    file = str(folder / f"roster-{rows}.xlsx")
    if workload != "stats":
        subprocess.run([PY, "-m", "bench.roster_contenders", "--write-file", str(rows), "--file", file],
                       cwd=HERE, check=True)  # fmt: skip
    results = {"workload": workload, "rows": rows, "load": os.getloadavg()}
    for vendor in vendors:
        database, template = _templates(vendor, workload, folder, rows, file)
        inner = {"roster": "ours", "confirm": "confirm", "stats": "stats"}[workload]
        sides = {"before": (before, inner), "after": (HERE, inner)}
        if workload == "roster":
            sides["floor"] = (HERE, "floor")
        for label, (tree, what) in sides.items():
            results[f"{vendor} {label}"] = _side(tree, what, database, template, repeat, file)
            print(f"{vendor:10s} {label:7s} {results[f'{vendor} {label}']}", flush=True)
        database.drop(template)
        if workload != "stats":
            database.template = f"{DB_PREFIX}_template"
            database.finish()
    results["load_after"] = os.getloadavg()
    shutil.rmtree(folder, ignore_errors=True)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", nargs="?", choices=("roster", "confirm", "stats"))
    parser.add_argument("--before", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--vendors", default="sqlite,postgresql")
    parser.add_argument("--inner")
    parser.add_argument("--databases", default="")
    parser.add_argument("--file", default="")
    args = parser.parse_args(argv)
    if args.inner:
        print(json.dumps(_inner(args.inner, args.databases.split(","), args.file)))
        return 0
    results = compare(args.workload, args.before, args.rows, args.repeat, args.vendors.split(","))
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
