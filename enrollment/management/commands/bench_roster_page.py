"""`make bench` (after bench_roster): time the roster screen on the largest roster in the database — page 1,
a page deep inside, the last page (200 rows a page), searches by name and by part of an ID, the export.

Use the throwaway database of bench_roster (`make bench` runs both).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.core.paginator import Paginator
from django.db.models import Count

from enrollment.documents import roster_xlsx
from enrollment.models import Application
from enrollment.selectors import roster_page


class Command(BaseCommand):
    help = "Benchmark the roster screen (paging, search, export) on the largest roster."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, repeat, **options):
        application = Application.objects.annotate(n=Count("roster")).filter(n__gt=0).order_by("-n").first()
        if application is None:
            raise CommandError("no roster in this database: run bench_roster first")
        total = application.roster.count()
        entry = application.roster.order_by("row_number")[total // 2]
        self.stdout.write(f"roster of application {application.pk}: {total} rows")

        def page(query, number, size=200):
            paginator = Paginator(roster_page(application, query=query), size)
            return list(paginator.get_page(number)), paginator.count

        cases = [
            ("page 1 (200 rows)", lambda: page("", 1)),
            (f"page {total // 400} (middle)", lambda: page("", total // 400)),
            ("last page", lambda: page("", 10**9)),
            (f"search name {entry.name}", lambda: page(entry.name, 1)),
            (f"search ID part {entry.id_number[10:16]}", lambda: page(entry.id_number[10:16], 1)),
            ("search without a match", lambda: page("无此人", 1)),
        ]
        for label, run in cases:
            run()
            started = time.perf_counter()
            for _ in range(repeat):
                run()
            self.stdout.write(f"{label:32s} {(time.perf_counter() - started) / repeat * 1000:8.1f} ms")
        started = time.perf_counter()
        content = roster_xlsx(application, roster_page(application), list(application.plan_lines.all()))
        self.stdout.write(
            f"{'export xlsx (all rows)':32s} {(time.perf_counter() - started) * 1000:8.1f} ms"
            f"  ({len(content) / 1048576:.1f} MB)"
        )
