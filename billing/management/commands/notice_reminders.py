"""缴费提醒: run once a day (make run's supervisord does; production: the timer in docs/deploy.md).

Sends each unpaid notice's agent an SMS + in-app reminder NOTICE_REMINDER_DAYS_BEFORE (3) days before the
due date and on the due date, each once: running it again the same day sends nothing more.
"""

from django.core.management.base import BaseCommand

from billing.services import notice_reminders_send


class Command(BaseCommand):
    help = "Send the agents' 缴费提醒 (N days before and on the due date; each once)."

    def handle(self, *args, **options):
        sent = notice_reminders_send()
        self.stdout.write(f"缴费提醒：已发送 {sent} 条")
