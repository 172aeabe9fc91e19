"""Remove audit rows older than AUDIT_RETENTION_DAYS (at least 183 days; 网络安全法 Art. 21).
Run it from cron, e.g. monthly; the pruning itself is recorded in the trail."""

from django.core.management.base import BaseCommand

from audit.services import audit_prune


class Command(BaseCommand):
    help = "Remove audit rows older than the retention period (AUDIT_RETENTION_DAYS, at least 183 days)."

    def handle(self, *args, **options):
        removed = audit_prune()
        self.stdout.write(f"removed {removed} audit rows older than the retention period")
