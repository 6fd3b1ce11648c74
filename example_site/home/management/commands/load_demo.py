import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Page, Site

from example_site.home.models import HomePage
from example_site.home.synthetic import ResponseGenerator
from wagtail_ocena import counting
from wagtail_ocena.models import (
    ActionStatus,
    Department,
    ImprovementAction,
    OfficeSettings,
    SurveyBanner,
    SurveyPage,
    SurveyResponse,
    SurveyVersion,
)

OFFICE = {
    "name": "Urząd Miejski w Koronowie",
    "address": "pl. Zwycięstwa 1\n86-010 Koronowo",
    "phone": "52 000 00 00",
    "email": "sekretariat@koronowo.example",
    "website": "https://koronowo.example",
    "opening_hours": "pon. 8:00–16:00, wt.–pt. 7:30–15:30",
}

DEPARTMENTS = [
    "Urząd Stanu Cywilnego",
    "Podatki i opłaty lokalne",
    "Ewidencja ludności i dowody osobiste",
    "Działalność gospodarcza",
    "Budownictwo i planowanie przestrzenne",
    "Nieruchomości i geodezja",
    "Ochrona środowiska i gospodarka odpadami",
    "Drogi i transport",
    "Biuro Obsługi Interesanta / sekretariat",
    "Inne",
]

DEMO_ADMIN = ("admin", "admin")


class Command(BaseCommand):
    help = (
        "Load the demo office: homepage with the “Oceń Urząd” banner, the survey, two years "
        "of synthetic responses and an admin account. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=730, help="How many days of responses.")
        parser.add_argument(
            "--port",
            type=int,
            help="Port the demo is served on; full links (the printable questionnaire's QR "
            "code) then point at http://127.0.0.1:PORT.",
        )

    def handle(self, days, port=None, **options):
        with transaction.atomic():
            site = self.homepage_site()
            if port:
                site.hostname, site.port = "127.0.0.1", port
                site.save()
            office = self.office(site)
            survey = self.survey(site.root_page.specific)
            self.banner(site.root_page.specific, survey)
        admin = self.admin_account()
        created = self.responses(survey, office, days, clerk=admin)
        self.actions(office, survey, admin)
        total = SurveyResponse.objects.filter(version__page=survey).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {office.name}, {total} survey responses ({created} added now)."
            )
        )

    def homepage_site(self):
        site = Site.objects.filter(is_default_site=True).first()
        if site is not None and isinstance(site.root_page.specific, HomePage):
            return site
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title=OFFICE["name"], slug="urzad"))
        home.save_revision().publish()
        if site is None:
            site = Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True
            )
        else:
            welcome = site.root_page
            site.root_page = home
            site.site_name = OFFICE["name"]
            site.save()
            # The "Welcome to Wagtail" page of a fresh install is not needed.
            if welcome.specific_class is Page and not welcome.get_children().exists():
                welcome.delete()
        return site

    def office(self, site):
        office, _ = OfficeSettings.objects.get_or_create(site=site, defaults=OFFICE)
        if office.logo is None:
            office.logo = self.logo()
            office.save()
        if not office.departments.exists():
            for position, name in enumerate(DEPARTMENTS):
                Department.objects.create(office=office, name=name, sort_order=position)
        return office

    def logo(self):
        """A simple coat of arms drawn for the demo (a blue shield with a white K)."""
        image = PILImage.new("RGB", (160, 190), "white")
        draw = ImageDraw.Draw(image)
        draw.polygon([(10, 10), (150, 10), (150, 110), (80, 180), (10, 110)], fill="#0b3d91")
        draw.line([(62, 40), (62, 140)], fill="white", width=14)
        draw.line([(66, 90), (112, 40)], fill="white", width=14)
        draw.line([(70, 86), (114, 140)], fill="white", width=14)
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return Image.objects.create(
            title="Herb (demo)", file=ImageFile(buffer, name="herb-demo.png")
        )

    def survey(self, home):
        survey = SurveyPage.objects.child_of(home).first()
        if survey is None:
            survey = home.add_child(
                instance=SurveyPage(
                    title="Ankieta badania satysfakcji Klienta",
                    slug="ankieta",
                    offer_printable=True,
                )
            )
            survey.save_revision().publish()
        return survey

    def banner(self, home, survey):
        banner, _ = SurveyBanner.objects.get_or_create(
            survey_page=survey,
            defaults={
                "text": "Powiedz nam, jak Cię obsłużyliśmy. Ankieta jest anonimowa i zajmie "
                "około trzech minut.",
            },
        )
        if not any(block.block_type == "survey_banner" for block in home.body):
            home.body = [
                (
                    "paragraph",
                    "<p>Witamy na stronie Urzędu Miejskiego w Koronowie.</p>",
                ),
                ("survey_banner", banner),
                (
                    "paragraph",
                    "<p>Urząd jest czynny w poniedziałki 8:00–16:00, "
                    "od wtorku do piątku 7:30–15:30.</p>",
                ),
            ]
            home.save_revision().publish()

    def responses(self, survey, office, days, clerk):
        if SurveyResponse.objects.filter(version__page=survey).exists():
            return 0
        generator = ResponseGenerator(
            survey.current_version, office.site, office.departments.all(), clerk=clerk
        )
        end = timezone.localdate() - datetime.timedelta(days=1)
        start = end - datetime.timedelta(days=days - 1)
        # The demo's questionnaire has been in use since its first response.
        version = survey.current_version
        first_day = timezone.make_aware(datetime.datetime.combine(start, datetime.time(8, 0)))
        if version.created_at > first_day:
            models.QuerySet.update(
                SurveyVersion.objects.filter(pk=version.pk), created_at=first_day
            )
        written = generator.write(generator.days(start, end))
        # The bulk writer skips the reports' daily counts; recount this office from its rows.
        counting.rebuild(site=office.site)
        return written

    def actions(self, office, survey, user):
        """A few entries of the register: one done, one overdue, one planned."""
        if ImprovementAction.objects.filter(site=office.site).exists():
            return
        today = timezone.localdate()
        questions = {q.key: q for q in survey.current_version.questions.all()}
        departments = list(office.departments.order_by("sort_order"))
        for key, fields in (
            (
                "czas-oczekiwania",
                {
                    "problem": "Czas oczekiwania na obsługę – najniżej oceniany obszar.",
                    "description": "Drugie stanowisko obsługi w godzinach 8–10 "
                    "w poniedziałki i piątki.",
                    "deadline": today - datetime.timedelta(days=150),
                    "status": ActionStatus.DONE,
                    "status_changed_on": today - datetime.timedelta(days=160),
                    "responsible_department": departments[0],
                },
            ),
            (
                "formularze",
                {
                    "problem": "Czytelność formularzy i druków poniżej wskaźnika Urzędu.",
                    "description": "Przegląd i uproszczenie formularzy najczęściej "
                    "składanych wniosków.",
                    "deadline": today - datetime.timedelta(days=20),
                    "status": ActionStatus.IN_PROGRESS,
                    "status_changed_on": today - datetime.timedelta(days=70),
                },
            ),
            (
                "strona-www",
                {
                    "problem": "Strona internetowa Urzędu oceniana niżej niż rok wcześniej.",
                    "description": "Nowy układ strony z wyszukiwarką spraw.",
                    "deadline": today + datetime.timedelta(days=120),
                },
            ),
        ):
            action = ImprovementAction(site=office.site, responsible_person="Anna Nowak", **fields)
            if key in questions:
                action.questions.set([questions[key]])
            action.save()  # a cluster saves its many-to-many links with itself
            # Added to the register some months ago (the field is set on saving).
            added = timezone.make_aware(
                datetime.datetime.combine(
                    min(fields["deadline"], today) - datetime.timedelta(days=90), datetime.time(9)
                )
            )
            ImprovementAction.objects.filter(pk=action.pk).update(created_at=added)
            action.refresh_from_db()
            action.save_revision(user=user, log_action=True)

    def admin_account(self):
        username, password = DEMO_ADMIN
        User = get_user_model()
        admin = User.objects.filter(username=username).first()
        if admin is None:
            admin = User.objects.create_superuser(
                username, "admin@koronowo.example", password, first_name="Ewa", last_name="Demo"
            )
        self.stdout.write(
            f"Admin: log in at /admin/ as “{username}” with password “{password}” "
            "(demo only: change it anywhere else)."
        )
        return admin
