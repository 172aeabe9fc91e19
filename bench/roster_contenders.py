"""One roster import by one contender, in its own process on its own fresh database (`make bench`):

    python -m bench.roster_contenders --contender ours|floor|iex_default|iex_tuned --file roster.xlsx

The databases (--databases: SQLite paths or PostgreSQL names, one run on each) are fresh clones of the bench
template: migrated, demo data, and one draft renewal application on the demo unit (`prepare_template`). The
timed part starts with the file on disk and ends when the rows are committed; one JSON line is printed: per
run the seconds and the rows stored in the application's roster (counted afterwards), and this process's
peak RSS and that of its largest child (our isolated reader) over the runs.
"""

import argparse
import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

PLAN_CODES = ("ZJ", "YW")  # two plans, 1份 each, in every contender's file


def peak_rss_mb(pid="self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- the file and the template database --------------------------------------------------------------


def write_roster_file(path: Path, rows: int) -> None:
    """ROWS members with realistic names, valid ID numbers and mobiles, both plans 1份 (women and men),
    written like every test roster (tests.factories: text cells for IDs, numbers for 序号 and 份)."""
    from bench.people import Names, member_id
    from tests.factories import Factory

    names = Names(15)
    cells = []
    for i in range(rows):
        id_number, _birth, female = member_id(i)
        cells.append([i + 1, names.person(female), id_number, f"13{i % 10}{i:08d}", *([1] * len(PLAN_CODES))])
    path.write_bytes(Factory.roster_xlsx(cells, codes=PLAN_CODES, constant_memory=True))


def prepare_template() -> int:
    """Demo data and a draft renewal a year ahead on the demo unit (no overlap with its paid period)."""
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import User
    from bench.city import DEMO_UNION
    from demo.seed import seed_demo
    from enrollment.services import application_create
    from plans.models import Plan
    from units.models import Unit

    for name, value in DEMO_UNION.items():  # seed_demo issues notices: the demo account (marked 演示)
        if not getattr(settings, name, ""):
            setattr(settings, name, value)
    seed_demo()
    agent = User.objects.get(username="13800000001")
    unit = Unit.objects.filter(agent=agent).first()
    start = timezone.localdate().replace(day=1)
    application = application_create(
        actor=agent,
        unit=unit,
        kind="renewal",
        plans={Plan.objects.get(code=code): 1 for code in PLAN_CODES},
        period_start=start.replace(year=start.year + 1),
        period_end=start.replace(year=start.year + 2) - datetime.timedelta(days=1),
    )
    return application.pk


def the_application():
    from enrollment.models import Application

    return Application.objects.select_related("unit__agent").get(kind="renewal", roster_count=0)


# --- the contenders ---------------------------------------------------------------------------------------


def run_ours(path: Path, application) -> None:
    """The entry point the UI and the API use: pre-checks, stored file, import row — and the job runs here,
    as the worker would run it for a file over ROSTER_SYNC_ROWS."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enrollment.services import roster_import_run, roster_upload

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    job = roster_upload(actor=application.unit.agent, application=application, upload=upload)
    if job.status in ("pending", "running"):
        job = roster_import_run(import_id=job.pk)
    if job.status != "succeeded":
        raise RuntimeError(f"ours: {job.status} {job.message}")


def run_floor(path: Path, application) -> None:
    """calamine read + one bulk write (COPY on PostgreSQL, one executemany INSERT on SQLite), no checks."""
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from enrollment.models import RosterEntry

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    codes = PLAN_CODES
    shares = json.dumps(dict.fromkeys(codes, 1))
    records = [
        (
            application.pk,
            index,
            row[1],
            row[2],
            row[3],
            "F" if int(row[2][16]) % 2 == 0 else "M",
            datetime.date(int(row[2][6:10]), int(row[2][10:12]), int(row[2][12:14])),
            shares,
        )
        for index, row in enumerate(rows[1:], start=2)
    ]
    columns = "application_id, row_number, name, id_number, mobile, sex, birth_date, shares"
    table = RosterEntry._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", records
            )


def run_iex(path: Path, application, *, tuned: bool) -> None:
    from import_export.formats.base_formats import XLSX

    from bench.iex import roster_resource

    dataset = XLSX().create_dataset(path.read_bytes())
    resource = roster_resource(application, tuned=tuned)
    result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
    if result.has_errors() or result.has_validation_errors():
        first = result.invalid_rows[:1] or [
            error for _row, errors in result.row_errors()[:1] for error in errors
        ]
        raise RuntimeError(f"django-import-export refused rows: {first}")


CONTENDERS = {
    "ours": run_ours,
    "floor": run_floor,
    "iex_tuned": lambda path, app: run_iex(path, app, tuned=True),
    "iex_default": lambda path, app: run_iex(path, app, tuned=False),
}


def use_database(name: str) -> None:
    """Point the default connection at another fresh clone (an SQLite path or a PostgreSQL database)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def run_once(contender: str, path: Path) -> dict:
    from enrollment.models import RosterEntry

    application = the_application()
    started = time.perf_counter()
    error = ""
    try:
        CONTENDERS[contender](path, application)
    except Exception as exc:  # reported, and the stored-row check fails the bench
        error = f"{type(exc).__name__}: {exc}"[:500]
    seconds = time.perf_counter() - started
    stored = RosterEntry.objects.filter(application=application).count()
    return {"seconds": round(seconds, 3), "stored": stored, "error": error}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contender", choices=sorted(CONTENDERS))
    parser.add_argument("--file", type=Path)
    parser.add_argument("--databases", default="", help="comma-separated fresh clones, one run on each")
    parser.add_argument("--prepare", action="store_true", help="make the template database (migrated) ready")
    parser.add_argument("--write-file", type=int, help="write a roster of this many rows to --file")
    args = parser.parse_args(argv)
    setup_django()
    if args.write_file:
        write_roster_file(args.file, args.write_file)
        return 0
    if args.prepare:
        print(json.dumps({"application": prepare_template()}))
        return 0
    # Several runs in one process (as a worker imports one file after another), each on its own clone.
    runs = []
    for name in [n for n in args.databases.split(",") if n] or [None]:
        if name is not None:
            use_database(name)
        runs.append(run_once(args.contender, args.file))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"runs": runs, "rss_mb": round(peak_rss_mb(), 1), "child_rss_mb": round(children, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
