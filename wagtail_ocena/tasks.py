"""Background work (django-tasks): with the default immediate backend it runs at once; a
database-backed worker runs it outside the request in production (see docs/configuration.md)."""

from django_tasks import task

from .models import GeneratedReport, ReportStatus


@task()
def generate_report_file(report_id):
    from .reports.archive import generate

    record = GeneratedReport.objects.filter(pk=report_id, status=ReportStatus.PENDING).first()
    if record is not None:
        generate(record)
