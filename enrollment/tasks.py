"""Background work of enrollment: thin wrappers around services (django-tasks, database queue)."""

from django_tasks import task

from enrollment.roster_import import roster_import_run


@task()
def import_roster(import_id: int) -> str:
    return roster_import_run(import_id=import_id).status
