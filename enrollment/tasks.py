"""Background work of enrollment: thin wrappers around services (django-tasks, database queue).

The import job itself is the service enrollment.roster_import.roster_import_run; enrollment.services
decides now-or-background and enqueues this task. Imports point one way: services → tasks →
roster_import, never back."""

from django_tasks import task

from enrollment.roster_import import roster_import_run


@task()
def import_roster(import_id: int) -> str:
    return roster_import_run(import_id=import_id).status
