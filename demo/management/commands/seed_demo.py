from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the demo organisation tree, plans and accounts (idempotent)."

    def handle(self, *args, **options):
        from billing.selectors import union_account

        try:
            union_account()  # the demo's paid period needs a payment notice
        except DomainError as error:
            raise CommandError(
                f"{error.message}（演示数据需要 UNION_ACCOUNT_NAME、UNION_BANK_NAME、UNION_BANK_ACCOUNT；"
                "`make run` 会提供标明“演示”的值）"
            ) from None
        result = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"demo data ready: {result['users']} users, {result['units']} units")
        )
