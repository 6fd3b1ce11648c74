from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...models import OfficeSettings, SurveyPage
from ...printing import render_questionnaire_pdf


class Command(BaseCommand):
    help = (
        "Write the printable questionnaire (PDF) of a published survey page's current version, "
        "as the admin's “Pobierz ankietę do wydrukowania” does."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--page", type=int, help="Survey page id (default: the only published survey)."
        )
        parser.add_argument("--output", default="ankieta.pdf", help="File to write.")

    def handle(self, page=None, output="ankieta.pdf", **options):
        surveys = SurveyPage.objects.live()
        if page is not None:
            surveys = surveys.filter(pk=page)
        surveys = list(surveys[:2])
        if len(surveys) != 1:
            raise CommandError(
                "No published survey page with that id."
                if page is not None
                else "Give --page: there is no published survey page, or more than one."
            )
        survey = surveys[0]
        site, version = survey.get_site(), survey.current_version
        if site is None or version is None:
            raise CommandError("The survey page is not under any site or has no version.")
        pdf = render_questionnaire_pdf(version, OfficeSettings.of(site), survey.get_full_url())
        Path(output).write_bytes(pdf)
        self.stdout.write(f"Wrote {output}: {survey.title}, version {version.code}.")
