"""A question kind registered here, in the tests only, works everywhere.

The package asks a question's kind (``wagtail_ocena.questions``) and never tests its name, so
adding a kind must need no change anywhere else. ``YesNoQuestion`` below subclasses
``QuestionType`` directly and reuses only built-in templates; the tests show that it gets a
form field, stored answers, daily counts, a report section and a column in the raw export.
"""

import csv
import datetime
import re
from urllib.parse import urlencode

import pytest
from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from wagtail import blocks

from wagtail_ocena import counting, questions
from wagtail_ocena.blocks import AnswerOptionBlock, BaseQuestionBlock
from wagtail_ocena.choices import Channel
from wagtail_ocena.forms import SurveyResponseForm
from wagtail_ocena.models import (
    Answer,
    DailyAnswerCount,
    DailyOfficeAnswerCount,
    Department,
    QuestionOption,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from wagtail_ocena.questions import QuestionType
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.period import Period
from wagtail_ocena.reports.spreadsheet import csv_rows

from .conftest import valid_answers

pytestmark = pytest.mark.django_db

KEY = "jedna-wizyta"
FIELD = f"q-{KEY}"
TEXT = "Czy sprawę udało się załatwić podczas jednej wizyty?"


class YesNoQuestionBlock(BaseQuestionBlock):
    kind = "yes_no"

    options = blocks.ListBlock(AnswerOptionBlock(), min_num=2, max_num=2, label="Odpowiedzi")

    def question_options(self, value):
        return [(option["key"], option["label"]) for option in value["options"]]


class YesNoField(forms.ChoiceField):
    """The kind's own field class: the form can only have it from ``YesNoQuestion``."""


class YesNoQuestion(QuestionType):
    """Yes or no, answered as one of the question's two options."""

    name = "yes_no"
    label = "Tak / nie"
    block_class = YesNoQuestionBlock
    report_section = "questions"
    report_template = "wagtail_ocena/reports/choice_table.html"
    template = "wagtail_ocena/questions/choices.html"
    paper_template = "wagtail_ocena/questions/paper/choices.html"
    printable_template = "wagtail_ocena/questions/printable/choices.html"

    def form_field(self, question, departments):
        return YesNoField(
            choices=[(option.key, option.label) for option in question.choice_options],
            widget=forms.RadioSelect,
        )

    def answer_fields(self, question, value):
        (option,) = [option for option in question.choice_options if option.key == value]
        return [{"option": option}]

    def form_value(self, answers):
        return answers[0].option.key

    def count_value(self, answer):
        return answer.option_id

    def count_value_expression(self):
        return F("option_id")

    def report_result(self, result, figures):
        result.options = figures.option_counts(result)


@pytest.fixture
def yes_no():
    kind = questions.register(YesNoQuestion)
    yield kind
    questions.unregister(kind.name)


@pytest.fixture
def version(yes_no, survey):
    """A new version of the survey, frozen by hand: the page's StreamField block was built
    before the kind was registered."""
    version = SurveyVersion.objects.create(
        page=survey, number=survey.current_version.number + 1, fingerprint="0" * 64
    )
    SurveyQuestion.objects.create(
        version=version,
        position=0,
        kind="department",
        key="wydzial",
        text="W którym wydziale załatwiał Pan/Pani sprawę?",
        required=True,
    )
    question = SurveyQuestion.objects.create(
        version=version, position=1, kind=yes_no.name, key=KEY, text=TEXT
    )
    QuestionOption.objects.create(question=question, position=0, key="tak", label="tak")
    QuestionOption.objects.create(question=question, position=1, key="nie", label="nie")
    SurveyQuestion.objects.create(
        version=version,
        position=2,
        kind="rating",
        key="ogolna-ocena",
        text="Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?",
        required=True,
        allow_not_applicable=True,
        scale_labels=["zła", "raczej zła", "przeciętna", "dobra", "bardzo dobra"],
    )
    assert survey.current_version == version
    return version


@pytest.fixture
def answered(client, survey, version):
    """Two "tak" (one through the public form, one recorded directly) and one "nie"."""
    response = client.post(survey.url, valid_answers(survey, version, **{FIELD: "tak"}))
    assert response.status_code == 303
    department = Department.objects.for_site(survey.get_site()).first()
    for value in ("tak", "nie"):
        SurveyResponse.objects.record(
            version,
            {"wydzial": department, "ogolna-ocena": "3", KEY: value},
            site=survey.get_site(),
            channel=Channel.PAPER,
            submitted_on=timezone.localdate(),
        )
    return {option.key: option for option in QuestionOption.objects.filter(question__key=KEY)}


def test_the_kind_gets_a_form_field(client, survey, version, office):
    form = SurveyResponseForm(
        questions=version.load_questions(), departments=Department.objects.for_site(office.site)
    )

    field = form.fields[FIELD]
    assert isinstance(field, YesNoField)
    assert isinstance(field.widget, forms.RadioSelect)
    assert list(field.choices) == [("tak", "tak"), ("nie", "nie")]
    html = client.get(survey.url).content.decode()
    assert escape(TEXT) in html
    inputs = [tag for tag in re.findall(r"<input\b[^>]*>", html) if f'name="{FIELD}"' in tag]
    assert [re.search(r'value="([^"]*)"', tag)[1] for tag in inputs] == ["tak", "nie"]


def test_answers_are_stored_as_options(client, survey, version):
    client.post(survey.url, valid_answers(survey, version, **{FIELD: "tak"}))

    posted = SurveyResponse.objects.get()
    assert posted.version == version
    answer = posted.answers.get(question__key=KEY)
    assert (answer.option.key, answer.rating, answer.text) == ("tak", None, "")
    assert posted.form_answers()[FIELD] == "tak"

    department = Department.objects.for_site(survey.get_site()).first()
    recorded = SurveyResponse.objects.record(
        version,
        {"wydzial": department, "ogolna-ocena": "5", KEY: "nie"},
        site=survey.get_site(),
        channel=Channel.PAPER,
        submitted_on=timezone.localdate(),
    )
    assert recorded.answers.get(question__key=KEY).option.key == "nie"
    corrected = SurveyResponseForm(
        {**recorded.form_answers(), FIELD: "tak"},
        questions=version.load_questions(),
        departments=Department.objects.for_site(survey.get_site()),
    )
    assert corrected.is_valid(), corrected.errors
    recorded.correct(corrected.answers())
    assert recorded.answers.get(question__key=KEY).option.key == "tak"


def stored_counts(model):
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "month")]
    return {tuple(row[f] for f in fields) for row in model.objects.exclude(count=0).values(*fields)}


def rebuilt_counts(model, rows):
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "month")]
    return {tuple(row[f] for f in fields) for row in rows}


def test_answers_are_counted_by_option(answered):
    tak, nie = answered["tak"], answered["nie"]
    for model in (DailyAnswerCount, DailyOfficeAnswerCount):
        counts = model.objects.filter(question__key=KEY).values_list("value", "count")
        totals = {}
        for value, count in counts:
            totals[value] = totals.get(value, 0) + count
        assert totals == {tak.pk: 2, nie.pk: 1}, model.__name__

    assert Answer.objects.filter(question__kind="yes_no").count() == 3
    for model, rows in (
        (DailyAnswerCount, counting.answer_counts_from_rows()),
        (DailyOfficeAnswerCount, counting.office_answer_counts_from_rows()),
    ):
        assert stored_counts(model) == rebuilt_counts(model, rows), model.__name__


def test_the_report_shows_the_question_with_its_options(admin_client, site, answered, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1  # three responses: none hidden
    # Reports end yesterday at the latest: the responses are moved there, counts recomputed.
    day = timezone.localdate() - datetime.timedelta(days=1)
    SurveyResponse.objects.update(submitted_on=day)
    counting.rebuild()
    report = build_report(site, Period(day, day))

    (result,) = [q for q in report.choice_questions if q.key == KEY]
    assert result.text == TEXT
    assert [(o.key, o.label, o.count) for o in result.options] == [
        ("tak", "tak", 2),
        ("nie", "nie", 1),
    ]
    assert [o.share for o in result.options] == pytest.approx([200 / 3, 100 / 3])

    query = urlencode({"preset": "custom", "date_from": day, "date_to": day})
    html = admin_client.get(f"/admin/ocena/reports/{site.pk}/?{query}").content.decode()
    assert f"<caption>{escape(TEXT)}</caption>" in html
    assert '<tr><th scope="row">tak</th><td>2</td><td>66,7%</td></tr>' in html
    assert '<tr><th scope="row">nie</th><td>1</td><td>33,3%</td></tr>' in html

    header, *rows = csv.reader(
        "".join(csv_rows(report)).lstrip("\ufeff").splitlines(), delimiter=";"
    )
    column = header.index(TEXT)
    assert sorted(row[column] for row in rows) == ["nie", "tak", "tak"]
