"""Background work of notifications: thin wrappers around services (django-tasks, database queue)."""

from django_tasks import task

from notifications.services import notification_sms_send


@task()
def send_notification_sms(notification_id: int) -> bool:
    return notification_sms_send(notification_id=notification_id)
