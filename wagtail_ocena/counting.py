"""Rebuilding the daily counts (``models/counts.py``) from the responses and answer rows.

After a bulk import, or to check them: ``manage.py rebuild_survey_counts``. The
``*_from_rows`` querysets compute each table's rows with a ``GROUP BY`` over the rows
themselves; a test holds them equal to the counts kept with every response.
"""

from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce

from . import questions
from .models import (
    Answer,
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
    SurveyResponse,
)
from .models.counts import NO_DEPARTMENT


def _counted(answers):
    return answers.filter(question__kind__in=questions.names_where(lambda kind: kind.counted))


def response_counts_from_rows(responses=None):
    """``DailyResponseCount`` rows computed from the responses themselves."""
    responses = SurveyResponse.objects.all() if responses is None else responses
    return (
        responses.values(
            "site_id",
            "version_id",
            "channel",
            day=F("submitted_on"),
            department_key=Coalesce("department_id", Value(NO_DEPARTMENT)),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def answer_counts_from_rows(answers=None):
    """``DailyAnswerCount`` rows computed from the answer rows themselves."""
    answers = Answer.objects.all() if answers is None else answers
    return (
        _counted(answers)
        .values(
            "question_id",
            site_id=F("response__site_id"),
            day=F("response__submitted_on"),
            channel=F("response__channel"),
            department_key=Coalesce("response__department_id", Value(NO_DEPARTMENT)),
            value=questions.count_value_expression(),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def office_answer_counts_from_rows(answers=None):
    """``DailyOfficeAnswerCount`` rows computed from the answer rows themselves."""
    answers = Answer.objects.all() if answers is None else answers
    return (
        _counted(answers)
        .values(
            "question_id",
            site_id=F("response__site_id"),
            day=F("response__submitted_on"),
            channel=F("response__channel"),
            value=questions.count_value_expression(),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def department_ratings_from_rows(answers=None):
    """``DailyDepartmentRating`` rows computed from the answer rows themselves."""
    answers = Answer.objects.all() if answers is None else answers
    return (
        answers.filter(question__kind__in=questions.names_where(lambda kind: kind.rated))
        .values(
            site_id=F("response__site_id"),
            day=F("response__submitted_on"),
            version_id=F("response__version_id"),
            channel=F("response__channel"),
            department_key=Coalesce("response__department_id", Value(NO_DEPARTMENT)),
            value=questions.count_value_expression(),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def rows_from_records(responses, answers):
    """Every count table with the rows recomputed from ``responses`` and ``answers``."""
    return [
        (DailyResponseCount, response_counts_from_rows(responses)),
        (DailyAnswerCount, answer_counts_from_rows(answers)),
        (DailyOfficeAnswerCount, office_answer_counts_from_rows(answers)),
        (DailyDepartmentRating, department_ratings_from_rows(answers)),
    ]


@transaction.atomic
def rebuild(site=None, batch_size=5000):
    """Recompute all counts (of one office, if given) from the responses and answers."""
    responses = SurveyResponse.objects.all()
    answers = Answer.objects.all()
    if site is not None:
        responses = responses.filter(site=site)
        answers = answers.filter(response__site=site)
    for model, rows in rows_from_records(responses, answers):
        existing = model.objects.all()
        existing = existing.filter(site=site) if site is not None else existing
        existing.delete()
        batch = []
        for row in rows.iterator(chunk_size=batch_size):
            batch.append(model(month=row["day"].replace(day=1), **row))
            if len(batch) >= batch_size:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)
