import re
import uuid

import pytest
from django.core.cache import caches
from django.utils import timezone
from django.utils.html import escape

from wagtail_ocena.models import Answer, SurveyPage, SurveyResponse

from .conftest import valid_answers

pytestmark = pytest.mark.django_db


def test_questionnaire_renders_each_question_as_an_accessible_group(client, survey):
    response = client.get(survey.url)

    assert response.status_code == 200
    html = response.content.decode()
    questions = survey.current_version.load_questions()
    choice_questions = [q for q in questions if q.kind != "open_text"]
    assert html.count("<fieldset") == len(choice_questions)
    assert html.count("<legend") == len(choice_questions)
    for question in questions:
        assert escape(question.text) in html
    # Every radio button and checkbox has a label tied to it by id.
    input_ids = re.findall(r'<input type="(?:radio|checkbox)"[^>]* id="([^"]+)"', html)
    assert input_ids
    for input_id in input_ids:
        assert f'<label class="ocena-option__label" for="{input_id}">' in html
    # The open question is a textarea with its own label.
    assert '<label class="ocena-question__title" for="id_q-uwagi">' in html
    assert 'lang="pl"' in html
    assert "<script" not in html


def test_questionnaire_is_in_polish(client, survey):
    html = client.get(survey.url).content.decode()

    assert "W którym wydziale" in html
    assert "Wyślij ankietę" in html
    assert "nie dotyczy / trudno powiedzieć" in html
    assert "(wymagane)" in html


def test_complete_survey_redirects_to_thank_you_page(client, survey):
    response = client.post(survey.url, valid_answers(survey))

    assert response.status_code == 303
    assert response["Location"] == survey.get_thank_you_url()
    thank_you = client.get(response["Location"])
    assert thank_you.status_code == 200
    assert "Dziękujemy za wypełnienie ankiety" in thank_you.content.decode()


def test_saved_response_holds_one_row_per_answer(client, survey, office):
    department = office.departments.get(name="Podatki i opłaty lokalne")
    data = valid_answers(
        survey,
        **{
            "q-wydzial": str(department.pk),
            "q-czas-oczekiwania": "2",
            "q-uprzejmosc": "na",
            "q-ogolna-ocena": "5",
            "q-porownanie": "lepsza",
            "q-uwagi": "Proszę o więcej krzeseł w poczekalni.",
        },
    )
    client.post(survey.url, data)

    response = SurveyResponse.objects.get()
    assert response.version == survey.current_version
    assert response.channel == "electronic"
    assert response.submitted_on == timezone.localdate()
    assert response.department == department
    answers = {
        answer.question.key: answer
        for answer in response.answers.select_related("question", "option")
    }
    assert len(answers) == len(survey.current_version.load_questions())
    assert answers["wydzial"].department == department
    assert answers["czas-oczekiwania"].rating == 2
    assert answers["uprzejmosc"].rating is None
    assert answers["uprzejmosc"].not_applicable is True
    assert answers["ogolna-ocena"].rating == 5
    assert answers["porownanie"].option.key == "lepsza"
    assert answers["uwagi"].text == "Proszę o więcej krzeseł w poczekalni."


def test_optional_questions_may_be_skipped(client, survey):
    version = survey.current_version
    data = valid_answers(survey)
    required = {q.field_name for q in version.load_questions() if q.required}
    data = {
        name: value for name, value in data.items() if not name.startswith("q-") or name in required
    }

    response = client.post(survey.url, data)

    assert response.status_code == 303
    saved = SurveyResponse.objects.get()
    assert {a.question.key for a in saved.answers.all()} == {"wydzial", "ogolna-ocena"}


def test_multiple_choice_answers_are_stored_one_row_per_option(client, home, office):
    from .conftest import publish_survey

    survey = publish_survey(
        home,
        questions=[
            {
                "type": "multiple_choice",
                "value": {
                    "key": "kanaly",
                    "text": "Skąd wiesz o ankiecie?",
                    "help_text": "",
                    "required": True,
                    "options": [
                        {"key": "strona", "label": "ze strony"},
                        {"key": "plakat", "label": "z plakatu"},
                        {"key": "urzednik", "label": "od urzędnika"},
                    ],
                },
            }
        ],
    )
    client.post(survey.url, valid_answers(survey, **{"q-kanaly": ["strona", "urzednik"]}))

    keys = Answer.objects.values_list("option__key", flat=True).order_by("option__position")
    assert list(keys) == ["strona", "urzednik"]


def test_nothing_identifying_is_stored_with_a_response(client, survey):
    client.post(
        survey.url,
        valid_answers(survey),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 (Test)",
    )

    response_fields = {field.name for field in SurveyResponse._meta.concrete_fields}
    answer_fields = {field.name for field in Answer._meta.concrete_fields}
    respondent_fields = {"id", "site", "version", "channel", "submitted_on", "department"}
    # Paper entry records the clerk's work and what is written on the sheet, nothing more.
    paper_fields = {"entered_by", "entered_at", "sheet_date", "batch", "sheet_number"}
    assert response_fields == respondent_fields | paper_fields
    assert answer_fields == {
        "id",
        "response",
        "question",
        "rating",
        "not_applicable",
        "option",
        "department",
        "text",
        # Whether the office removed the text (personal data), set by an administrator.
        "redacted",
    }
    saved = SurveyResponse.objects.get()
    assert (saved.entered_by, saved.entered_at, saved.batch, saved.sheet_number) == (
        None,
        None,
        "",
        None,
    )
    assert isinstance(saved.id, uuid.UUID)  # random: not even the order of submissions
    stored = " ".join(str(value) for value in SurveyResponse.objects.values().get().values())
    assert "203.0.113.7" not in stored
    assert "Mozilla" not in stored
    # The abuse controls keep only salted hashes in the cache.
    cache = caches["default"]
    keys = list(cache._cache.keys())
    assert keys
    assert not [key for key in keys if "203.0.113.7" in key]


def test_responses_count_for_the_office_the_survey_is_answered_on(client, survey, office):
    client.post(survey.url, valid_answers(survey))

    assert SurveyResponse.objects.get().site == survey.get_site()


def test_a_survey_moved_to_another_office_asks_about_that_offices_departments(
    client, survey, other_office_survey
):
    other_home = other_office_survey.get_parent()
    survey.slug = "ankieta-powiatowa"
    survey.save_revision().publish()
    survey.move(other_home, pos="last-child")
    survey = SurveyPage.objects.get(pk=survey.pk)
    other_site = other_home.get_site()

    html = client.get(survey.get_url(), HTTP_HOST=other_site.hostname).content.decode()
    response = client.post(survey.get_url(), valid_answers(survey), HTTP_HOST=other_site.hostname)

    assert "Referat Podatków" in html
    assert "Urząd Stanu Cywilnego" not in html
    assert response.status_code == 303
    saved = SurveyResponse.objects.get()
    assert saved.site == other_site
    assert saved.department.name == "Referat Podatków"


def test_preview_shows_draft_questions_without_a_send_button(survey):
    survey.questions = [
        {
            "type": "open_text",
            "value": {
                "key": "nowe",
                "text": "Nowe pytanie w wersji roboczej",
                "help_text": "",
                "required": False,
                "max_length": 300,
            },
        }
    ]
    survey.save_revision()
    draft = survey.get_latest_revision_as_object()

    response = draft.make_preview_request(preview_mode="")

    html = (
        response.rendered_content
        if hasattr(response, "rendered_content")
        else response.content.decode()
    )
    assert response.status_code == 200
    assert "Nowe pytanie w wersji roboczej" in html
    assert re.search(r'<button class="ocena-button" type="submit" disabled>', html)
    assert survey.current_version.number == 1


def test_survey_without_a_version_says_it_is_unavailable(client, home, office):
    from wagtail_ocena.models import SurveyPage

    page = home.add_child(
        instance=SurveyPage(title="Ankieta", slug="bez-wersji")
    )  # live, never published

    response = client.get(page.url)

    assert response.status_code == 503
    assert "Ankieta jest chwilowo niedostępna" in response.content.decode()
