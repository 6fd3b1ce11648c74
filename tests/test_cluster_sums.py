"""The daily response counts' cluster sums equal those of the responses themselves.

A pooled index treats each response as one cluster of ratings: x (its answers on the 1–5
scale, over all rated questions), p (how many of those are 4 or 5) and s (their sum). The
counts keep, per day and breakdown, the number of responses with x > 0 and Σx, Σp, Σs, Σx²,
Σp², Σs², Σxp, Σxs. Here they are recomputed in Python from the raw answer rows after random
responses (public form, direct saves, paper entry), corrections and deletions, and compared
with what is stored, with ``counting``'s recount, after ``rebuild()`` and with the reports'
reader.
"""

import datetime
import random
from collections import defaultdict

import pytest
from django.utils import timezone

from wagtail_ocena import counting
from wagtail_ocena.choices import NOT_APPLICABLE, Channel
from wagtail_ocena.models import Answer, DailyResponseCount, Department, SurveyResponse
from wagtail_ocena.models.counts import CLUSTER_SUMS
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period
from wagtail_ocena.reports.sums import cluster_sums, response_sums

from .conftest import record_response, valid_answers
from .test_paper import entry_url, sheet_data

pytestmark = pytest.mark.django_db

KEY = ("site_id", "day", "version_id", "channel", "department_key")
TOTALS = ("count", *CLUSTER_SUMS)
DAYS = [datetime.date(2026, 2, 27) + datetime.timedelta(days=n) for n in range(6)]


def response_totals(answers):
    """x, p and s of one response, from its answer rows alone."""
    ratings = [
        answer.rating
        for answer in answers
        if answer.question.type.rated and not answer.not_applicable and answer.rating is not None
    ]
    return len(ratings), sum(rating >= 4 for rating in ratings), sum(ratings)


def expected():
    """``key -> {count and the nine sums}`` from every response and answer row, in Python."""
    by_response = defaultdict(list)
    for answer in Answer.objects.select_related("question"):
        by_response[answer.response_id].append(answer)
    sums = defaultdict(lambda: dict.fromkeys(TOTALS, 0))
    for response in SurveyResponse.objects.all():
        x, p, s = response_totals(by_response[response.pk])
        key = (
            response.site_id,
            response.submitted_on,
            response.version_id,
            response.channel,
            response.department_id or 0,
        )
        for name, value in zip(
            TOTALS, (1, x > 0, x, p, s, x * x, p * p, s * s, x * p, x * s), strict=True
        ):
            sums[key][name] += value
    return dict(sums)


def stored():
    rows = DailyResponseCount.objects.exclude(count=0).values(*KEY, *TOTALS)
    return {tuple(row[k] for k in KEY): {name: row[name] for name in TOTALS} for row in rows}


def recounted():
    return {
        tuple(row[k] for k in KEY): {name: row[name] for name in TOTALS}
        for row in counting.response_counts_from_rows()
    }


def by_month(sums, site):
    """``expected()`` as the reports' reader groups it: by month, channel, department, version."""
    months = defaultdict(lambda: dict.fromkeys(CLUSTER_SUMS, 0))
    for (site_id, day, version, channel, department), totals in sums.items():
        if site_id == site.pk and totals["rated"]:
            month = months[(day.replace(day=1), channel, department, version)]
            for name in CLUSTER_SUMS:
                month[name] += totals[name]
    return dict(months)


def assert_sums_are_the_rows(*sites):
    truth = expected()
    assert stored() == truth
    assert recounted() == truth
    everything = Period(datetime.date(2026, 1, 1), timezone.localdate() + datetime.timedelta(1))
    for site in sites:
        assert cluster_sums(site, everything, ReportFilters()) == by_month(truth, site)
    return truth


def random_ratings(rng, version, field_names=False, blank=None):
    """Random answers to the version's rating questions: 1–5, "not applicable" where
    offered, or (if not required) none; ``blank`` is what "none" is given as."""
    answers = {}
    for question in version.load_questions():
        if not question.type.rated:
            continue
        choices = [str(value) for value in range(1, 6)]
        if question.allow_not_applicable:
            choices += [NOT_APPLICABLE] * 3
        if not question.required:
            choices += [blank] * 2
        value = rng.choice(choices)
        answers[question.field_name if field_names else question.key] = value
    return answers


def test_sums_follow_random_responses_corrections_and_deletions(
    client, clerk_client, survey, other_office_survey, settings
):
    settings.WAGTAIL_OCENA_RATE_LIMIT_POSTS = 1000
    rng = random.Random(20261201)
    site, other_site = survey.get_site(), other_office_survey.get_site()
    departments = {
        page.pk: list(Department.objects.for_site(page.get_site()))
        for page in (survey, other_office_survey)
    }

    # Residents' forms, through the public endpoint.
    for _ in range(25):
        page = rng.choice([survey, other_office_survey])
        data = valid_answers(page, **random_ratings(rng, page.current_version, field_names=True))
        data["q-wydzial"] = str(rng.choice(departments[page.pk]).pk)
        data = {name: value for name, value in data.items() if value is not None}
        host = page.get_site().hostname
        assert client.post(page.url, data, HTTP_HOST=host).status_code == 303

    # Saved directly, on several days and channels: some with only "not applicable", some
    # without a single rating (the required one left out, as a script may).
    for number in range(40):
        page = rng.choice([survey, other_office_survey])
        answers = random_ratings(rng, page.current_version)
        if number % 7 == 0:
            answers = dict.fromkeys(answers, NOT_APPLICABLE) | {"ogolna-ocena": None}
        elif number % 7 == 1:
            answers = dict.fromkeys(answers) | {"porownanie": "lepsza"}
        answers["wydzial"] = rng.choice(departments[page.pk] + [None])
        record_response(
            page, answers, channel=rng.choice(Channel.values), submitted_on=rng.choice(DAYS)
        )

    # Paper sheets typed in and corrected by a clerk.
    for number in range(1, 13):
        ratings = random_ratings(rng, survey.current_version, field_names=True, blank="")
        sheet = sheet_data(survey, sheet_number=str(number), **ratings)
        assert clerk_client.post(entry_url(site), sheet).status_code == 302
    assert_sums_are_the_rows(site, other_site)

    papers = list(SurveyResponse.objects.filter(entered_by__isnull=False).order_by("sheet_number"))
    for paper in rng.sample(papers, 6):
        ratings = random_ratings(rng, survey.current_version, field_names=True, blank="")
        department = rng.choice(departments[survey.pk])
        data = sheet_data(
            survey,
            sheet_number=str(paper.sheet_number),
            **{"q-wydzial": str(department.pk)},
            **ratings,
        )
        del data["version"]
        response = clerk_client.post(f"/admin/ocena/responses/{paper.pk}/correct/", data)
        assert response.status_code == 302
    # Corrected directly too, moving responses to other days and departments.
    for response in rng.sample(list(SurveyResponse.objects.exclude(channel=Channel.PAPER)), 8):
        page = survey if response.site_id == site.pk else other_office_survey
        answers = random_ratings(rng, response.version)
        answers["wydzial"] = rng.choice(departments[page.pk])
        response.correct(answers, submitted_on=rng.choice(DAYS))
    assert_sums_are_the_rows(site, other_site)

    # Deleted: by the clerk's view, one by one, and as a queryset.
    for response in rng.sample(list(SurveyResponse.objects.filter(site=site)), 4):
        assert clerk_client.post(f"/admin/ocena/responses/{response.pk}/delete/").status_code == 302
    SurveyResponse.objects.get(pk=rng.choice(list(SurveyResponse.objects.all())).pk).delete()
    SurveyResponse.objects.filter(pk__in=SurveyResponse.objects.values("pk")[:3]).delete()
    truth = assert_sums_are_the_rows(site, other_site)

    assert sum(totals["count"] for totals in truth.values()) == SurveyResponse.objects.count()
    assert any(totals["count"] > totals["rated"] > 0 for totals in truth.values())
    assert any(totals["rated"] > 1 for totals in truth.values())

    DailyResponseCount.objects.update(rated=7, answers_sq=-1, score=0)
    counting.rebuild(site=site)
    counting.rebuild(site=other_site)
    assert assert_sums_are_the_rows(site, other_site) == truth


def test_sums_of_known_responses(survey):
    site = survey.get_site()
    department = Department.objects.for_site(site).first()
    key = (site.pk, datetime.date(2026, 3, 2), survey.current_version.pk, Channel.ELECTRONIC)

    def sums():
        row = DailyResponseCount.objects.get(
            site=site, day=key[1], version=key[2], channel=key[3], department_key=department.pk
        )
        return {name: getattr(row, name) for name in TOTALS}

    first = record_response(
        survey,
        {
            "wydzial": department,
            "czas-oczekiwania": "5",
            "uprzejmosc": "2",
            "pomoc": "na",
            "kompetencje": "4",
        },
    )  # x=3, p=2, s=11; the overall rating (4, given by default) is not an area
    only_not_applicable = record_response(survey, {"wydzial": department, "uprzejmosc": "na"})
    no_ratings = record_response(survey, {"wydzial": department, "porownanie": "lepsza"})
    assert sums() == {
        "count": 3,
        "rated": 1,
        "answers": 3,
        "positive": 2,
        "score": 11,
        "answers_sq": 9,
        "positive_sq": 4,
        "score_sq": 121,
        "answers_positive": 6,
        "answers_score": 33,
    }

    # Given ratings, one corrected away: its squares are of its new totals (x=2, p=1, s=6).
    no_ratings.correct({"wydzial": department, "kompetencje": "1", "terminowosc": "5"})
    only_not_applicable.correct({"wydzial": department, "kompetencje": "3"})  # x=1, p=0, s=3
    first.correct({"wydzial": department, "kompetencje": "4", "uprzejmosc": "na"})  # 1, 1, 4
    assert sums() == {
        "count": 3,
        "rated": 3,
        "answers": 4,
        "positive": 2,
        "score": 13,
        "answers_sq": 6,
        "positive_sq": 2,
        "score_sq": 36 + 9 + 16,
        "answers_positive": 2 + 1,
        "answers_score": 12 + 3 + 4,
    }

    first.delete()
    only_not_applicable.delete()
    assert sums() == {
        "count": 1,
        "rated": 1,
        "answers": 2,
        "positive": 1,
        "score": 6,
        "answers_sq": 4,
        "positive_sq": 1,
        "score_sq": 36,
        "answers_positive": 2,
        "answers_score": 12,
    }
    no_ratings.delete()
    assert sums() == dict.fromkeys(TOTALS, 0)
    assert_sums_are_the_rows(site)


def test_the_reader_sums_months_and_leaves_out_groups_without_ratings(survey):
    site = survey.get_site()
    usc, taxes = list(Department.objects.for_site(site))[:2]
    version = survey.current_version.pk
    for day, department, rating in [
        (datetime.date(2026, 3, 2), usc, "5"),
        (datetime.date(2026, 3, 30), usc, "3"),
        (datetime.date(2026, 4, 1), usc, "4"),
        (datetime.date(2026, 3, 3), taxes, None),
    ]:
        record_response(survey, {"wydzial": department, "kompetencje": rating}, submitted_on=day)
    spring = Period(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))
    march = datetime.date(2026, 3, 1)

    sums = cluster_sums(site, spring, ReportFilters())

    assert set(sums) == {
        (march, Channel.ELECTRONIC, usc.pk, version),
        (datetime.date(2026, 4, 1), Channel.ELECTRONIC, usc.pk, version),
    }
    assert sums[(march, Channel.ELECTRONIC, usc.pk, version)] == {
        "rated": 2,
        "answers": 2,
        "positive": 1,
        "score": 8,
        "answers_sq": 2,
        "positive_sq": 1,
        "score_sq": 34,
        "answers_positive": 1,
        "answers_score": 8,
    }
    assert (
        response_sums(site, spring, ReportFilters())[(march, Channel.ELECTRONIC, taxes.pk, version)]
        == 1
    )
    assert not cluster_sums(site, spring, ReportFilters(department=taxes))
    assert not cluster_sums(site, spring, ReportFilters(channel=Channel.PAPER))
