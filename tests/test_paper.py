"""Paper questionnaires: entering sheets, corrections, the audit log, permissions per office."""

import datetime
import json
import re
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupSitePermission, ModelLogEntry, Site

from example_site.home.models import HomePage
from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Answer, Department, SurveyPage, SurveyResponse

from .conftest import (
    ADMINISTRATORS,
    logged_in,
    make_office,
    publish_survey,
    record_response,
)

pytestmark = pytest.mark.django_db


def entry_url(site):
    return f"/admin/ocena/paper/{site.pk}/"


def sheet_data(survey, of_version=None, **overrides):
    """A completed sheet as the paper entry form posts it."""
    version = of_version or survey.current_version
    department = Department.objects.filter(office__site=survey.get_site()).first()
    data = {
        "version": str(version.pk),
        "batch": "skrzynka BOI, marzec 2026",
        "sheet_number": "1",
        "sheet_date": "",
        "q-wydzial": str(department.pk),
        "q-czas-oczekiwania": "3",
        "q-uprzejmosc": "na",
        "q-ogolna-ocena": "4",
        "q-porownanie": "podobna",
        "q-uwagi": "Prosimy o więcej krzeseł.",
        "next": "sheet",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_migration_creates_the_administrators_group():
    group = Group.objects.get(name=ADMINISTRATORS)

    assert set(group.permissions.values_list("codename", flat=True)) >= {
        "access_admin",
        "enter_paper_surveyresponse",
        "download_printable_surveyresponse",
        "view_surveyresponse",
        "delete_surveyresponse",
        "change_officesettings",
    }


def test_entering_a_sheet_saves_a_paper_response_and_logs_it(clerk_client, clerk, survey, site):
    today = timezone.localdate()
    response = clerk_client.post(entry_url(site), sheet_data(survey, sheet_date=today.isoformat()))

    assert response.status_code == 302
    saved = SurveyResponse.objects.get()
    assert saved.channel == Channel.PAPER
    assert saved.site == site
    assert saved.entered_by == clerk
    assert abs(saved.entered_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert saved.sheet_date == today
    assert saved.submitted_on == today
    assert (saved.batch, saved.sheet_number) == ("skrzynka BOI, marzec 2026", 1)
    answers = {a.question.key: a for a in saved.answers.select_related("question", "option")}
    assert answers["czas-oczekiwania"].rating == 3
    assert answers["uprzejmosc"].not_applicable
    assert answers["porownanie"].option.key == "podobna"
    entry = ModelLogEntry.objects.get(action="wagtail_ocena.paper_response.enter")
    assert entry.user == clerk
    assert entry.object_id == str(saved.pk)
    assert entry.data["batch"] == "skrzynka BOI, marzec 2026"
    assert entry.data["sheet_number"] == 1
    assert "Prosimy" not in str(entry.data)  # the log keeps no answers


def test_save_and_next_keeps_batch_and_version_and_counts_the_batch(clerk_client, survey, site):
    response = clerk_client.post(entry_url(site), sheet_data(survey))

    version = survey.current_version
    assert response["Location"] == (
        f"{entry_url(site)}?version={version.pk}&batch=skrzynka+BOI%2C+marzec+2026&sheet=2"
    )
    next_sheet = clerk_client.get(response["Location"]).content.decode()
    assert 'value="skrzynka BOI, marzec 2026"' in next_sheet
    assert re.search(r'name="sheet_number" value="2"', next_sheet)
    assert "dotąd wprowadzono 1 arkusz." in next_sheet
    assert "Zapisano arkusz nr 1 z partii „skrzynka BOI, marzec 2026”" in next_sheet
    # The cursor starts on the first question.
    assert re.search(r'name="q-wydzial" value="\d+" id="id_q-wydzial_0" autofocus', next_sheet)


def test_entry_date_is_used_when_the_sheet_has_none(clerk_client, survey, site):
    clerk_client.post(entry_url(site), sheet_data(survey))

    saved = SurveyResponse.objects.get()
    assert saved.sheet_date is None
    assert saved.submitted_on == timezone.localdate()


def test_save_goes_to_the_listing(clerk_client, survey, site):
    response = clerk_client.post(entry_url(site), sheet_data(survey, next="listing"))

    assert response["Location"] == "/admin/wagtail_ocena/surveyresponse/"


def test_the_same_batch_and_sheet_number_twice_is_refused(clerk_client, survey, site):
    clerk_client.post(entry_url(site), sheet_data(survey))

    response = clerk_client.post(entry_url(site), sheet_data(survey, **{"q-ogolna-ocena": "1"}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Arkusz nr 1 z partii „skrzynka BOI, marzec 2026” został już wprowadzony" in html
    assert "Anna Nowak" in html
    assert SurveyResponse.objects.count() == 1
    # The cursor goes to the sheet number to correct, not to the first question.
    assert re.search(r'<input[^>]*name="sheet_number"[^>]*autofocus', html)
    assert html.count("autofocus") == 1


def test_an_answer_to_correct_gets_the_cursor(clerk_client, survey, site):
    response = clerk_client.post(entry_url(site), sheet_data(survey, **{"q-ogolna-ocena": "7"}))

    html = response.content.decode()
    assert re.search(r'<input[^>]*id="id_q-ogolna-ocena_0"[^>]*autofocus', html)
    assert html.count("autofocus") == 1


def test_a_busy_database_keeps_the_typed_sheet(clerk_client, survey, site, monkeypatch):
    from django.db import OperationalError

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(type(SurveyResponse.objects), "record", busy)

    response = clerk_client.post(entry_url(site), sheet_data(survey))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Baza danych była zajęta i niczego nie zapisano. Zapisz ponownie." in html
    assert "Prosimy o więcej krzeseł." in html
    assert SurveyResponse.objects.count() == 0
    assert Answer.objects.count() == 0


def test_the_same_sheet_number_in_another_batch_is_fine(clerk_client, survey, site):
    clerk_client.post(entry_url(site), sheet_data(survey))
    clerk_client.post(entry_url(site), sheet_data(survey, batch="skrzynka USC"))

    assert SurveyResponse.objects.count() == 2


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"q-ogolna-ocena": None}, "Wybierz ocenę."),
        ({"q-ogolna-ocena": "7"}, "Wybierz ocenę od 1 do 5."),
        ({"q-porownanie": "tak"}, "Wybierz jedną z podanych odpowiedzi."),
        ({"q-uwagi": "x" * 2001}, "Odpowiedź ma 2001 znaków"),
        ({"version": "999999"}, "Wybierz wersję ankiety tego urzędu."),
        ({"sheet_date": "2099-01-01"}, "Data na arkuszu nie może być z przyszłości."),
        ({"sheet_date": "2001-01-01"}, "arkusz tej wersji nie może być starszy"),
        ({"sheet_date": "31.02.2026"}, "Wpisz poprawną datę."),
        ({"sheet_number": "0"}, "Upewnij się, że ta wartość jest większa lub równa 1."),
    ],
)
def test_bad_sheets_are_refused_with_a_message(clerk_client, survey, site, overrides, message):
    response = clerk_client.post(entry_url(site), sheet_data(survey, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Arkusz nie został zapisany" in response.content.decode()
    assert SurveyResponse.objects.count() == 0
    assert Answer.objects.count() == 0


def test_version_and_department_of_another_office_are_refused(
    clerk_client, survey, site, other_office_survey
):
    foreign_department = Department.objects.get(name="Referat Podatków")

    wrong_version = clerk_client.post(
        entry_url(site), sheet_data(survey, version=str(other_office_survey.current_version.pk))
    )
    wrong_department = clerk_client.post(
        entry_url(site), sheet_data(survey, **{"q-wydzial": str(foreign_department.pk)})
    )

    assert "Wybierz wersję ankiety tego urzędu." in wrong_version.content.decode()
    assert "Wybierz jeden z wymienionych wydziałów urzędu." in wrong_department.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_a_sheet_of_an_earlier_version_is_entered_against_it(clerk_client, survey, site):
    old_version = survey.current_version
    questions = [item for item in survey.questions.raw_data if item["value"]["key"] != "uwagi"]
    survey.questions = questions
    survey.save_revision().publish()
    survey = SurveyPage.objects.get(pk=survey.pk)

    form = clerk_client.get(f"{entry_url(site)}?version={old_version.pk}").content.decode()
    response = clerk_client.post(entry_url(site), sheet_data(survey, version=str(old_version.pk)))

    assert "Uwagi, opinie i propozycje zmian" in form
    assert response.status_code == 302
    saved = SurveyResponse.objects.get()
    assert saved.version == old_version
    assert saved.answers.filter(question__key="uwagi").exists()


def test_a_department_deactivated_since_printing_can_still_be_entered(
    clerk_client, survey, site, office
):
    department = office.departments.get(name="Inne")
    department.is_active = False
    department.save()

    form = clerk_client.get(entry_url(site)).content.decode()
    response = clerk_client.post(
        entry_url(site), sheet_data(survey, **{"q-wydzial": str(department.pk)})
    )

    assert "Inne (nieaktywny)" in form
    assert response.status_code == 302
    assert SurveyResponse.objects.get().department == department


def test_office_without_a_published_survey_gets_an_explanation(clerk_client, site, office):
    response = clerk_client.get(entry_url(site))

    assert response.status_code == 200
    assert "nie ma opublikowanej ankiety" in response.content.decode()
    assert clerk_client.post(entry_url(site), {"version": "1"}).status_code == 200
    assert SurveyResponse.objects.count() == 0


def test_one_office_goes_straight_to_its_form(local_clerk_client, site, survey):
    response = local_clerk_client.get("/admin/ocena/paper/")

    assert response["Location"] == entry_url(site)


def test_several_offices_are_offered(clerk_client, survey, other_office_survey):
    html = clerk_client.get("/admin/ocena/paper/").content.decode()

    assert "Urząd Miejski w Koronowie" in html
    assert "Urząd Gminy Sicienko" in html


class TestCorrections:
    def test_a_paper_response_is_corrected_and_logged(self, clerk_client, clerk, survey, site):
        clerk_client.post(entry_url(site), sheet_data(survey))
        saved = SurveyResponse.objects.get()
        url = f"/admin/ocena/responses/{saved.pk}/correct/"

        form = clerk_client.get(url).content.decode()
        data = sheet_data(survey, **{"q-czas-oczekiwania": "5", "sheet_number": "7"})
        del data["version"]
        response = clerk_client.post(url, data)

        assert re.search(r'name="q-czas-oczekiwania" value="3"[^>]*checked', form)
        assert response.status_code == 302
        saved.refresh_from_db()
        assert saved.sheet_number == 7
        assert saved.answers.get(question__key="czas-oczekiwania").rating == 5
        assert saved.answers.count() == 6
        entry = ModelLogEntry.objects.get(action="wagtail_ocena.paper_response.correct")
        assert entry.user == clerk
        assert sorted(entry.data["changed"]) == ["czas-oczekiwania", "sheet_number"]

    def test_a_sheet_whose_clerk_is_gone_can_be_corrected(self, clerk_client, survey, site):
        clerk_client.post(entry_url(site), sheet_data(survey))
        saved = SurveyResponse.objects.get()
        SurveyResponse.objects.filter(pk=saved.pk).update(entered_by=None)  # account deleted

        form = clerk_client.get(f"/admin/ocena/responses/{saved.pk}/correct/")

        assert form.status_code == 200
        assert "wprowadził(a) –," in form.content.decode()

    def test_a_correction_cannot_take_another_sheets_number(self, clerk_client, survey, site):
        clerk_client.post(entry_url(site), sheet_data(survey))
        clerk_client.post(entry_url(site), sheet_data(survey, sheet_number="2"))
        second = SurveyResponse.objects.get(sheet_number=2)

        data = sheet_data(survey, sheet_number="1")
        del data["version"]
        response = clerk_client.post(f"/admin/ocena/responses/{second.pk}/correct/", data)

        assert "został już wprowadzony" in response.content.decode()
        second.refresh_from_db()
        assert second.sheet_number == 2

    def test_electronic_responses_cannot_be_corrected(self, clerk_client, survey):
        electronic = record_response(survey)

        response = clerk_client.post(
            f"/admin/ocena/responses/{electronic.pk}/correct/", {}, follow=True
        )

        assert "Ankiet elektronicznych nie można poprawiać" in response.content.decode()
        assert electronic.answers.count() == 2

    def test_deleting_asks_first_and_is_logged(self, clerk_client, clerk, survey):
        electronic = record_response(survey, {"ogolna-ocena": "1"})
        url = f"/admin/ocena/responses/{electronic.pk}/delete/"

        confirmation = clerk_client.get(url)
        response = clerk_client.post(url)

        assert "Usunąć tę ankietę?" in confirmation.content.decode()
        assert response.status_code == 302
        assert not SurveyResponse.objects.exists()
        assert not Answer.objects.exists()
        entry = ModelLogEntry.objects.get(action="wagtail_ocena.response.delete")
        assert entry.user == clerk
        assert entry.deleted
        assert entry.data["channel"] == "electronic"


class TestListing:
    def test_lists_and_filters_responses(self, clerk_client, clerk, survey, site):
        clerk_client.post(entry_url(site), sheet_data(survey))
        clerk_client.post(entry_url(site), sheet_data(survey, batch="skrzynka USC"))
        record_response(survey)

        everything = clerk_client.get("/admin/wagtail_ocena/surveyresponse/").content.decode()
        paper = clerk_client.get(
            "/admin/wagtail_ocena/surveyresponse/?channel__exact=paper"
        ).content.decode()
        usc = clerk_client.get(
            "/admin/wagtail_ocena/surveyresponse/?batch__exact=skrzynka+USC"
        ).content.decode()
        by_clerk = clerk_client.get(
            f"/admin/wagtail_ocena/surveyresponse/?entered_by={clerk.pk}"
        ).content.decode()

        assert everything.count("/delete/") == 3
        assert "<h3>Partia</h3>" in everything and "Przez" not in everything
        assert paper.count("/delete/") == 2
        assert usc.count("/delete/") == 1
        assert by_clerk.count("/delete/") == 2
        # Only paper sheets can be corrected.
        assert everything.count("/correct/") == 2

    def test_inspecting_shows_the_answers(self, clerk_client, survey, site):
        clerk_client.post(entry_url(site), sheet_data(survey))
        saved = SurveyResponse.objects.get()

        html = clerk_client.get(
            f"/admin/wagtail_ocena/surveyresponse/inspect/{saved.pk}/"
        ).content.decode()

        assert "Czas oczekiwania na obsługę — 3" in html

    def test_the_listing_cannot_edit_or_create_by_itself(self, clerk_client, survey):
        saved = record_response(survey)

        assert clerk_client.get("/admin/wagtail_ocena/surveyresponse/create/").status_code == 403
        assert (
            clerk_client.get(f"/admin/wagtail_ocena/surveyresponse/edit/{saved.pk}/").status_code
            == 403
        )


ADMIN_URLS = [
    "/admin/wagtail_ocena/surveyresponse/history/{response}/",
    "/admin/wagtail_ocena/surveyresponse/create/",
    "/admin/wagtail_ocena/surveyresponse/edit/{response}/",
    "/admin/wagtail_ocena/surveyresponse/delete/{response}/",
    "/admin/ocena/paper/",
    "/admin/ocena/paper/{site}/",
    "/admin/ocena/printable/",
    "/admin/ocena/printable/{survey}/",
    "/admin/ocena/responses/{response}/correct/",
    "/admin/ocena/responses/{response}/delete/",
    "/admin/wagtail_ocena/surveyresponse/",
    "/admin/wagtail_ocena/surveyresponse/inspect/{response}/",
    # A response that does not exist: refused as well, not "not found".
    "/admin/ocena/responses/{unknown}/correct/",
    "/admin/ocena/responses/{unknown}/delete/",
    "/admin/wagtail_ocena/surveyresponse/inspect/{unknown}/",
    "/admin/wagtail_ocena/surveyresponse/history/{unknown}/",
]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_users_without_permission_are_refused(editor_client, survey, site, url):
    saved = record_response(survey, channel=Channel.PAPER, batch="b", sheet_number=1)
    url = url.format(site=site.pk, survey=survey.pk, response=saved.pk, unknown=uuid.uuid4())

    for method in (editor_client.get, editor_client.post):
        response = method(url)
        assert response.status_code == 403, url
        assert "ocena" not in response.content.decode().lower()
    assert SurveyResponse.objects.count() == 1


def test_the_menu_shows_only_what_the_user_may_do(editor_client, clerk_client, survey):
    editor_home = editor_client.get("/admin/").content.decode()
    clerk_home = clerk_client.get("/admin/").content.decode()

    # The sidebar menu is JSON inside the page.
    def label(text):
        return json.dumps(text)[1:-1]

    assert label("Ocena Urzędu") not in editor_home
    assert label("Ocena Urzędu") in clerk_home
    assert label("Wprowadź ankietę (papierową)") in clerk_home
    assert label("Pobierz ankietę do wydrukowania") in clerk_home
    assert label("Wypełnione ankiety") in clerk_home


def test_a_clerk_of_one_office_works_only_there(
    local_clerk_client, survey, site, other_office_survey
):
    other_site = other_office_survey.get_site()
    mine = record_response(survey, channel=Channel.PAPER, batch="a", sheet_number=1)
    theirs = record_response(other_office_survey, channel=Channel.PAPER, batch="a", sheet_number=1)

    assert local_clerk_client.get(entry_url(site)).status_code == 200
    # Another office's ids are answered as ids that exist nowhere.
    assert local_clerk_client.get(entry_url(other_site)).status_code == 404
    assert (
        local_clerk_client.get(f"/admin/ocena/printable/{other_office_survey.pk}/").status_code
        == 404
    )
    assert local_clerk_client.get(f"/admin/ocena/responses/{theirs.pk}/correct/").status_code == 404
    assert (
        local_clerk_client.get(
            f"/admin/wagtail_ocena/surveyresponse/history/{theirs.pk}/"
        ).status_code
        == 404
    )
    assert (
        local_clerk_client.get(
            f"/admin/wagtail_ocena/surveyresponse/history/{mine.pk}/"
        ).status_code
        == 200
    )
    listing = local_clerk_client.get("/admin/wagtail_ocena/surveyresponse/").content.decode()
    assert str(mine.pk) in listing
    assert str(theirs.pk) not in listing
    # Without the delete permission there is no delete button, and the view refuses.
    assert "/delete/" not in listing
    assert local_clerk_client.post(f"/admin/ocena/responses/{mine.pk}/delete/").status_code == 403


def test_an_office_inside_another_offices_tree_keeps_its_own_surveys(
    local_clerk_client, survey, site, home
):
    """A county site at / with a gmina's site rooted at /gmina/: two offices, one tree."""
    nested_home = home.add_child(instance=HomePage(title="Urząd Gminy Dobrcz", slug="dobrcz"))
    nested_site = Site.objects.create(hostname="dobrcz.example", root_page=nested_home)
    make_office(nested_site, "Urząd Gminy Dobrcz", ["Sekretariat"])
    nested_survey = publish_survey(nested_home, slug="ankieta-dobrcz")

    form = local_clerk_client.get(entry_url(site)).content.decode()
    offices = local_clerk_client.get("/admin/ocena/printable/").content.decode()
    wrong_version = local_clerk_client.post(
        entry_url(site), sheet_data(survey, version=str(nested_survey.current_version.pk))
    )

    assert nested_survey.current_version.code not in form
    assert f"/admin/ocena/printable/{survey.pk}/" in offices
    assert f"/admin/ocena/printable/{nested_survey.pk}/" not in offices
    assert "Wybierz wersję ankiety tego urzędu." in wrong_version.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_office_permissions_are_given_in_the_group_editor(admin_client, site):
    group = Group.objects.create(name="Sekretariat")
    prefix = "wagtail_ocena_office_permissions"

    page = admin_client.get(f"/admin/groups/edit/{group.pk}/").content.decode()
    response = admin_client.post(
        f"/admin/groups/edit/{group.pk}/",
        {
            "name": "Sekretariat",
            f"{prefix}-enter_paper_surveyresponse": [str(site.pk)],
            **group_form_management(),
        },
    )

    assert "Ocena Urzędu: urzędy" in page
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(
        GroupSitePermission.objects.filter(group=group).values_list("permission__codename", "site")
    ) == [("enter_paper_surveyresponse", site.pk)]


def group_form_management():
    """The management forms of Wagtail's other group permission formsets, left empty."""
    data = {}
    for prefix in (
        "page_permissions",
        "collection_permissions",
        "document_permissions",
        "image_permissions",
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


@pytest.mark.parametrize(
    "codename, allowed, refused",
    [
        (
            "download_printable_surveyresponse",
            ["/admin/ocena/printable/"],
            ["/admin/ocena/paper/", "/admin/wagtail_ocena/surveyresponse/"],
        ),
        (
            "view_surveyresponse",
            ["/admin/wagtail_ocena/surveyresponse/"],
            ["/admin/ocena/paper/", "/admin/ocena/printable/"],
        ),
        (
            "delete_surveyresponse",
            ["/admin/wagtail_ocena/surveyresponse/"],
            ["/admin/ocena/paper/", "/admin/ocena/printable/", "/admin/ocena/reports/"],
        ),
        (
            "generate_generatedreport",
            ["/admin/ocena/reports/"],
            ["/admin/wagtail_ocena/generatedreport/", "/admin/wagtail_ocena/surveyresponse/"],
        ),
        (
            "view_generatedreport",
            ["/admin/wagtail_ocena/generatedreport/"],
            ["/admin/ocena/reports/", "/admin/ocena/paper/"],
        ),
    ],
)
def test_each_permission_opens_its_own_function_only(
    django_user_model, survey, codename, allowed, refused
):
    user = django_user_model.objects.create_user("czesciowy", password="x")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename=codename)
    )
    client = logged_in(user)
    menu = client.get("/admin/").content.decode()

    for url in allowed:
        assert client.get(url, follow=True).status_code == 200, url
        assert json.dumps(MENU_LABELS[url])[1:-1] in menu, url
    for url in refused:
        assert client.get(url).status_code == 403, url
        assert json.dumps(MENU_LABELS[url])[1:-1] not in menu, url


# The menu item of each function: shown exactly when its view opens.
MENU_LABELS = {
    "/admin/ocena/paper/": "Wprowadź ankietę (papierową)",
    "/admin/ocena/printable/": "Pobierz ankietę do wydrukowania",
    "/admin/wagtail_ocena/surveyresponse/": "Wypełnione ankiety",
    "/admin/ocena/reports/": "Generuj raport",
    "/admin/wagtail_ocena/generatedreport/": "Archiwum raportów",
}


def test_a_sheet_saved_meanwhile_by_someone_else_gets_the_duplicate_message(
    clerk_client, survey, site, monkeypatch
):
    from wagtail_ocena.forms import PaperSheetForm

    # A colleague's identical sheet lands between our form's check and our save: the
    # form does not see it, the database's unique constraint does.
    record_response(
        survey, channel=Channel.PAPER, batch="skrzynka BOI, marzec 2026", sheet_number=1
    )
    real_check = PaperSheetForm.add_duplicate_error
    checks = []

    def check_too_early(form):
        checks.append(form)
        if len(checks) > 1:
            real_check(form)

    monkeypatch.setattr(PaperSheetForm, "add_duplicate_error", check_too_early)

    response = clerk_client.post(entry_url(site), sheet_data(survey))

    assert len(checks) == 2
    assert "został już wprowadzony" in response.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_correcting_a_response_deleted_meanwhile_does_not_bring_it_back(clerk_client, survey, site):
    clerk_client.post(entry_url(site), sheet_data(survey))
    saved = SurveyResponse.objects.get()
    url = f"/admin/ocena/responses/{saved.pk}/correct/"
    form_data = sheet_data(survey)
    del form_data["version"]
    clerk_client.get(url)
    SurveyResponse.objects.filter(pk=saved.pk).delete()

    response = clerk_client.post(url, form_data)

    assert response.status_code in (302, 404)
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"batch": ""}, "batch", "Podaj partię"),
        ({"sheet_number": "99999999999999999999"}, "sheet_number", "Upewnij się, że ta wartość"),
    ],
)
def test_sheet_number_rules(clerk_client, survey, site, overrides, field, message):
    response = clerk_client.post(entry_url(site), sheet_data(survey, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_sheets_can_be_entered_after_the_survey_is_unpublished(clerk_client, survey, site):
    survey.unpublish()

    form = clerk_client.get(entry_url(site)).content.decode()
    response = clerk_client.post(entry_url(site), sheet_data(survey))

    assert "nie ma opublikowanej ankiety" not in form
    assert survey.current_version.code in form
    assert response.status_code == 302


def test_correcting_multiple_choice_and_department(clerk_client, home, office):
    from .conftest import publish_survey

    survey = publish_survey(
        home,
        slug="krotka",
        questions=[
            {
                "type": "department",
                "value": {"key": "wydzial", "text": "Wydział", "help_text": "", "required": True},
            },
            {
                "type": "multiple_choice",
                "value": {
                    "key": "kanaly",
                    "text": "Skąd wiesz o ankiecie?",
                    "help_text": "",
                    "required": False,
                    "options": [
                        {"key": "strona", "label": "ze strony"},
                        {"key": "plakat", "label": "z plakatu"},
                        {"key": "urzednik", "label": "od urzędnika"},
                    ],
                },
            },
        ],
    )
    site = survey.get_site()
    usc, taxes, _other = office.departments.order_by("sort_order")
    data = {
        "version": survey.current_version.pk,
        "batch": "b",
        "sheet_number": "1",
        "next": "sheet",
    }
    clerk_client.post(
        entry_url(site), {**data, "q-wydzial": usc.pk, "q-kanaly": ["strona", "plakat"]}
    )
    saved = SurveyResponse.objects.get()
    del data["version"]

    clerk_client.post(
        f"/admin/ocena/responses/{saved.pk}/correct/",
        {**data, "q-wydzial": taxes.pk, "q-kanaly": ["urzednik"]},
    )

    saved.refresh_from_db()
    assert saved.department == taxes
    assert list(
        saved.answers.filter(option__isnull=False).values_list("option__key", flat=True)
    ) == ["urzednik"]
