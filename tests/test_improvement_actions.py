"""The register of corrective and improvement actions (§4): kept office by office in the admin,
with its history, filters and exports, and refusing what does not belong to the office."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupSitePermission, Revision

from wagtail_ocena.models import Department, GeneratedReport, ImprovementAction, SurveyQuestion

from .conftest import logged_in, record_response

pytestmark = pytest.mark.django_db

INDEX = "/admin/snippets/wagtail_ocena/improvementaction/"
ADD = INDEX + "add/"
SUPERVISORS = "Ocena Urzędu — nadzór"


def refused(response):
    """Wagtail's own refusal of its views: back to the dashboard, with its message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def edit_url(action):
    return f"{INDEX}edit/{action.pk}/"


def rated(survey, key):
    return SurveyQuestion.objects.get(version=survey.current_version, key=key)


def form_data(site, **overrides):
    data = {
        "site": site.pk,
        "problem": "Czas oczekiwania na obsługę: wskaźnik 52% [47–57%], istotnie poniżej Urzędu.",
        "description": "Drugie stanowisko w godzinach 8–10.",
        "responsible_person": "Jan Kowalski",
        "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "status": "planned",
        "status_changed_on": timezone.localdate().isoformat(),
        "notes": "",
    }
    data.update(overrides)
    return data


def action_of(site, **fields):
    fields = {
        "problem": "Długi czas oczekiwania",
        "description": "Drugie stanowisko",
        "responsible_person": "Jan Kowalski",
        "deadline": timezone.localdate() + datetime.timedelta(days=30),
        **fields,
    }
    return ImprovementAction.objects.create(site=site, **fields)


@pytest.fixture
def local_manager(django_user_model, site):
    """Keeps the register of one office only (Wagtail's per-site group permissions)."""
    user = django_user_model.objects.create_user("rejestr", password="x")
    group = Group.objects.create(name="Rejestr Koronowo")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for action in ("add", "change", "view"):
        GroupSitePermission.objects.create(
            group=group,
            site=site,
            permission=Permission.objects.get(codename=f"{action}_improvementaction"),
        )
    user.groups.add(group)
    return logged_in(user)


def test_an_administrator_adds_an_action_and_its_history_keeps_each_change(
    clerk_client, survey, site
):
    usc = Department.objects.get(name="Urząd Stanu Cywilnego")
    waiting = rated(survey, "czas-oczekiwania")
    page = clerk_client.get(ADD)
    assert page.status_code == 200
    assert waiting.text in page.content.decode()

    created = clerk_client.post(
        ADD,
        form_data(site, department=usc.pk, responsible_department=usc.pk, questions=[waiting.pk]),
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    # Its own message, in Polish that agrees with "działanie".
    assert "Działanie „Drugie stanowisko w godzinach 8–10.” zostało dodane." in (
        clerk_client.get(created["Location"]).content.decode()
    )
    action = ImprovementAction.objects.get()
    assert (action.site, action.department, list(action.questions.all())) == (site, usc, [waiting])
    assert action.status == "planned" and not action.is_overdue

    # Started last week and done three days ago, both told only today: the days given are
    # kept. Dropped with the date left as it was: today.
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    data = form_data(site, department=usc.pk, questions=[waiting.pk])
    clerk_client.post(
        edit_url(action), {**data, "status": "in_progress", "status_changed_on": last_week}
    )
    action.refresh_from_db()
    assert (action.status, action.status_changed_on) == ("in_progress", last_week)
    three_days_ago = timezone.localdate() - datetime.timedelta(days=3)
    clerk_client.post(
        edit_url(action), {**data, "status": "done", "status_changed_on": three_days_ago}
    )
    action.refresh_from_db()
    assert (action.status, action.status_changed_on) == ("done", three_days_ago)
    clerk_client.post(
        edit_url(action), {**data, "status": "dropped", "status_changed_on": three_days_ago}
    )
    action.refresh_from_db()
    assert (action.status, action.status_changed_on) == ("dropped", timezone.localdate())

    # Each save is a revision, by whom and with what it held: the history shows the changes.
    revisions = Revision.objects.for_instance(action).order_by("created_at", "pk")
    assert [r.content["status"] for r in revisions] == ["planned", "in_progress", "done", "dropped"]
    assert {r.user.username for r in revisions} == {"urzednik"}
    history = clerk_client.get(f"{INDEX}history/{action.pk}/").content.decode()
    assert "Anna Nowak" in history or "urzednik" in history

    listing = clerk_client.get(INDEX).content.decode()
    assert "Drugie stanowisko w godzinach 8–10." in listing


def test_the_date_of_a_status_change_is_today_unless_given(clerk_client, site, survey):
    action = action_of(site, status_changed_on=datetime.date(2026, 1, 5))
    assert (
        clerk_client.post(
            edit_url(action),
            form_data(site, status="done", status_changed_on="2026-01-05"),
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.status_changed_on == timezone.localdate()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("deadline", "2020-01-01", "nie może być wcześniejszy"),
        ("department", "other", "innego urzędu"),
        ("responsible_department", "other", "innego urzędu"),
        ("questions", "other", "innego urzędu"),
        ("deadline", "31.02.2026", "Wpisz poprawną datę"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    clerk_client, survey, other_office_survey, site, field, value, message
):
    if value == "other":
        value = (
            rated(other_office_survey, "czas-oczekiwania").pk
            if field == "questions"
            else Department.objects.get(name="Referat Podatków").pk
        )
    response = clerk_client.post(ADD, form_data(site, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Działanie nie zostało dodane" in response.content.decode()
    assert not ImprovementAction.objects.exists()


def test_a_report_of_another_office_is_not_the_source(
    clerk_client, survey, other_office_survey, site
):
    other_site = other_office_survey.get_site()
    report = GeneratedReport.objects.create(
        site=other_site,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        format="pdf",
        status="done",
    )
    response = clerk_client.post(ADD, form_data(site, source_report=report.pk))
    assert response.status_code == 200
    assert "innego urzędu" in response.content.decode()
    assert not ImprovementAction.objects.exists()


def test_an_office_sees_and_edits_only_its_own_register(
    local_manager, survey, other_office_survey, site
):
    other_site = other_office_survey.get_site()
    own = action_of(site, description="Nasze działanie")
    other = action_of(other_site, description="Działanie Sicienka")

    listing = local_manager.get(INDEX).content.decode()
    assert "Nasze działanie" in listing and "Działanie Sicienka" not in listing
    assert local_manager.get(edit_url(own)).status_code == 200
    # Another office's action answers as one that does not exist.
    assert local_manager.get(edit_url(other)).status_code == 404
    assert local_manager.get(f"{INDEX}edit/999999/").status_code == 404
    assert local_manager.get(f"{INDEX}history/{other.pk}/").status_code == 404
    assert local_manager.post(edit_url(other), form_data(other_site)).status_code == 404

    # Nor can one be added there: the office is not offered, and a posted one is refused.
    page = local_manager.get(ADD).content.decode()
    assert "Urząd Gminy Sicienko" not in page
    not_saved = local_manager.post(ADD, form_data(other_site))
    assert not_saved.status_code == 200
    assert ImprovementAction.objects.filter(site=other_site).count() == 1
    # No right to delete: the delete view refuses before looking the id up.
    assert refused(local_manager.get(f"{INDEX}delete/{own.pk}/"))
    assert ImprovementAction.objects.filter(pk=own.pk).exists()


def test_a_reader_may_not_change_a_status(django_user_model, site, survey):
    reader = django_user_model.objects.create_user("sekretarz", password="x")
    reader.groups.add(Group.objects.get(name=SUPERVISORS))
    client = logged_in(reader)
    action = action_of(site)

    assert "Drugie stanowisko" in client.get(INDEX).content.decode()
    assert client.get(f"{INDEX}inspect/{action.pk}/").status_code == 200
    assert refused(client.post(edit_url(action), form_data(site, status="done")))
    action.refresh_from_db()
    assert action.status == "planned"
    assert refused(client.get(ADD))


def test_without_the_permission_the_menu_item_and_every_view_refuse(editor_client, site, survey):
    action = action_of(site)
    menu = editor_client.get("/admin/").content.decode()
    assert INDEX not in menu
    for url in (INDEX, ADD, edit_url(action), f"{INDEX}delete/{action.pk}/"):
        assert refused(editor_client.get(url)), url


def test_the_administrators_menu_leads_to_the_register(clerk_client, site):
    assert INDEX in clerk_client.get("/admin/").content.decode()


def test_the_register_is_filtered_by_status_overdue_and_deadline(clerk_client, site, survey):
    today = timezone.localdate()
    action_of(site, description="Zaległe", deadline=today - datetime.timedelta(days=3))
    action_of(site, description="Zrobione", deadline=today - datetime.timedelta(days=3),
              status="done")  # fmt: skip
    action_of(site, description="Na przyszłość", deadline=today + datetime.timedelta(days=90))

    def listed(**query):
        html = clerk_client.get(INDEX, query).content.decode()
        return {name for name in ("Zaległe", "Zrobione", "Na przyszłość") if name in html}

    assert listed(overdue="true") == {"Zaległe"}
    assert listed(status="done") == {"Zrobione"}
    assert listed(deadline_after=today.isoformat()) == {"Na przyszłość"}
    assert ImprovementAction.objects.overdue().get().description == "Zaległe"


def test_the_register_exports_as_xlsx_and_csv(clerk_client, site, survey):
    action = action_of(site, description="Drugie stanowisko", status="done")
    action.questions.set([rated(survey, "czas-oczekiwania")])
    action.save()  # a cluster keeps its many-to-many links in memory until saved

    xlsx = clerk_client.get(INDEX, {"export": "xlsx"})
    assert xlsx.status_code == 200
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "Termin" in header and "Stan" in header
    assert row["Działanie"] == "Drugie stanowisko"
    assert row["Stan"] == "zrealizowane"
    assert row["Pytania, których dotyczy"] == rated(survey, "czas-oczekiwania").text

    response = clerk_client.get(INDEX, {"export": "csv"})
    text = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    assert [r["Działanie"] for r in records] == ["Drugie stanowisko"]


def test_an_action_is_prefilled_from_the_report(clerk_client, site, survey):
    waiting = rated(survey, "czas-oczekiwania")
    page = clerk_client.get(
        ADD, {"site": site.pk, "questions": waiting.pk, "problem": "Czas oczekiwania: 52%"}
    ).content.decode()
    assert "Czas oczekiwania: 52%</textarea>" in page
    checked = re.search(rf'<input[^>]*value="{waiting.pk}"[^>]*>', page).group(0)
    assert "checked" in checked
    others = re.findall(r'<input[^>]*name="questions"[^>]*>', page)
    assert len(others) > 1 and sum("checked" in box for box in others) == 1


def test_an_area_to_improve_in_the_report_plans_an_action_in_one_click(
    clerk_client, site, survey, django_user_model
):
    # Waiting time rated far below the other areas, in 60 responses of March 2026.
    for number in range(60):
        record_response(
            survey,
            {"czas-oczekiwania": str(1 + number % 4), "uprzejmosc": str(3 + number % 3),
             "kompetencje": str(3 + (number + 1) % 3), "szybkosc-obslugi": str(3 + number % 3)},
            submitted_on=datetime.date(2026, 3, 1 + number % 28),
        )  # fmt: skip
    report_url = f"/admin/ocena/reports/{site.pk}/"
    query = {"preset": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"}
    page = clerk_client.get(report_url, query).content.decode()

    links = re.findall(r'href="([^"]*improvementaction/add/[^"]*)"', page)
    assert len(links) >= 1
    waiting = rated(survey, "czas-oczekiwania")
    form = clerk_client.get(links[0].replace("&amp;", "&")).content.decode()
    assert "Czas oczekiwania na obsługę: wskaźnik zadowolenia" in form
    assert "istotnie poniżej wskaźnika Urzędu" in form
    checked = re.search(rf'<input[^>]*value="{waiting.pk}"[^>]*>', form).group(0)
    assert "checked" in checked
    # Who may generate reports but not add actions sees the report without the button.
    user = django_user_model.objects.create_user("raporty", password="x")
    group = Group.objects.create(name="Raporty Koronowo")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupSitePermission.objects.create(
        group=group,
        site=site,
        permission=Permission.objects.get(codename="generate_generatedreport"),
    )
    user.groups.add(group)
    other = logged_in(user).get(report_url, query)
    assert other.status_code == 200 and "Obszary do poprawy" in other.content.decode()
    assert "improvementaction/add/" not in other.content.decode()
