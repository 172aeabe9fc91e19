"""Background work of notifications: thin wrappers (django-tasks, database queue). The job lives in
notifications.sms, so that services can enqueue it without an import cycle."""

from django_tasks import task

from notifications.sms import notification_sms_send


@task()
def send_notification_sms(notification_id: int) -> bool:
    return notification_sms_send(notification_id=notification_id)
