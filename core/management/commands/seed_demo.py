from django.core.management.base import BaseCommand

from core.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo organisation tree, plans and accounts (idempotent)."

    def handle(self, *args, **options):
        result = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"demo data ready: {result['users']} users, {result['units']} units")
        )
