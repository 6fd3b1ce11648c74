from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from ... import counting


class Command(BaseCommand):
    help = (
        "Recompute the daily counts that reports read from the stored responses and answers "
        "(after a bulk import, or to check them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", type=int, help="Only this site's (office's) counts.")

    def handle(self, site=None, **options):
        office = None
        if site is not None:
            office = Site.objects.filter(pk=site).first()
            if office is None:
                raise CommandError(f"There is no site with id {site}.")
        counting.rebuild(site=office)
        self.stdout.write(f"Daily counts rebuilt{f' for {office}' if office else ''}.")
