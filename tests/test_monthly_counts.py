"""Each area's index per department, read from monthly counts, is what the daily counts say.

``reports.sums.department_answer_sums`` reads a period's whole months from
``MonthlyAreaCount`` and the days of a partial month at either edge from
``DailyAnswerCount``. Here it is held equal, after random responses, corrections and
deletions over several months of two offices, to the sums of the daily counts alone (what it
read before the monthly table existed), for whole years, whole months and odd day ranges, and
for every filter.
"""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from example_site.home.synthetic import ResponseGenerator
from wagtail_ocena import counting
from wagtail_ocena import questions as question_kinds
from wagtail_ocena.choices import Channel
from wagtail_ocena.models import (
    DailyAnswerCount,
    DailyOfficeAnswerCount,
    Department,
    MonthlyAreaCount,
    MonthlyOfficeAnswerCount,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period
from wagtail_ocena.reports.sums import (
    answer_sums,
    department_answer_sums,
    filtered,
    split_months,
)

from .conftest import record_response

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2025, 11, 20)
LAST_DAY = datetime.date(2026, 3, 10)
ONE_DAY = datetime.timedelta(days=1)


def daily_sums(site, period, filters):
    """The sums from the daily counts alone: ``department_answer_sums`` before monthly counts."""
    rows = (
        filtered(DailyAnswerCount.objects, site, period, filters, "question__version_id")
        .filter(question__kind__in=question_kinds.names_where(lambda kind: kind.rated))
        .values_list("department_key", "question_id", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {row[:3]: row[3] for row in rows if row[3]}


def random_day(rng, start=FIRST_DAY, end=LAST_DAY):
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def random_periods(rng):
    """Whole years, whole months, single days, ranges within a month and odd ranges."""
    periods = [
        Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        Period(datetime.date(2025, 3, 11), datetime.date(2026, 3, 10)),  # a report's last year
        Period(datetime.date(2025, 12, 1), datetime.date(2026, 2, 28)),
        Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
        Period(datetime.date(2025, 12, 1), datetime.date(2026, 1, 15)),
        Period(datetime.date(2025, 12, 15), datetime.date(2026, 1, 31)),
        Period(datetime.date(2025, 12, 2), datetime.date(2025, 12, 30)),
        Period(datetime.date(2026, 1, 31), datetime.date(2026, 2, 1)),
        Period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1)),
        Period(datetime.date(2026, 1, 31), datetime.date(2026, 1, 31)),
    ]
    for _ in range(12):
        start = random_day(rng, FIRST_DAY - 10 * ONE_DAY, LAST_DAY)
        periods.append(Period(start, random_day(rng, start, LAST_DAY + 10 * ONE_DAY)))
    for _ in range(4):  # whole months
        start = random_day(rng).replace(day=1)
        end = (random_day(rng, start, LAST_DAY).replace(day=28) + 4 * ONE_DAY).replace(day=1)
        periods.append(Period(start, end - ONE_DAY))
    return periods


def all_filters(site, rng):
    departments = list(Department.objects.for_site(site))
    versions = list(SurveyVersion.objects.for_site(site))
    assert len(versions) == 2
    department = rng.choice(departments)
    filters = [ReportFilters()]
    filters += [ReportFilters(channel=channel) for channel in Channel.values]
    filters += [ReportFilters(department=department) for department in departments[:3]]
    filters += [ReportFilters(version=version) for version in versions]
    filters.append(
        ReportFilters(channel=Channel.PAPER, department=department, version=versions[-1])
    )
    return filters


def new_version(survey):
    questions = survey.questions.raw_data
    questions[1]["value"]["text"] = "Po co przyszedł Pan/przyszła Pani do Urzędu?"
    survey.questions = questions
    survey.save_revision().publish()
    survey.refresh_from_db()


@pytest.fixture
def responses(survey, other_office_survey):
    """Responses over four months to two versions of each office's survey, both channels,
    some without a department; some corrected (moved to other days) and some deleted."""
    rng = random.Random(20261201)
    recorded = []
    for page in (survey, other_office_survey, survey, other_office_survey):
        site = page.get_site()
        departments = list(Department.objects.for_site(site))
        generator = ResponseGenerator(page.current_version, site, departments, seed=len(recorded))
        for _ in range(60):
            answers = generator.answers(rng.random())
            if rng.random() < 0.1:
                answers["wydzial"] = None
            recorded.append(
                SurveyResponse.objects.record(
                    page.current_version,
                    answers,
                    site=site,
                    channel=rng.choice(Channel.values),
                    submitted_on=random_day(rng),
                )
            )
        if page.current_version.number == 1:
            new_version(page)
    for response in rng.sample(recorded, 30):
        site = response.site
        generator = ResponseGenerator(
            response.version, site, Department.objects.for_site(site), seed=rng.randrange(1000)
        )
        response.correct(generator.answers(rng.random()), submitted_on=random_day(rng))
    for response in rng.sample(recorded, 20):
        SurveyResponse.objects.get(pk=response.pk).delete()
    return rng


def test_monthly_and_daily_counts_give_the_same_sums(responses, survey, other_office_survey):
    rng = responses
    for page in (survey, other_office_survey):
        site = page.get_site()
        for filters in all_filters(site, rng):
            for period in random_periods(rng):
                expected = daily_sums(site, period, filters)
                assert department_answer_sums(site, period, filters) == expected, (
                    period,
                    filters,
                )
        year = Period(datetime.date(2025, 3, 11), datetime.date(2026, 3, 10))
        assert len(daily_sums(site, year, ReportFilters())) > 50

    # The same after a rebuild (which writes the monthly counts from the answer rows).
    MonthlyAreaCount.objects.update(count=999)
    counting.rebuild()
    site = survey.get_site()
    for period in random_periods(rng):
        assert department_answer_sums(site, period, ReportFilters()) == daily_sums(
            site, period, ReportFilters()
        )


def test_only_rated_areas_are_counted_by_month(survey):
    site = survey.get_site()
    usc, taxes = list(Department.objects.for_site(site))[:2]
    for day, department, answers in [
        (datetime.date(2026, 1, 5), usc, {"kompetencje": "5", "uprzejmosc": "na"}),
        (datetime.date(2026, 1, 31), usc, {"kompetencje": "3", "porownanie": "lepsza"}),
        (datetime.date(2026, 2, 1), taxes, {"kompetencje": "4"}),
    ]:
        record_response(survey, {"wydzial": department, **answers}, submitted_on=day)
    questions = {q.key: q.pk for q in SurveyQuestion.objects.filter(version__page=survey)}

    rows = MonthlyAreaCount.objects.values_list(
        "day", "month", "department_key", "question_id", "value", "count"
    )

    january, february = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
    assert sorted(rows) == sorted(
        [
            (january, january, usc.pk, questions["kompetencje"], 5, 1),
            (january, january, usc.pk, questions["kompetencje"], 3, 1),
            (january, january, usc.pk, questions["uprzejmosc"], 0, 1),
            (february, february, taxes.pk, questions["kompetencje"], 4, 1),
        ]
    )  # not the overall rating ("ogolna-ocena", given by default) nor the comparison


def test_whole_months_are_read_from_monthly_counts_alone(responses, survey):
    site = survey.get_site()
    table = DailyAnswerCount._meta.db_table

    def daily_reads(period):
        with CaptureQueriesContext(connection) as queries:
            department_answer_sums(site, period, ReportFilters())
        return sum(table in query["sql"] for query in queries.captured_queries)

    assert daily_reads(Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))) == 0
    assert daily_reads(Period(datetime.date(2025, 12, 1), datetime.date(2026, 1, 15))) == 1
    assert daily_reads(Period(datetime.date(2025, 11, 25), datetime.date(2026, 1, 15))) == 2
    assert daily_reads(Period(datetime.date(2026, 1, 2), datetime.date(2026, 1, 30))) == 1


def test_split_months():
    def split(start, end):
        months, days = split_months(Period(start, end))
        return (months and (months.start, months.end)), [(d.start, d.end) for d in days]

    d = datetime.date
    assert split(d(2025, 1, 1), d(2025, 12, 31)) == ((d(2025, 1, 1), d(2025, 12, 31)), [])
    assert split(d(2025, 3, 11), d(2026, 3, 10)) == (
        (d(2025, 4, 1), d(2026, 2, 28)),
        [(d(2025, 3, 11), d(2025, 3, 31)), (d(2026, 3, 1), d(2026, 3, 10))],
    )
    assert split(d(2024, 2, 1), d(2024, 2, 29)) == ((d(2024, 2, 1), d(2024, 2, 29)), [])
    assert split(d(2025, 12, 31), d(2026, 1, 31)) == (
        (d(2026, 1, 1), d(2026, 1, 31)),
        [(d(2025, 12, 31), d(2025, 12, 31))],
    )
    assert split(d(2026, 1, 2), d(2026, 1, 30)) == (None, [(d(2026, 1, 2), d(2026, 1, 30))])
    assert split(d(2026, 1, 1), d(2026, 1, 30)) == (None, [(d(2026, 1, 1), d(2026, 1, 30))])
    assert split(d(2026, 1, 31), d(2026, 2, 1)) == (None, [(d(2026, 1, 31), d(2026, 2, 1))])


def daily_office_sums(site, period, filters):
    """``answer_sums`` before monthly counts: the office's answers from the daily table."""
    table = DailyAnswerCount if filters.department else DailyOfficeAnswerCount
    rows = (
        filtered(table.objects, site, period, filters, "question__version_id")
        .values_list("month", "question_id", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {row[:3]: row[3] for row in rows if row[3]}


def test_office_answers_by_month_give_the_daily_sums(responses, survey, other_office_survey):
    rng = responses
    for page in (survey, other_office_survey):
        site = page.get_site()
        for filters in all_filters(site, rng):
            for period in random_periods(rng):
                assert answer_sums(site, period, filters) == daily_office_sums(
                    site, period, filters
                ), (period, filters)
    # Every counted kind, not only the rated areas (choices, the overall rating, comments).
    kinds = set(
        MonthlyOfficeAnswerCount.objects.values_list("question__kind", flat=True).distinct()
    )
    assert {"rating", "overall_rating", "single_choice", "open_text"} <= kinds
    MonthlyOfficeAnswerCount.objects.update(count=999)
    counting.rebuild()
    site = survey.get_site()
    for period in random_periods(rng):
        assert answer_sums(site, period, ReportFilters()) == daily_office_sums(
            site, period, ReportFilters()
        )


def test_an_office_years_whole_months_read_no_daily_office_counts(responses, survey):
    site = survey.get_site()
    table = DailyOfficeAnswerCount._meta.db_table

    def daily_reads(period):
        with CaptureQueriesContext(connection) as queries:
            answer_sums(site, period, ReportFilters())
        return sum(table in query["sql"] for query in queries.captured_queries)

    assert daily_reads(Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))) == 0
    assert daily_reads(Period(datetime.date(2025, 11, 25), datetime.date(2026, 1, 15))) == 2
