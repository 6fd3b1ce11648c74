import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...conf import get_setting
from ...models import Answer


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Command(BaseCommand):
    help = (
        "Remove the text of open answers older than the retention period "
        "(WAGTAIL_OCENA_COMMENT_RETENTION_YEARS, or --years); ratings and counts are kept. "
        "Meant for cron, e.g. daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, help="Overrides the setting.")

    def handle(self, years=None, **options):
        years = years if years is not None else get_setting("COMMENT_RETENTION_YEARS")
        if years is None:
            self.stdout.write(
                "No retention period is set (WAGTAIL_OCENA_COMMENT_RETENTION_YEARS): "
                "nothing was removed."
            )
            return
        if years < 1:
            raise CommandError("The retention period must be at least one year.")
        # Responses of the cutoff day itself are kept: they are exactly ``years`` old.
        cutoff = years_before(timezone.localdate(), years) - datetime.timedelta(days=1)
        removed = Answer.objects.filter(response__submitted_on__lte=cutoff).redact()
        self.stdout.write(
            f"Removed the text of {removed} open answer(s) given on {cutoff} or earlier."
        )
