import contextlib
import datetime
import time
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.db import connection
from django.test import Client
from wagtail.models import GroupSitePermission, Page, Site

from example_site.home.models import HomePage
from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Department, OfficeSettings, SurveyPage, SurveyResponse
from wagtail_ocena.protection import TOKEN_FIELD, FormToken

ADMINISTRATORS = "Ocena Urzędu — administratorzy"
FORM_ENCODED = "application/x-www-form-urlencoded"


class BrowserClient(Client):
    """Posts a dict as a browser sends a form without files: URL-encoded, not multipart."""

    def post(self, path, data=None, content_type=FORM_ENCODED, **extra):
        if content_type == FORM_ENCODED and isinstance(data, dict):
            data = urlencode(data, doseq=True)
        return super().post(path, data, content_type=content_type, **extra)


@pytest.fixture
def client():
    return BrowserClient()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WAGTAIL_OCENA_REPORTS_ROOT = tmp_path / "reports"


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and used tokens must not leak between tests."""
    for cache in caches.all():
        cache.clear()
    yield


@contextlib.contextmanager
def inserts_fail(model):
    """Every INSERT into ``model``'s table fails in the database itself, as a full disk or
    a lost connection would make it fail, until the block ends."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION ocena_test_fail() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER ocena_test_fail BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ocena_test_fail()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER ocena_test_fail BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER ocena_test_fail ON {table}")
                cursor.execute("DROP FUNCTION ocena_test_fail()")
            else:
                cursor.execute("DROP TRIGGER ocena_test_fail")


def make_office(site, name, departments):
    office = OfficeSettings.objects.create(site=site, name=name, address="ul. Testowa 1")
    for position, department in enumerate(departments):
        Department.objects.create(office=office, name=department, sort_order=position)
    return office


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Urząd Miejski w Koronowie", slug="koronowo"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


@pytest.fixture
def site(home):
    return Site.objects.get(root_page=home)


@pytest.fixture
def office(site):
    return make_office(
        site,
        "Urząd Miejski w Koronowie",
        ["Urząd Stanu Cywilnego", "Podatki i opłaty lokalne", "Inne"],
    )


def publish_survey(parent, **fields):
    fields.setdefault("title", "Ankieta badania satysfakcji Klienta")
    fields.setdefault("slug", "ankieta")
    page = parent.add_child(instance=SurveyPage(**fields))
    page.save_revision().publish()
    return SurveyPage.objects.get(pk=page.pk)


@pytest.fixture
def survey(office, home):
    return publish_survey(home)


@pytest.fixture
def other_office_survey(db):
    """A second gmina on the same installation, with its own site, departments and survey."""
    other_home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Urząd Gminy Sicienko", slug="sicienko")
    )
    other_site = Site.objects.create(hostname="sicienko.example", root_page=other_home)
    make_office(other_site, "Urząd Gminy Sicienko", ["Referat Podatków"])
    return publish_survey(other_home)


def form_token(page, version=None, age=60):
    """A signed form token as if the questionnaire had been rendered ``age`` seconds ago."""
    version = version or page.current_version
    return FormToken.issue(page.pk, version.pk, now=time.time() - age).sign()


def valid_answers(page, version=None, **overrides):
    """POST data answering every required question of the page's (or given) version."""
    version = version or page.current_version
    data = {TOKEN_FIELD: form_token(page, version)}
    for question in version.load_questions():
        if question.kind == "department":
            departments = Department.objects.filter(office__site=page.get_site())
            data[question.field_name] = str(departments.first().pk)
        elif question.kind in ("rating", "overall_rating"):
            data[question.field_name] = "4"
        elif question.kind in ("single_choice", "profile"):
            data[question.field_name] = question.choice_options[0].key
        elif question.kind == "multiple_choice":
            data[question.field_name] = [question.choice_options[0].key]
        elif question.kind == "open_text":
            data[question.field_name] = "Wszystko w porządku, dziękuję."
    data.update(overrides)
    return data


def record_response(survey, answers=None, **fields):
    """Save a response to the survey's current version directly, as the views do."""
    site = survey.get_site()
    answers = {
        "wydzial": Department.objects.filter(office__site=site).first(),
        "ogolna-ocena": "4",
        **(answers or {}),
    }
    fields = {
        "site": site,
        "channel": Channel.ELECTRONIC,
        "submitted_on": datetime.date(2026, 3, 2),
        **fields,
    }
    return SurveyResponse.objects.record(survey.current_version, answers, **fields)


@pytest.fixture
def clerk(django_user_model):
    """A survey administrator in the group the migration creates: every office."""
    user = django_user_model.objects.create_user(
        "urzednik", password="x", first_name="Anna", last_name="Nowak"
    )
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    return user


def logged_in(user):
    client = BrowserClient()
    client.force_login(user)
    return client


@pytest.fixture
def clerk_client(clerk):
    return logged_in(clerk)


@pytest.fixture
def editor_client(django_user_model):
    """A CMS editor without any survey permission."""
    user = django_user_model.objects.create_user("redaktor", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return logged_in(user)


@pytest.fixture
def local_clerk_client(django_user_model, site):
    """A clerk of one office only, through Wagtail's per-site group permissions."""
    user = django_user_model.objects.create_user("koronowo", password="x")
    group = Group.objects.create(name="Koronowo")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in (
        "enter_paper_surveyresponse",
        "download_printable_surveyresponse",
        "view_surveyresponse",
    ):
        GroupSitePermission.objects.create(
            group=group, site=site, permission=Permission.objects.get(codename=codename)
        )
    user.groups.add(group)
    return logged_in(user)
