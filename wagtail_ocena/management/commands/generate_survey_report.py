import shutil

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from ...forms import ReportForm
from ...models import GeneratedReport, ReportFormat
from ...reports.archive import generate
from ...reports.period import PRESETS


class Command(BaseCommand):
    help = (
        "Generate and archive an office's report, as the admin's “Generuj raport” does "
        "(e.g. the yearly report from cron: --preset last_year), optionally copying the file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", type=int, help="The office's site id (default: the only one)."
        )
        parser.add_argument("--preset", choices=list(PRESETS), default="last_year")
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD, with --preset custom.")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD, with --preset custom.")
        parser.add_argument("--channel", default="", help="electronic or paper.")
        parser.add_argument("--department", type=int, help="A department id of the office.")
        parser.add_argument(
            "--survey-version", dest="survey_version", type=int, help="A questionnaire version id."
        )
        parser.add_argument("--without-comments", action="store_true")
        parser.add_argument("--format", choices=ReportFormat.values, default=ReportFormat.PDF)
        parser.add_argument("--output", help="Also copy the archived file here.")

    def handle(self, *args, **options):
        site = self.site(options["site"])
        form = ReportForm(
            {
                "preset": options["preset"],
                "date_from": options["date_from"] or "",
                "date_to": options["date_to"] or "",
                "channel": options["channel"],
                "department": options["department"] or "",
                "version": options["survey_version"] or "",
                "include_comments": "" if options["without_comments"] else "on",
            },
            site=site,
        )
        if not form.is_valid():
            problems = [str(error) for errors in form.errors.values() for error in errors]
            raise CommandError(" ".join(problems))
        period = form.cleaned_data["period"]
        record = GeneratedReport.objects.request(
            site, period, form.report_filters(), options["format"], at_once=True
        )
        try:
            generate(record)
        except Exception as error:
            raise CommandError(f"The report could not be generated: {error}") from error
        if options["output"]:
            with record.file.open("rb") as source, open(options["output"], "wb") as target:
                shutil.copyfileobj(source, target)
        self.stdout.write(
            f"Archived {record.filename()} for {site} ({period}), SHA-256 {record.sha256}"
            + (f"; copied to {options['output']}." if options["output"] else ".")
        )

    def site(self, site_id):
        sites = Site.objects.all() if site_id is None else Site.objects.filter(pk=site_id)
        sites = list(sites[:2])
        if len(sites) != 1:
            raise CommandError(
                f"There is no site with id {site_id}."
                if site_id is not None
                else "Give --site: there is more than one site."
            )
        return sites[0]
