"""Background work (django-tasks): with the default immediate backend it runs at once; a
database-backed worker runs it outside the request in production (see docs/configuration.md)."""

from django_tasks import task


@task()
def generate_report_file(report_id):
    from .reports.archive import claim, generate

    record = claim(report_id)
    if record is not None:
        generate(record)
