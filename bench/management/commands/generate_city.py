"""`python manage.py generate_city --scale full|small` — a city's worth of data on a fresh, migrated database.

Full: about 5,000 units, 1,000,000 members, 2,000,000 coverages over two periods, 50,000 claims in every
status, 20,000 cases waiting for a reviewer; small: 1/50 of it. See bench/city.py for what is made and how.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from bench.city import SCALES, CityGenerator
from enrollment.models import Member


class Command(BaseCommand):
    help = "Generate a city's worth of realistic data (bulk: COPY on PostgreSQL, executemany on SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--json", dest="json_path", help="write the row counts and timings to this file")

    def handle(self, *args, scale, seed, json_path=None, **options):
        if Member.objects.count() > 100:
            raise CommandError("generate_city needs a fresh database (migrate only): members already exist")
        result = CityGenerator(scale, seed=seed, log=self.stdout.write).run()
        for table, count in sorted(result["rows"].items()):
            self.stdout.write(f"{table:32s} {count:>10,}")
        if json_path:
            with open(json_path, "w") as handle:
                json.dump(result, handle, ensure_ascii=False, indent=2)
