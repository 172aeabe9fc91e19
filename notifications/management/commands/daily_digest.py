"""每日待办: one message a day to every reviewer and finance clerk with work waiting at their step.

Schedule it once a day, e.g. from cron at 08:00: `0 8 * * * cd /srv/app && .venv/bin/python manage.py
daily_digest`. Running it again the same day refreshes that day's message (never a second one).
"""

from django.core.management.base import BaseCommand

from notifications.services import daily_digest_send


class Command(BaseCommand):
    help = "Write today's 每日待办 message for every staff member with work waiting (idempotent per day)."

    def handle(self, *args, **options):
        written = daily_digest_send()
        self.stdout.write(f"每日待办：已写入 {written} 条消息")
