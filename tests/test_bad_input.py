"""Every kind of bad submission gets a clear message in the page, and nothing is saved."""

import re

import pytest

from wagtail_ocena.models import (
    Answer,
    DailyDepartmentRating,
    DailyResponseCount,
    SurveyPage,
    SurveyResponse,
    UsedFormToken,
)
from wagtail_ocena.protection import HONEYPOT_FIELD, TOKEN_FIELD, FormToken

from .conftest import BrowserClient, form_token, inserts_fail, valid_answers

pytestmark = pytest.mark.django_db


def assert_nothing_saved():
    assert SurveyResponse.objects.count() == 0
    assert Answer.objects.count() == 0


def error_summary(response):
    html = response.content.decode()
    match = re.search(r'<div class="ocena-error-summary".*?</div>', html, re.S)
    assert match, "the page has no error summary"
    return match.group(0)


def rendered_token(response, page):
    """The token of the re-rendered form, by content: its signature's timestamp is new."""
    html = response.content.decode()
    match = re.search(rf'name="{TOKEN_FIELD}" value="([^"]*)"', html)
    assert match, "the page has no form token"
    return FormToken.read(match.group(1), page.pk)


def test_missing_required_answer(client, survey):
    data = valid_answers(survey)
    del data["q-ogolna-ocena"]

    response = client.post(survey.url, data)

    assert response.status_code == 400
    summary = error_summary(response)
    assert "Wybierz ocenę." in summary
    assert 'href="#id_q-ogolna-ocena_0"' in summary
    html = response.content.decode()
    assert html.count('class="ocena-question__error"') == 1
    assert 'id="id_q-ogolna-ocena-error"' in html
    assert "<title>Błąd:" in html
    # The answers already given are kept for the resident.
    assert 'value="4" id="id_q-czas-oczekiwania_3" required checked' in html or re.search(
        r'name="q-czas-oczekiwania" value="4"[^>]*checked', html
    )
    assert_nothing_saved()


@pytest.mark.parametrize("value", ["6", "0", "-1", "3.5", "bardzo dobrze", ""])
def test_rating_outside_the_scale(client, survey, value):
    response = client.post(survey.url, valid_answers(survey, **{"q-ogolna-ocena": value}))

    assert response.status_code == 400
    expected = "Wybierz ocenę." if value == "" else "Wybierz ocenę od 1 do 5."
    assert expected in error_summary(response)
    assert_nothing_saved()


def test_not_applicable_where_the_question_does_not_offer_it(client, survey):
    response = client.post(survey.url, valid_answers(survey, **{"q-ogolna-ocena": "na"}))

    assert response.status_code == 400
    assert "Wybierz ocenę od 1 do 5." in error_summary(response)
    assert_nothing_saved()


def test_choice_of_another_question(client, survey):
    # "tak" is an answer of "Was your matter dealt with?", not of the comparison question.
    response = client.post(survey.url, valid_answers(survey, **{"q-porownanie": "tak"}))

    assert response.status_code == 400
    assert "Wybierz jedną z podanych odpowiedzi." in error_summary(response)
    assert_nothing_saved()


def test_choice_of_another_survey_version(client, survey):
    old_version = survey.current_version
    questions = survey.questions.raw_data
    for item in questions:
        if item["value"]["key"] == "porownanie":
            item["value"]["options"].append({"key": "znacznie-lepsza", "label": "znacznie lepsza"})
    survey.questions = questions
    survey.save_revision().publish()
    survey.refresh_from_db()
    assert survey.current_version.number == 2

    # A form rendered with version 1 cannot carry an answer that exists only in version 2.
    response = client.post(
        survey.url,
        valid_answers(survey, version=old_version, **{"q-porownanie": "znacznie-lepsza"}),
    )

    assert response.status_code == 400
    assert "Wybierz jedną z podanych odpowiedzi." in error_summary(response)
    assert_nothing_saved()


def test_department_of_another_office(client, survey, other_office_survey):
    from wagtail_ocena.models import Department

    foreign = Department.objects.get(name="Referat Podatków")

    response = client.post(survey.url, valid_answers(survey, **{"q-wydzial": str(foreign.pk)}))

    assert response.status_code == 400
    assert "Wybierz jeden z wymienionych wydziałów urzędu." in error_summary(response)
    assert_nothing_saved()


@pytest.mark.parametrize("value", ["999999", "abc"])
def test_department_that_does_not_exist(client, survey, value):
    response = client.post(survey.url, valid_answers(survey, **{"q-wydzial": value}))

    assert response.status_code == 400
    assert "Wybierz jeden z wymienionych wydziałów urzędu." in error_summary(response)
    assert_nothing_saved()


def test_inactive_department(client, survey, office):
    department = office.departments.first()
    department.is_active = False
    department.save()

    html = client.get(survey.url).content.decode()
    assert department.name not in html
    response = client.post(survey.url, valid_answers(survey, **{"q-wydzial": str(department.pk)}))

    assert response.status_code == 400
    assert "Wybierz jeden z wymienionych wydziałów urzędu." in error_summary(response)
    assert_nothing_saved()


def test_stale_version_is_answered_as_rendered_never_mixed(client, survey):
    old_version = survey.current_version
    data = valid_answers(survey)  # rendered before the survey changes
    questions = [item for item in survey.questions.raw_data if item["value"]["key"] != "uwagi"]
    questions.append(
        {
            "type": "rating",
            "value": {
                "key": "parking",
                "text": "Parking przy urzędzie",
                "help_text": "",
                "required": True,
                "allow_not_applicable": True,
                "scale": {f"label_{i}": str(i) for i in range(1, 6)},
            },
        }
    )
    survey.questions = questions
    survey.save_revision().publish()
    survey.refresh_from_db()
    new_version = survey.current_version
    assert new_version.number == 2

    response = client.post(survey.url, data)

    assert response.status_code == 303
    saved = SurveyResponse.objects.get()
    assert saved.version == old_version
    assert set(saved.answers.values_list("question__version", flat=True)) == {old_version.pk}
    assert saved.answers.filter(question__key="uwagi").exists()


def test_repeated_multiple_choice_answers_count_once(client, home, office):
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
                    ],
                },
            }
        ],
    )

    response = client.post(survey.url, valid_answers(survey, **{"q-kanaly": ["strona"] * 3}))

    assert response.status_code == 303
    assert list(Answer.objects.values_list("option__key", flat=True)) == ["strona"]


def test_line_breaks_count_as_the_browser_counts_them(client, survey):
    # 1990 letters and 10 line breaks: 2000 characters in the browser, 2010 bytes as CR LF.
    text = "\r\n".join(["a" * 199] * 10) + "a" * 1

    response = client.post(survey.url, valid_answers(survey, **{"q-uwagi": text}))

    assert response.status_code == 303
    saved = Answer.objects.get(question__key="uwagi").text
    assert len(saved) == 2000
    assert "\r" not in saved


def test_office_without_departments_can_still_be_answered(client, survey, office):
    office.departments.update(is_active=False)

    html = client.get(survey.url).content.decode()
    data = valid_answers(survey)
    del data["q-wydzial"]
    response = client.post(survey.url, data)

    assert "W którym wydziale" not in html
    assert response.status_code == 303
    assert SurveyResponse.objects.get().department is None


def test_over_long_free_text(client, survey):
    text = "ą" * 2001

    response = client.post(survey.url, valid_answers(survey, **{"q-uwagi": text}))

    assert response.status_code == 400
    assert "Odpowiedź ma 2001 znaków, a limit to 2000. Prosimy ją skrócić." in error_summary(
        response
    )
    assert_nothing_saved()


def test_free_text_with_a_null_character(client, survey):
    response = client.post(survey.url, valid_answers(survey, **{"q-uwagi": "abc\x00def"}))

    assert response.status_code == 400
    assert "Znaki null są niedozwolone." in error_summary(response)
    assert_nothing_saved()


def test_invisible_control_characters_are_dropped_from_free_text(client, survey):
    response = client.post(
        survey.url, valid_answers(survey, **{"q-uwagi": "Za\x0bmało\x1b krzeseł\tprzy\x7f oknie"})
    )

    assert response.status_code == 303
    assert Answer.objects.get(question__key="uwagi").text == "Zamało krzeseł\tprzy oknie"


def test_post_without_csrf_token_gets_a_readable_page(survey):
    client = BrowserClient(enforce_csrf_checks=True)

    response = client.post(survey.url, valid_answers(survey))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Formularza nie udało się wysłać" in html
    assert f'href="{survey.url}"' in html
    assert_nothing_saved()


def test_post_with_csrf_token_from_a_real_form(survey):
    client = BrowserClient(enforce_csrf_checks=True)
    page = client.get(survey.url).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(survey.url, valid_answers(survey, csrfmiddlewaretoken=csrf))

    assert response.status_code == 303
    assert SurveyResponse.objects.count() == 1


def test_honeypot_filled(client, survey):
    response = client.post(
        survey.url, valid_answers(survey, **{HONEYPOT_FIELD: "http://spam.example"})
    )

    assert response.status_code == 400
    assert "pole, które powinno pozostać puste" in error_summary(response)
    html = response.content.decode()
    assert f'name="{HONEYPOT_FIELD}" id="id_{HONEYPOT_FIELD}" value=""' in html
    assert "spam.example" not in html
    assert_nothing_saved()


def test_replayed_submission_is_saved_once(client, survey):
    data = valid_answers(survey)
    assert client.post(survey.url, data).status_code == 303

    # A double click, or Back and send again: the resident lands on the thank-you page.
    replay = client.post(survey.url, data)

    assert replay.status_code == 303
    assert replay["Location"] == survey.get_thank_you_url() + "?ponownie"
    page = client.get(replay["Location"]).content.decode()
    assert "Ta ankieta została już wysłana." in page
    assert SurveyResponse.objects.count() == 1
    first_time = client.get(survey.get_thank_you_url()).content.decode()
    assert "została już wysłana" not in first_time


def test_too_fast_submission_keeps_answers_and_token(client, survey, settings):
    settings.WAGTAIL_OCENA_MIN_FILL_SECONDS = 5
    token = form_token(survey, age=1)

    response = client.post(survey.url, valid_answers(survey, **{TOKEN_FIELD: token}))

    assert response.status_code == 400
    assert "szybciej, niż da się" in error_summary(response)
    assert rendered_token(response, survey) == FormToken.read(token, survey.pk)
    assert_nothing_saved()


def test_expired_form_of_a_replaced_version_comes_back_as_the_current_one(client, survey, settings):
    settings.WAGTAIL_OCENA_FORM_MAX_AGE = 3600
    old_version = survey.current_version
    data = valid_answers(survey, **{TOKEN_FIELD: form_token(survey, age=3601)})
    questions = [item for item in survey.questions.raw_data if item["value"]["key"] != "uwagi"]
    survey.questions = questions
    survey.save_revision().publish()

    response = client.post(survey.url, data)

    assert response.status_code == 400
    assert "wygasła" in error_summary(response)
    html = response.content.decode()
    assert "Uwagi, opinie" not in html
    # Answers carry over to the same questions of the current version.
    assert re.search(r'name="q-czas-oczekiwania" value="4"[^>]*checked', html)
    assert old_version != SurveyPage.objects.get(pk=survey.pk).current_version
    assert_nothing_saved()


def test_expired_form(client, survey, settings):
    settings.WAGTAIL_OCENA_FORM_MAX_AGE = 3600
    token = form_token(survey, age=3601)

    response = client.post(survey.url, valid_answers(survey, **{TOKEN_FIELD: token}))

    assert response.status_code == 400
    assert "wygasła" in error_summary(response)
    expired, fresh = FormToken.read(token, survey.pk), rendered_token(response, survey)
    assert fresh.nonce != expired.nonce
    assert fresh.issued_at >= expired.issued_at + 3601
    assert_nothing_saved()


@pytest.mark.parametrize("token", ["", "forged", "eyJwIjoxfQ:1abc:xyz"])
def test_missing_or_forged_token(client, survey, token):
    response = client.post(survey.url, valid_answers(survey, **{TOKEN_FIELD: token}))

    assert response.status_code == 400
    assert "kodu zabezpieczającego" in error_summary(response)
    assert_nothing_saved()


def test_token_of_another_survey(client, survey, other_office_survey):
    response = client.post(
        survey.url,
        valid_answers(survey, **{TOKEN_FIELD: form_token(other_office_survey)}),
    )

    assert response.status_code == 400
    assert "kodu zabezpieczającego" in error_summary(response)
    assert_nothing_saved()


def test_rate_limit(client, survey, settings):
    settings.WAGTAIL_OCENA_RATE_LIMIT_POSTS = 3
    for _ in range(3):
        assert client.post(survey.url, valid_answers(survey)).status_code == 303

    response = client.post(survey.url, valid_answers(survey))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Wysłano zbyt wiele ankiet" in html
    minutes = -(-int(response["Retry-After"]) // 60)
    assert f"Prosimy spróbować ponownie za {minutes} minut" in html
    assert SurveyResponse.objects.count() == 3
    # Another client is not affected.
    other = client.post(survey.url, valid_answers(survey), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 303


def test_rate_limit_behind_a_proxy_uses_the_address_the_proxy_saw(client, survey, settings):
    settings.WAGTAIL_OCENA_RATE_LIMIT_POSTS = 1
    settings.WAGTAIL_OCENA_TRUSTED_PROXY_COUNT = 1

    first = client.post(
        survey.url, valid_answers(survey), HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5"
    )
    # A client cannot escape the limit by making up the first address.
    second = client.post(
        survey.url, valid_answers(survey), HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5"
    )

    assert first.status_code == 303
    assert second.status_code == 429


def test_unpublished_survey_cannot_be_seen_or_answered(client, survey):
    data = valid_answers(survey)
    survey.unpublish()

    assert client.get("/ankieta/").status_code == 404
    response = client.post("/ankieta/", data)

    assert response.status_code == 404
    assert "nie jest opublikowana" in response.content.decode()
    assert_nothing_saved()


@pytest.mark.parametrize("failing", [Answer, DailyDepartmentRating])
def test_saving_is_all_or_nothing(client, survey, failing):
    client.raise_request_exception = False
    data = valid_answers(survey)

    # The answers fail, or the last of the counts, after everything else was written.
    with inserts_fail(failing):
        response = client.post(survey.url, data)

    assert response.status_code == 500
    assert_nothing_saved()
    assert not UsedFormToken.objects.exists()
    assert not DailyResponseCount.objects.exists()
    # The form token was not used up, so the resident can send the same form again.
    assert client.post(survey.url, data).status_code == 303
    assert SurveyResponse.objects.count() == 1


def test_a_questionnaire_without_any_answer_is_refused(client, survey):
    questions = survey.questions.raw_data
    for item in questions:
        item["value"]["required"] = False
    survey.questions = questions
    survey.save_revision().publish()
    survey = SurveyPage.objects.get(pk=survey.pk)

    response = client.post(survey.url, {TOKEN_FIELD: form_token(survey)})

    assert response.status_code == 400
    assert "Nie odpowiedziano na żadne pytanie." in error_summary(response)
    assert_nothing_saved()
    one_answer = {TOKEN_FIELD: form_token(survey), "q-ogolna-ocena": "5"}
    assert client.post(survey.url, one_answer).status_code == 303
