"""Daily counts of responses and answers: changed with every response, read by reports.

Every change goes through ``count()`` inside the transaction that changes the responses, as
one ``INSERT … ON CONFLICT DO UPDATE`` per table with its rows in key order, so concurrent
submissions lock count rows in the same order and cannot deadlock. ``rebuild()`` recomputes
everything from the answer rows.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from .choices import QuestionKind
from .models import Answer, DailyAnswerCount, DailyResponseCount, SurveyResponse
from .models.counts import NO_DEPARTMENT

RATING = QuestionKind.RATING
COUNTED_KINDS = (
    QuestionKind.RATING,
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.PROFILE,
)
RESPONSE_KEY = ("site_id", "day", "version_id", "channel", "department_key")
ANSWER_KEY = ("site_id", "day", "question_id", "value", "channel", "department_key")


def answer_value(answer, kind):
    """The counts' value of an answer: the rating (0 = not applicable) or the option's id."""
    if kind == RATING:
        return 0 if answer.not_applicable else answer.rating
    if kind in COUNTED_KINDS:
        return answer.option_id
    return None


def count(response, answers, sign=1):
    """Add (``sign=1``) or take away (``sign=-1``) one response and its answer rows.

    ``answers`` must have their ``question`` loaded (for its kind).
    """
    department = response.department_id or NO_DEPARTMENT
    day = connection.ops.adapt_datefield_value(response.submitted_on)
    month = connection.ops.adapt_datefield_value(response.submitted_on.replace(day=1))
    _increment(
        DailyResponseCount,
        RESPONSE_KEY,
        {(response.site_id, day, response.version_id, response.channel, department): sign},
        month,
    )
    answer_counts = Counter()
    for answer in answers:
        value = answer_value(answer, answer.question.kind)
        if value is not None:
            key = (response.site_id, day, answer.question_id, value, response.channel, department)
            answer_counts[key] += sign
    _increment(DailyAnswerCount, ANSWER_KEY, answer_counts, month)


def _increment(model, key_columns, counts, month):
    if not counts:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*key_columns, "month", "count"]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Only quoted identifiers of this module are interpolated; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"VALUES {', '.join([row] * len(counts))} "
        f"ON CONFLICT ({', '.join(map(quote, key_columns))}) "
        f"DO UPDATE SET {quote('count')} = {table}.{quote('count')} + excluded.{quote('count')}"
    )
    params = [value for key in sorted(counts) for value in (*key, month, counts[key])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def response_counts_from_rows(responses=None):
    """``DailyResponseCount`` rows computed from the responses themselves."""
    responses = SurveyResponse.objects.all() if responses is None else responses
    return (
        responses.values(
            "site_id",
            "version_id",
            "channel",
            day=F("submitted_on"),
            month=TruncMonth("submitted_on"),
            department_key=Coalesce("department_id", Value(NO_DEPARTMENT)),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def answer_counts_from_rows(answers=None):
    """``DailyAnswerCount`` rows computed from the answer rows themselves."""
    answers = Answer.objects.all() if answers is None else answers
    return (
        answers.filter(question__kind__in=COUNTED_KINDS)
        .values(
            "question_id",
            site_id=F("response__site_id"),
            day=F("response__submitted_on"),
            month=TruncMonth("response__submitted_on"),
            channel=F("response__channel"),
            department_key=Coalesce("response__department_id", Value(NO_DEPARTMENT)),
            value=Case(
                When(question__kind=RATING, then=Coalesce("rating", Value(0))),
                default=F("option_id"),
                output_field=IntegerField(),
            ),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


@transaction.atomic
def rebuild(site=None, batch_size=5000):
    """Recompute all counts (of one office, if given) from the responses and answers."""
    responses = SurveyResponse.objects.all()
    answers = Answer.objects.all()
    response_counts = DailyResponseCount.objects.all()
    answer_counts = DailyAnswerCount.objects.all()
    if site is not None:
        responses = responses.filter(site=site)
        answers = answers.filter(response__site=site)
        response_counts = response_counts.filter(site=site)
        answer_counts = answer_counts.filter(site=site)
    response_counts.delete()
    answer_counts.delete()
    for model, rows in (
        (DailyResponseCount, response_counts_from_rows(responses)),
        (DailyAnswerCount, answer_counts_from_rows(answers)),
    ):
        batch = []
        for row in rows.iterator(chunk_size=batch_size):
            batch.append(model(**row))
            if len(batch) >= batch_size:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)
