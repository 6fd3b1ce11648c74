"""Background work (django-tasks): with the default immediate backend it runs at once; a
database-backed worker runs it outside the request in production (see docs/configuration.md)."""

from django_tasks import task


@task()
def generate_report_file(report_id):
    from .reports.archive import claim, generate

    record = claim(report_id)
    if record is not None:
        generate(record)


@task()
def archive_yearly_reports():
    """The yearly reports due today (``yearly``): for a database worker's schedule."""
    from .yearly import archive_due_reports

    return [str(record.pk) for record in archive_due_reports()]


def render_again(record):
    """Queue the file of a failed report made from frozen data (the §5 report before a
    change) again, from the same data; returns whether it was queued."""
    from django.db import transaction

    from .reports.archive import requeue

    if not requeue(record):
        return False
    report_id = str(record.pk)
    transaction.on_commit(lambda: generate_report_file.enqueue(report_id))
    return True
