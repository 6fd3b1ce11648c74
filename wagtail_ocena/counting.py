"""Daily counts of responses and answers: changed with every response, read by reports.

Every change goes through ``count()`` (or ``recount()`` for a correction) inside the
transaction that changes the responses, as one ``INSERT … ON CONFLICT DO UPDATE`` per table
with its rows in key order, so concurrent submissions lock count rows in the same order and
cannot deadlock. ``rebuild()`` recomputes
everything from the answer rows.

Four tables, so that no report reads more rows than it needs (``models/counts.py``):
responses; answers per department (for reports of one department); answers of the whole
office; and ratings per department (for the departments' indices).
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import Coalesce

from .choices import QuestionKind
from .models import (
    Answer,
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
    SurveyResponse,
)
from .models.counts import NO_DEPARTMENT

RATING = QuestionKind.RATING
OPEN_TEXT = QuestionKind.OPEN_TEXT
COUNTED_KINDS = (
    QuestionKind.RATING,
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.PROFILE,
    QuestionKind.OPEN_TEXT,
)
RESPONSE_KEY = ("site_id", "day", "version_id", "channel", "department_key")
ANSWER_KEY = ("site_id", "day", "question_id", "value", "channel", "department_key")
OFFICE_ANSWER_KEY = ("site_id", "day", "question_id", "value", "channel")
DEPARTMENT_RATING_KEY = ("site_id", "day", "version_id", "channel", "department_key", "value")
COUNT_KEYS = {
    DailyResponseCount: RESPONSE_KEY,
    DailyAnswerCount: ANSWER_KEY,
    DailyOfficeAnswerCount: OFFICE_ANSWER_KEY,
    DailyDepartmentRating: DEPARTMENT_RATING_KEY,
}


def answer_value(answer, kind):
    """The counts' value of an answer: the rating (0 = not applicable), the option's id, or
    0 for a comment (counted, not read)."""
    if kind == RATING:
        return 0 if answer.not_applicable else answer.rating
    if kind == OPEN_TEXT:
        return 0
    if kind in COUNTED_KINDS:
        return answer.option_id
    return None


def count(response, answers, sign=1):
    """Add (``sign=1``) or take away (``sign=-1``) one response and its answer rows.

    ``answers`` must have their ``question`` loaded (for its kind).
    """
    _apply(_changes(response, answers, sign))


def recount(before, before_answers, after, after_answers):
    """Replace a response's counts by those of its corrected state, one statement a table."""
    changes = _changes(before, before_answers, -1)
    for model, counts in _changes(after, after_answers, 1).items():
        changes[model].update(counts)
    _apply(changes)


def _changes(response, answers, sign):
    site, channel, day = response.site_id, response.channel, response.submitted_on
    department = response.department_id or NO_DEPARTMENT
    by_department, by_office, ratings = Counter(), Counter(), Counter()
    for answer in answers:
        kind = answer.question.kind
        value = answer_value(answer, kind)
        if value is None:
            continue
        by_department[(site, day, answer.question_id, value, channel, department)] += sign
        by_office[(site, day, answer.question_id, value, channel)] += sign
        if kind == RATING:
            ratings[(site, day, response.version_id, channel, department, value)] += sign
    return {
        DailyResponseCount: Counter({(site, day, response.version_id, channel, department): sign}),
        DailyAnswerCount: by_department,
        DailyOfficeAnswerCount: by_office,
        DailyDepartmentRating: ratings,
    }


def _apply(changes):
    for model, counts in changes.items():
        _increment(model, COUNT_KEYS[model], {k: n for k, n in counts.items() if n})


def _increment(model, key_columns, counts):
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
    day = key_columns.index("day")
    adapt = connection.ops.adapt_datefield_value
    params = []
    for key in sorted(counts):
        month = key[day].replace(day=1)
        params += [adapt(v) if i == day else v for i, v in enumerate(key)]
        params += [adapt(month), counts[key]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _value():
    return Case(
        When(question__kind=RATING, then=Coalesce("rating", Value(0))),
        When(question__kind=OPEN_TEXT, then=Value(0)),
        default=F("option_id"),
        output_field=IntegerField(),
    )


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
        answers.filter(question__kind__in=COUNTED_KINDS)
        .values(
            "question_id",
            site_id=F("response__site_id"),
            day=F("response__submitted_on"),
            channel=F("response__channel"),
            department_key=Coalesce("response__department_id", Value(NO_DEPARTMENT)),
            value=_value(),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def office_answer_counts_from_rows(answers=None):
    """``DailyOfficeAnswerCount`` rows computed from the answer rows themselves."""
    answers = Answer.objects.all() if answers is None else answers
    return (
        answers.filter(question__kind__in=COUNTED_KINDS)
        .values(
            "question_id",
            site_id=F("response__site_id"),
            day=F("response__submitted_on"),
            channel=F("response__channel"),
            value=_value(),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def department_ratings_from_rows(answers=None):
    """``DailyDepartmentRating`` rows computed from the answer rows themselves."""
    answers = Answer.objects.all() if answers is None else answers
    return (
        answers.filter(question__kind=RATING)
        .values(
            site_id=F("response__site_id"),
            day=F("response__submitted_on"),
            version_id=F("response__version_id"),
            channel=F("response__channel"),
            department_key=Coalesce("response__department_id", Value(NO_DEPARTMENT)),
            value=Coalesce("rating", Value(0)),
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
