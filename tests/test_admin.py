import json

import pytest
from wagtail.models import Site
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Department, SurveyBanner, SurveyPage, SurveyResponse

from .conftest import record_response

pytestmark = pytest.mark.django_db


def settings_url(site):
    return f"/admin/settings/wagtail_ocena/officesettings/{site.pk}/"


def settings_form(office, departments):
    return nested_form_data(
        {
            "name": office.name,
            "address": office.address,
            "phone": "",
            "email": "",
            "website": "",
            "opening_hours": "",
            "logo": "",
            "departments": inline_formset(departments, initial=office.departments.count()),
        }
    )


def department_rows(office, **changes):
    """Inline form rows for the office's departments; ``changes`` maps a name to field updates."""
    rows = []
    for department in office.departments.order_by("sort_order"):
        row = {
            "id": department.pk,
            "name": department.name,
            "is_active": "on" if department.is_active else "",
        }
        row.update(changes.get(department.name, {}))
        rows.append(row)
    return rows


def record_for(department, survey):
    return record_response(
        survey, {"wydzial": department, "ogolna-ocena": "5"}, channel=Channel.PAPER
    )


def test_office_data_is_edited_in_the_site_settings(admin_client, site, office):
    response = admin_client.get(settings_url(site))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Urząd Miejski w Koronowie" in html
    assert "Podatki i opłaty lokalne" in html


def test_department_with_responses_can_be_renamed_and_deactivated(
    admin_client, site, office, survey
):
    department = office.departments.get(name="Podatki i opłaty lokalne")
    record_for(department, survey)
    rows = department_rows(office, **{department.name: {"name": "Podatki", "is_active": ""}})

    response = admin_client.post(settings_url(site), settings_form(office, rows))

    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "Podatki"
    assert department.is_active is False
    # It leaves the questionnaire but keeps its history.
    assert "Podatki" not in admin_client.get(survey.url).content.decode()
    assert department.responses.count() == 1


def test_department_with_responses_cannot_be_deleted(admin_client, site, office, survey):
    department = office.departments.get(name="Urząd Stanu Cywilnego")
    record_for(department, survey)
    rows = department_rows(office, **{department.name: {"DELETE": "1"}})

    response = admin_client.post(settings_url(site), settings_form(office, rows))

    assert response.status_code == 200
    html = response.content.decode()
    assert "nie można go usunąć" in html
    assert Department.objects.filter(pk=department.pk).exists()
    assert SurveyResponse.objects.filter(department=department).count() == 1


def test_department_without_responses_can_be_deleted(admin_client, site, office, survey):
    department = office.departments.get(name="Inne")
    rows = department_rows(office, **{department.name: {"DELETE": "1"}})

    response = admin_client.post(settings_url(site), settings_form(office, rows))

    assert response.status_code == 302
    assert not Department.objects.filter(pk=department.pk).exists()


def test_new_survey_page_form_offers_the_default_questionnaire(admin_client, home, office):
    response = admin_client.get(f"/admin/pages/add/wagtail_ocena/surveypage/{home.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    # The editor's block data is JSON inside the page.
    assert json.dumps("Czas oczekiwania na obsługę")[1:-1] in html
    assert json.dumps("Ocena 1–5")[1:-1] in html


def question_data(*questions):
    return streamfield([(kind, value) for kind, value in questions])


def publish_questions(admin_client, survey, questions):
    data = nested_form_data(
        {
            "title": survey.title,
            "slug": survey.slug,
            "intro": rich_text(""),
            "thank_you_text": rich_text("<p>Dziękujemy</p>"),
            "privacy_notice": rich_text(""),
            "questions": questions,
            "action-publish": "publish",
        }
    )
    return admin_client.post(f"/admin/pages/{survey.pk}/edit/", data)


def test_publishing_edited_questions_in_the_editor_creates_a_version(admin_client, survey):
    response = publish_questions(
        admin_client,
        survey,
        question_data(
            ("department", {"text": "Wydział", "help_text": "", "key": "wydzial"}),
            (
                "open_text",
                {
                    "text": "Co możemy poprawić?",
                    "help_text": "",
                    "key": "",
                    "max_length": "500",
                },
            ),
        ),
    )

    assert response.status_code == 302
    survey = SurveyPage.objects.get(pk=survey.pk)
    assert survey.current_version.number == 2
    questions = survey.current_version.load_questions()
    assert [(q.key, q.kind) for q in questions] == [
        ("wydzial", "department"),
        ("co-mozemy-poprawic", "open_text"),
    ]


def test_duplicate_question_keys_are_refused_in_the_editor(admin_client, survey):
    response = publish_questions(
        admin_client,
        survey,
        question_data(
            ("department", {"text": "Wydział", "help_text": "", "key": "x"}),
            (
                "open_text",
                {"text": "Uwagi", "help_text": "", "key": "x", "max_length": "500"},
            ),
        ),
    )

    assert response.status_code == 200
    assert json.dumps("Inne pytanie ma klucz „x”.")[1:-1] in response.content.decode()
    assert survey.versions.count() == 1


def test_survey_with_responses_cannot_be_deleted(admin_client, survey, office):
    record_for(office.departments.first(), survey)

    response = admin_client.post(f"/admin/pages/{survey.pk}/delete/", follow=True)

    assert "nie może zostać usunięta" in response.content.decode()
    assert SurveyPage.objects.filter(pk=survey.pk).exists()
    assert SurveyResponse.objects.count() == 1


def test_page_above_a_survey_with_responses_cannot_be_deleted(admin_client, home, survey, office):
    record_for(office.departments.first(), survey)

    response = admin_client.post(f"/admin/pages/{home.pk}/delete/", follow=True)

    assert "nie może zostać usunięta" in response.content.decode()
    assert SurveyPage.objects.filter(pk=survey.pk).exists()


def test_bulk_delete_keeps_survey_responses(admin_client, home, survey, office):
    record_for(office.departments.first(), survey)

    response = admin_client.post(
        f"/admin/bulk/wagtailcore/page/delete/?id={home.pk}", {"confirm": "1"}, follow=True
    )

    assert response.status_code == 200
    assert "nie może zostać usunięta" in response.content.decode()
    assert SurveyPage.objects.filter(pk=survey.pk).exists()
    assert SurveyResponse.objects.count() == 1


def test_the_site_of_an_office_with_responses_cannot_be_deleted(admin_client, site, survey, office):
    record_for(office.departments.first(), survey)

    response = admin_client.post(f"/admin/sites/delete/{site.pk}/", follow=True)

    assert response.status_code == 200
    assert Site.objects.filter(pk=site.pk).exists()
    assert SurveyResponse.objects.count() == 1


def test_survey_without_responses_can_be_deleted(admin_client, survey):
    response = admin_client.post(f"/admin/pages/{survey.pk}/delete/")

    assert response.status_code == 302
    assert not SurveyPage.objects.filter(pk=survey.pk).exists()


def test_editors_create_banners_as_snippets(admin_client, survey):
    response = admin_client.post(
        "/admin/snippets/wagtail_ocena/surveybanner/add/",
        {
            "heading": "Oceń Urząd",
            "text": "Trzy minuty",
            "survey_page": survey.pk,
            "style": "light",
        },
    )

    assert response.status_code == 302
    banner = SurveyBanner.objects.get()
    assert (banner.survey_page, banner.style) == (survey, "light")
    listing = admin_client.get("/admin/snippets/wagtail_ocena/surveybanner/").content.decode()
    assert "Oceń Urząd" in listing
