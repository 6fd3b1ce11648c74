import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...yearly import archive_due_reports


class Command(BaseCommand):
    help = (
        "Archive each office's report of the previous calendar year if its scheduled day "
        "(WAGTAIL_OCENA_YEARLY_REPORT_DAY) has come and it has none yet, and e-mail its "
        "survey administrators; run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD: run as on this day (default: today).")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today: {error}") from error
        with transaction.atomic():
            records = archive_due_reports(day)
        for record in records:
            self.stdout.write(f"{record.site}: {record.period_start.year} report {record.pk}")
        if not records:
            self.stdout.write("No yearly report is due.")
