import datetime

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from wagtail_ocena.models import (
    Answer,
    QuestionOption,
    SurveyPage,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from wagtail_ocena.questions import QuestionsBlock

from .conftest import inserts_fail, record_response

pytestmark = pytest.mark.django_db


def record(survey, **answers):
    return record_response(survey, answers)


def edit_question(survey, key, **changes):
    questions = survey.questions.raw_data
    for item in questions:
        if item["value"]["key"] == key:
            item["value"].update(changes)
    survey.questions = questions
    survey.save_revision().publish()
    return SurveyPage.objects.get(pk=survey.pk)


def test_new_survey_page_starts_with_the_default_polish_questionnaire(office):
    page = SurveyPage(title="Ankieta")
    questions = page.draft_questions()

    keys = [q.key for q in questions]
    assert len(keys) == len(set(keys)) == 23
    kinds = {q.kind for q in questions}
    assert kinds == {
        "department",
        "single_choice",
        "rating",
        "overall_rating",
        "open_text",
        "profile",
    }
    texts = {q.key: q.text for q in questions}
    assert (
        texts["wydzial"]
        == "W którym wydziale lub przy którym stanowisku załatwiał(a) Pan/Pani sprawę?"
    )
    assert texts["ogolna-ocena"].startswith("Jak ogólnie ocenia Pan/Pani")
    rating = next(q for q in questions if q.key == "czas-oczekiwania")
    assert rating.scale_labels == [
        "źle",
        "raczej źle",
        "średnio",
        "dobrze",
        "bardzo dobrze",
    ]
    assert rating.allow_not_applicable
    assert "anonimowa" in page.intro
    assert "Dziękujemy" in page.thank_you_text


def test_publishing_freezes_the_question_set(survey):
    version = survey.current_version

    assert version.number == 1
    assert version.code == f"A{survey.pk}.1"
    questions = version.load_questions()
    assert [q.key for q in questions] == [q.key for q in survey.draft_questions()]
    porownanie = next(q for q in questions if q.key == "porownanie")
    assert [o.key for o in porownanie.choice_options] == [
        "lepsza",
        "podobna",
        "gorsza",
        "nie-wiem",
    ]


def test_republishing_unchanged_questions_keeps_the_version(survey):
    survey.save_revision().publish()

    assert survey.versions.count() == 1


def test_text_only_edits_do_not_create_a_version(survey):
    survey.intro = "<p>Nowy wstęp</p>"
    survey.thank_you_text = "<p>Dziękujemy bardzo!</p>"
    survey.privacy_notice = "<p>Nowa klauzula</p>"
    survey.title = "Ankieta 2027"
    survey.save_revision().publish()

    assert survey.versions.count() == 1


def test_changing_questions_creates_a_version_and_keeps_past_answers(survey):
    response = record(survey, **{"czas-oczekiwania": "2", "porownanie": "lepsza"})
    old_version = survey.current_version

    survey = edit_question(survey, "czas-oczekiwania", text="Jak długo czekał(a) Pan/Pani?")

    assert survey.current_version.number == 2
    assert survey.current_version.pk != old_version.pk
    answer = response.answers.get(question__key="czas-oczekiwania")
    assert answer.question.version == old_version
    assert answer.question.text == "Czas oczekiwania na obsługę"
    assert answer.rating == 2
    assert response.answers.count() == 4
    assert SurveyQuestion.objects.filter(version=old_version).count() == 23


def test_removing_an_answer_option_keeps_past_answers(survey):
    response = record(survey, **{"porownanie": "gorsza"})
    questions = survey.questions.raw_data
    for item in questions:
        if item["value"]["key"] == "porownanie":
            item["value"]["options"] = [o for o in item["value"]["options"] if o["key"] != "gorsza"]
    survey.questions = questions
    survey.save_revision().publish()

    answer = response.answers.get(question__key="porownanie")
    assert answer.option.label == "gorsza"
    assert survey.versions.count() == 2


@pytest.mark.parametrize("model", [SurveyVersion, SurveyQuestion, QuestionOption])
def test_frozen_rows_cannot_be_changed(survey, model):
    row = model.objects.first()

    with pytest.raises(TypeError, match="frozen"):
        row.save()
    with pytest.raises(TypeError, match="frozen"):
        model.objects.filter(pk=row.pk).update(pk=row.pk)


def test_a_question_version_with_answers_cannot_be_deleted(survey):
    record(survey)

    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyVersion.objects.filter(page=survey).delete()


def test_version_numbers_are_unique_per_survey(survey):
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyVersion.objects.create(page=survey, number=1, fingerprint="x")


def test_ratings_outside_the_scale_are_refused_by_the_database(survey):
    response = record(survey)
    question = survey.current_version.questions.get(key="uprzejmosc")

    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=question, rating=6)


def test_record_is_all_or_nothing(survey):
    with inserts_fail(Answer), pytest.raises(DatabaseError):
        record(survey)
    assert SurveyResponse.objects.count() == 0


def test_department_with_responses_reports_it(survey, office):
    department = office.departments.first()
    assert not department.has_responses()

    record(survey, wydzial=department)

    assert department.has_responses()


class TestQuestionKeys:
    def clean(self, raw):
        block = QuestionsBlock()
        return block.clean(block.to_python(raw))

    def test_blank_keys_are_generated_from_the_question(self):
        value = self.clean(
            [
                {
                    "type": "rating",
                    "value": {
                        "text": "Życzliwość obsługi",
                        "key": "",
                        "help_text": "",
                        "required": False,
                        "allow_not_applicable": True,
                        "scale": {
                            "label_1": "1",
                            "label_2": "2",
                            "label_3": "3",
                            "label_4": "4",
                            "label_5": "5",
                        },
                    },
                },
                {
                    "type": "open_text",
                    "value": {
                        "text": "Życzliwość obsługi",
                        "key": "",
                        "help_text": "",
                        "required": False,
                        "max_length": 100,
                    },
                },
                {
                    "type": "single_choice",
                    "value": {
                        "text": "Płeć",
                        "key": "",
                        "help_text": "",
                        "required": False,
                        "options": [
                            {"label": "Kobieta", "key": ""},
                            {"label": "Mężczyzna", "key": ""},
                        ],
                    },
                },
            ]
        )

        assert [child.value["key"] for child in value] == [
            "zyczliwosc-obslugi",
            "zyczliwosc-obslugi-2",
            "plec",
        ]
        assert [o["key"] for o in value[2].value["options"]] == ["kobieta", "mezczyzna"]

    def test_duplicate_keys_are_refused(self):
        from wagtail.blocks.stream_block import StreamBlockValidationError

        with pytest.raises(StreamBlockValidationError) as error:
            self.clean(
                [
                    {
                        "type": "department",
                        "value": {
                            "text": "Wydział",
                            "key": "a",
                            "help_text": "",
                            "required": False,
                        },
                    },
                    {
                        "type": "open_text",
                        "value": {
                            "text": "Uwagi",
                            "key": "a",
                            "help_text": "",
                            "required": False,
                            "max_length": 100,
                        },
                    },
                ]
            )

        assert 1 in error.value.block_errors
        assert 0 not in error.value.block_errors

    def test_duplicate_option_keys_are_refused(self):
        from wagtail.blocks.stream_block import StreamBlockValidationError

        with pytest.raises(StreamBlockValidationError):
            self.clean(
                [
                    {
                        "type": "single_choice",
                        "value": {
                            "text": "Płeć",
                            "key": "plec",
                            "help_text": "",
                            "required": False,
                            "options": [
                                {"label": "Kobieta", "key": "k"},
                                {"label": "Mężczyzna", "key": "k"},
                            ],
                        },
                    },
                ]
            )

    def test_only_one_department_question(self):
        from wagtail.blocks.stream_block import StreamBlockValidationError

        with pytest.raises(StreamBlockValidationError):
            self.clean(
                [
                    {
                        "type": "department",
                        "value": {
                            "text": "Wydział",
                            "key": "a",
                            "help_text": "",
                            "required": False,
                        },
                    },
                    {
                        "type": "department",
                        "value": {
                            "text": "Wydział 2",
                            "key": "b",
                            "help_text": "",
                            "required": False,
                        },
                    },
                ]
            )


def test_scheduled_first_publication_freezes_when_the_page_goes_live(home, office):
    page = home.add_child(instance=SurveyPage(title="Ankieta", slug="pozniej", live=False))
    page.go_live_at = timezone.now() + datetime.timedelta(days=7)
    revision = page.save_revision()

    revision.publish()

    page.refresh_from_db()
    assert page.live is False
    assert page.current_version is None
    # What publish_scheduled does when the time comes:
    page.go_live_at = None
    revision = page.save_revision()
    revision.publish()
    assert SurveyPage.objects.get(pk=page.pk).current_version.number == 1


def test_reverting_to_earlier_questions_freezes_them_again(survey):
    first_revision = survey.live_revision
    survey = edit_question(survey, "uprzejmosc", text="Życzliwość pracowników")

    first_revision.as_object().save_revision(previous_revision=first_revision).publish(
        previous_revision=first_revision
    )

    versions = list(survey.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    # Version 3 asks exactly what version 1 asked; reports match them by key.
    assert versions[2].fingerprint == versions[0].fingerprint


def test_an_alias_answers_the_versions_of_its_original(survey, other_office_survey):
    other_home = other_office_survey.get_parent()
    alias = survey.create_alias(parent=other_home, update_slug="ankieta-powiatowa")

    alias = SurveyPage.objects.get(pk=alias.pk)
    assert alias.current_version == survey.current_version
    assert not SurveyVersion.objects.filter(page=alias).exists()
    survey = edit_question(survey, "uprzejmosc", text="Życzliwość pracowników")
    assert SurveyPage.objects.get(pk=alias.pk).current_version.number == 2
    assert not SurveyVersion.objects.filter(page=alias).exists()
