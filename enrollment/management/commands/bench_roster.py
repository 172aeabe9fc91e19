"""`make bench`: time a large roster import end to end (read, check, replace) on the configured database.

Use a throwaway database: `SQLITE_PATH=/tmp/bench.sqlite3 python manage.py bench_roster --rows 100000`.
"""

import datetime
import io
import time

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.samples import demo_id
from demo.seed import seed_demo
from enrollment.roster import check_roster, read_rows
from enrollment.services import application_create, plan_columns, roster_import_run, roster_upload
from plans.models import Plan
from units.models import Unit


def roster_bytes(rows: int, plan_headers: list[str]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    for col, title in enumerate(["序号", "姓名", "身份证号", "手机号", *plan_headers]):
        sheet.write_string(0, col, title)
    for i in range(rows):
        birth = f"19{70 + i % 30}{i % 12 + 1:02d}{i % 28 + 1:02d}"
        sheet.write_number(i + 1, 0, i + 1)
        sheet.write_string(i + 1, 1, f"职工{i}")
        sheet.write_string(i + 1, 2, demo_id(f"37{i // 1000 % 100:02d}02{birth}{i % 1000:03d}"))
        sheet.write_string(i + 1, 3, "")
        sheet.write_number(i + 1, 4, 1)
    book.close()
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Benchmark a large roster import (read + check + database write)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)

    def handle(self, *args, rows, **options):
        seed_demo()
        from accounts.models import User

        agent = User.objects.get(username="13800000001")
        unit = Unit.objects.filter(agent=agent).first()
        plan = Plan.objects.get(code="YW")
        start = timezone.localdate().replace(day=1)
        # A renewal a year ahead on the demo unit: no overlap with its paid period.
        application = application_create(
            actor=agent,
            unit=unit,
            kind="renewal",
            plans={plan: 1},
            period_start=start.replace(year=start.year + 1),
            period_end=start.replace(year=start.year + 2) - datetime.timedelta(days=1),
        )
        content = roster_bytes(rows, [f"{plan.name}(份)"])
        self.stdout.write(f"file: {len(content) / 1048576:.1f} MB, {rows} rows")

        t0 = time.perf_counter()
        parsed = read_rows("bench.xlsx", content)
        t1 = time.perf_counter()
        check_roster(
            parsed, plans=plan_columns(application), period_start=application.period_start, max_rows=rows
        )
        t2 = time.perf_counter()
        job = roster_upload(  # pre-checks, stores, queues (over ROSTER_SYNC_ROWS) …
            actor=agent, application=application, upload=SimpleUploadedFile("bench.xlsx", content)
        )
        job = roster_import_run(import_id=job.pk)  # … and the job runs here, as the worker would
        t3 = time.perf_counter()
        self.stdout.write(f"pre-check + isolated read: {t1 - t0:6.2f} s")
        self.stdout.write(f"check rows:             {t2 - t1:6.2f} s")
        self.stdout.write(
            f"full import (all steps): {t3 - t2:6.2f} s  → {job.status}, {job.imported_rows} rows"
        )
        if job.status != "succeeded":
            self.stderr.write(job.message)
