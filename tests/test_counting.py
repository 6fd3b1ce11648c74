"""The reports' daily counts always equal a GROUP BY over the answer rows."""

import datetime
import io
import random

import pytest

from example_site.home.synthetic import ResponseGenerator
from wagtail_ocena import counting
from wagtail_ocena.choices import Channel
from wagtail_ocena.models import (
    Answer,
    DailyAnswerCount,
    DailyResponseCount,
    MonthlyAreaCount,
    MonthlyOfficeAnswerCount,
    SurveyResponse,
)

from .conftest import record_response

pytestmark = pytest.mark.django_db


def key_fields(model):
    return [
        f.attname for f in model._meta.concrete_fields if f.name not in ("id", "month", "count")
    ]


def stored(model):
    fields = key_fields(model)
    return {
        tuple(row[f] for f in fields): row["count"]
        for row in model.objects.exclude(count=0).values(*fields, "count")
    }


def recomputed(model, rows):
    fields = key_fields(model)
    return {tuple(row[f] for f in fields): row["count"] for row in rows}


def assert_counts_match_rows():
    tables = counting.rows_from_records(SurveyResponse.objects.all(), Answer.objects.all())
    assert len(tables) == 6
    for model, rows in tables:
        assert stored(model) == recomputed(model, rows), model.__name__
        assert stored(model), model.__name__


def test_counts_follow_random_responses_corrections_and_deletions(survey, other_office_survey):
    rng = random.Random(20261129)
    surveys = [survey, other_office_survey]
    # A second version, so that counts keep versions apart.
    questions = survey.questions.raw_data
    questions[1]["value"]["text"] = "Po co przyszedł Pan/przyszła Pani do Urzędu?"
    survey.questions = questions
    survey.save_revision().publish()
    generators = {}
    responses = []
    # Ten days across the end of a month, so that monthly counts have two months to keep apart.
    first_day = datetime.date(2026, 1, 27)
    for step in range(300):
        page = rng.choice(surveys)
        version = rng.choice(list(page.versions.all()))
        site = page.get_site()
        key = (version.pk, site.pk)
        if key not in generators:
            departments = site_departments(site)
            generators[key] = ResponseGenerator(version, site, departments, seed=step)
        generator = generators[key]
        action = rng.random()
        if action < 0.7 or not responses:
            responses.append(
                SurveyResponse.objects.record(
                    version,
                    generator.answers(rng.random()),
                    site=site,
                    channel=rng.choice(Channel.values),
                    submitted_on=first_day + datetime.timedelta(days=rng.randint(0, 9)),
                )
            )
        elif action < 0.85:
            response = rng.choice(responses)
            answers = generators[(response.version_id, response.site_id)].answers(rng.random())
            response.correct(
                answers,
                submitted_on=first_day + datetime.timedelta(days=rng.randint(0, 9)),
            )
        else:
            response = responses.pop(rng.randrange(len(responses)))
            response.delete()

    assert SurveyResponse.objects.count() > 150
    assert_counts_match_rows()
    months = set(MonthlyAreaCount.objects.exclude(count=0).values_list("day", flat=True))
    assert months == {datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)}


def test_corrections_and_deletions_of_stale_copies_keep_counts_true(survey):
    site = survey.get_site()
    first, second = site_departments(site)[:2]
    response = record_response(survey, {"wydzial": first, "czas-oczekiwania": "2"})
    stale = SurveyResponse.objects.get(pk=response.pk)
    other_stale = SurveyResponse.objects.get(pk=response.pk)

    response.correct({"wydzial": second, "ogolna-ocena": "5", "czas-oczekiwania": "5"})
    # Read before the first correction: still says the first department and a 2.
    stale.correct({"wydzial": first, "ogolna-ocena": "3", "czas-oczekiwania": "4"})
    assert_counts_match_rows()

    other_stale.delete()
    assert not stored(DailyResponseCount)
    assert not stored(DailyAnswerCount)

    with pytest.raises(SurveyResponse.DoesNotExist):
        stale.correct({"wydzial": first, "ogolna-ocena": "1"})
    assert not SurveyResponse.objects.exists()


def test_rebuild_recomputes_the_same_counts(survey):
    site = survey.get_site()
    generator = ResponseGenerator(survey.current_version, site, site_departments(site), seed=3)
    for day in range(5):
        SurveyResponse.objects.record(
            survey.current_version,
            generator.answers(0.5),
            site=site,
            channel=Channel.PAPER,
            submitted_on=datetime.date(2026, 2, 1 + day),
        )
    tables = (DailyAnswerCount, MonthlyAreaCount, MonthlyOfficeAnswerCount)
    before = [stored(table) for table in tables]
    for table in tables:
        table.objects.update(count=999)

    counting.rebuild(site=site)

    assert [stored(table) for table in tables] == before
    assert_counts_match_rows()


def test_bulk_deletion_of_responses_is_counted(survey):
    site = survey.get_site()
    generator = ResponseGenerator(survey.current_version, site, site_departments(site), seed=4)
    for _ in range(10):
        SurveyResponse.objects.record(
            survey.current_version,
            generator.answers(0.5),
            site=site,
            channel=Channel.ELECTRONIC,
            submitted_on=datetime.date(2026, 2, 2),
        )

    SurveyResponse.objects.filter(pk__in=SurveyResponse.objects.values("pk")[:4]).delete()

    assert sum(stored(DailyResponseCount).values()) == 6
    assert_counts_match_rows()


def site_departments(site):
    from wagtail_ocena.models import Department

    return list(Department.objects.for_site(site))


def test_synthetic_writer_needs_a_rebuild_and_gets_one(survey):
    generator = ResponseGenerator(
        survey.current_version, survey.get_site(), site_departments(survey.get_site())
    )
    generator.write(generator.days(datetime.date(2026, 1, 5), datetime.date(2026, 1, 9)))

    counting.rebuild()

    assert_counts_match_rows()


def test_the_command_rebuilds_counts(survey):
    from django.core.management import CommandError, call_command

    record_response(survey, {"czas-oczekiwania": "4"})
    DailyResponseCount.objects.all().delete()

    call_command("rebuild_survey_counts", site=survey.get_site().pk, stdout=io.StringIO())

    assert_counts_match_rows()
    with pytest.raises(CommandError, match="no site"):
        call_command("rebuild_survey_counts", site=999999, stdout=io.StringIO())
