"""No order of submission can be read from what the application stores or shows.

Joined with a web server's access log (time, address, browser), the order in which responses
arrived would name their senders. Responses are sent here one after another; every key the
application gives them and every listing or export that shows them one by one must then be
in an order unrelated to that (Kendall's tau near 0: for 40 items its standard deviation under
a random order is about 0.11, and the bound of 0.6 lies more than five of those away).
"""

import csv
import datetime
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ReferenceIndex

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import (
    Answer,
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
    MonthlyAreaCount,
    MonthlyOfficeAnswerCount,
    SurveyQuestion,
    SurveyResponse,
    UsedFormToken,
)
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period
from wagtail_ocena.reports.spreadsheet import csv_rows

from .conftest import valid_answers

COUNT = 40
COUNT_MODELS = [
    DailyResponseCount,
    DailyAnswerCount,
    DailyOfficeAnswerCount,
    DailyDepartmentRating,
    MonthlyAreaCount,
    MonthlyOfficeAnswerCount,
]


def kendall_tau(sequence):
    """Kendall's tau between positions and values: 1 when sorted, -1 when reversed."""
    pairs = list(itertools.combinations(sequence, 2))
    concordant = sum(1 for a, b in pairs if a < b)
    discordant = sum(1 for a, b in pairs if a > b)
    return (concordant - discordant) / len(pairs)


def assert_unordered(arrival_ranks, what):
    assert len(arrival_ranks) >= COUNT // 2, what
    assert abs(kendall_tau(arrival_ranks)) < 0.6, what


@pytest.fixture
def arrivals(client, survey):
    """Responses sent one by one through the public form, with their rank of arrival, and
    each count row with the rank of the response that created it."""
    ranks, count_rows = {}, {}
    for rank in range(COUNT):
        rating = str(rank % 5 + 1)
        data = valid_answers(survey, **{"q-ogolna-ocena": rating, "q-uwagi": f"Uwaga {rank}."})
        resident = f"198.51.100.{rank + 1}"
        assert client.post(survey.url, data, REMOTE_ADDR=resident).status_code == 303
        (new,) = SurveyResponse.objects.exclude(pk__in=ranks)
        ranks[new.pk] = rank
        for model in COUNT_MODELS:
            for pk in model.objects.exclude(pk__in=count_rows).values_list("pk", flat=True):
                count_rows[pk] = rank
    return ranks, count_rows


def test_no_key_follows_the_order_of_arrival(arrivals):
    ranks, count_rows = arrivals

    by_key = SurveyResponse.objects.order_by("pk").values_list("pk", flat=True)
    assert_unordered([ranks[pk] for pk in by_key], "response keys")

    # Each response's answers, taken by their lowest key.
    first_answers = {}
    for pk, response in Answer.objects.order_by("pk").values_list("pk", "response_id"):
        first_answers.setdefault(response, pk)
    by_answer = sorted(first_answers, key=first_answers.get)
    assert_unordered([ranks[pk] for pk in by_answer], "answer keys")

    for model in COUNT_MODELS:
        keys = model.objects.order_by("pk").values_list("pk", flat=True)
        created = [count_rows[pk] for pk in keys]
        # Later responses mostly add to existing rows; the first ones created most of them.
        # The monthly rows all come with the first response: every response rates alike.
        if len(created) >= 10 and model not in (MonthlyAreaCount, MonthlyOfficeAnswerCount):
            assert len(set(created)) > 1, model.__name__
        if len(set(created)) > 1:
            assert abs(kendall_tau(created)) < 0.6, model.__name__

    # The used tokens are not linked to responses, and their keys are hashes.
    assert UsedFormToken.objects.count() == COUNT


def test_nothing_the_application_writes_for_a_response_has_a_sequential_id(arrivals):
    types = ContentType.objects.get_for_models(SurveyResponse, Answer, *COUNT_MODELS).values()
    assert not ReferenceIndex.objects.filter(base_content_type__in=types).exists()
    assert not ReferenceIndex.objects.filter(content_type__in=types).exists()
    for model in (SurveyResponse, Answer, *COUNT_MODELS):
        integer_fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("AutoField", "BigAutoField", "DateTimeField")
        ]
        if model is SurveyResponse:
            # Paper entry only: the clerk's typing, not the respondent's sending.
            assert integer_fields == ["entered_at"]
            assert not SurveyResponse.objects.filter(entered_at__isnull=False).exists()
        else:
            assert integer_fields == [], model.__name__


def test_listing_and_exports_of_a_finished_day_show_no_order(arrivals, clerk_client, site):
    ranks, _count_rows = arrivals
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    SurveyResponse.objects.update(submitted_on=yesterday)
    from wagtail_ocena import counting

    counting.rebuild()
    text_rank = {f"Uwaga {rank}.": rank for rank in ranks.values()}

    html = clerk_client.get("/admin/wagtail_ocena/surveyresponse/?p=0").content.decode()
    listed = [pk for pk in ranks if f"/inspect/{pk}/" in html]
    assert len(listed) == COUNT
    listed.sort(key=lambda pk: html.index(f"/inspect/{pk}/"))
    assert_unordered([ranks[pk] for pk in listed], "listing")

    report = build_report(site, Period(yesterday, yesterday), ReportFilters(include_comments=True))
    header, *rows = csv.reader(
        "".join(csv_rows(report)).lstrip("\ufeff").splitlines(), delimiter=";"
    )
    column = header.index(SurveyQuestion.objects.get(key="uwagi").text)
    assert_unordered([text_rank[row[column]] for row in rows], "raw CSV")

    comments = [comment.text for comment in report.comments]
    assert sorted(comments) == sorted(text_rank)
    assert_unordered([text_rank[text] for text in comments], "the report's comments")


def test_todays_electronic_responses_are_not_shown_one_by_one(client, clerk_client, survey):
    client.post(survey.url, valid_answers(survey))
    (today,) = SurveyResponse.objects.all()
    paper = SurveyResponse.objects.create(
        site=today.site,
        version=today.version,
        channel=Channel.PAPER,
        submitted_on=today.submitted_on,
    )

    html = clerk_client.get("/admin/wagtail_ocena/surveyresponse/").content.decode()
    assert f"/inspect/{today.pk}/" not in html
    assert f"/inspect/{paper.pk}/" in html
    inspect = clerk_client.get(f"/admin/wagtail_ocena/surveyresponse/inspect/{today.pk}/")
    assert inspect.status_code in (403, 404)

    # No report may cover today.
    query = {"preset": "custom", "date_from": today.submitted_on, "date_to": today.submitted_on}
    refused = clerk_client.get(f"/admin/ocena/reports/{today.site_id}/", query)
    assert "najpóźniej wczoraj" in refused.content.decode()
    assert not SurveyResponse.objects.settled().filter(pk=today.pk).exists()

    # From tomorrow on it is one of the day's many.
    tomorrow = today.submitted_on + datetime.timedelta(days=1)
    assert SurveyResponse.objects.settled(today=tomorrow).filter(pk=today.pk).exists()
