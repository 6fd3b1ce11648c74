"""Rebuilding the daily counts (``models/counts.py``) from the responses and answer rows.

After a bulk import, or to check them: ``manage.py rebuild_survey_counts``. The
``*_from_rows`` functions compute each table's rows with a ``GROUP BY`` over the rows
themselves; a test holds them equal to the counts kept with every response.
"""

from django.db import connections, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from . import questions
from .choices import POSITIVE_RATINGS, RATING_SCALE
from .models import (
    Answer,
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
    MonthlyAreaCount,
    MonthlyOfficeAnswerCount,
    SurveyResponse,
)
from .models.counts import CLUSTER_SUMS, NO_DEPARTMENT


def _counted(answers):
    return answers.filter(question__kind__in=questions.names_where(lambda kind: kind.counted))


def ratings_per_response(answers=None):
    """Per response with a rating on the scale (of any rated question): ``ratings`` (how
    many), ``positive`` (how many of them) and ``score`` (their sum), as a ``GROUP BY``."""
    answers = Answer.objects.all() if answers is None else answers

    def rated(kind):
        return kind.rated

    return (
        answers.filter(question__kind__in=questions.names_where(rated))
        .alias(value=questions.count_value_expression(rated))
        .filter(value__in=RATING_SCALE)
        .values("response_id")
        .annotate(
            ratings=Count("pk"),
            positive=Count("pk", filter=Q(value__in=POSITIVE_RATINGS)),
            score=Sum("value"),
        )
        .order_by()
    )


# Each cluster sum over the responses of a key, from their per-response totals (``c``).
_CLUSTER_SUMS_SQL = {
    "rated": "COUNT(c.response_id)",
    "answers": "SUM(c.ratings)",
    "positive": "SUM(c.positive)",
    "score": "SUM(c.score)",
    "answers_sq": "SUM(c.ratings * c.ratings)",
    "positive_sq": "SUM(c.positive * c.positive)",
    "score_sq": "SUM(c.score * c.score)",
    "answers_positive": "SUM(c.ratings * c.positive)",
    "answers_score": "SUM(c.ratings * c.score)",
}


class GroupedRows:
    """The rows of one SQL ``GROUP BY`` as dicts, converted by the model's fields: read as a
    queryset's ``values()`` is, for what the ORM cannot say (a sum of per-response sums)."""

    def __init__(self, model, using, sql, params):
        self.model, self.using, self.sql, self.params = model, using, sql, params

    def iterator(self, chunk_size=2000):
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            names = [column[0] for column in cursor.description]
            fields = [self.model._meta.get_field(name) for name in names]
            while rows := cursor.fetchmany(chunk_size):
                for row in rows:
                    yield {
                        name: field.to_python(value)
                        for name, field, value in zip(names, fields, row, strict=True)
                    }

    def __iter__(self):
        return self.iterator()


def response_counts_from_rows(responses=None, answers=None):
    """``DailyResponseCount`` rows computed from the responses and their answer rows.

    One statement: the responses, each joined to its ``ratings_per_response()`` (``answers``,
    by default those of ``responses``), grouped by the table's key.
    """
    if answers is None:
        answers = (
            Answer.objects.all()
            if responses is None
            else Answer.objects.filter(response__in=responses)
        )
    responses = SurveyResponse.objects.all() if responses is None else responses
    keys = responses.values(
        "site_id",
        "version_id",
        "channel",
        day=F("submitted_on"),
        department_key=Coalesce("department_id", Value(NO_DEPARTMENT)),
        response=F("pk"),
    ).order_by()
    clusters = ratings_per_response(answers)
    using = responses.db
    quote = connections[using].ops.quote_name
    key_sql, key_params = keys.query.get_compiler(using, elide_empty=False).as_sql()
    cluster_sql, cluster_params = clusters.query.get_compiler(using, elide_empty=False).as_sql()
    key = ", ".join(f"r.{quote(column)}" for column in DailyResponseCount.key_columns())
    sums = ", ".join(
        f"COALESCE({_CLUSTER_SUMS_SQL[name]}, 0) AS {quote(name)}" for name in CLUSTER_SUMS
    )
    # Only quoted names and the ORM's own SQL are interpolated; values are parameters.
    sql = (
        f"SELECT {key}, COUNT(*) AS {quote('count')}, {sums} "  # noqa: S608
        f"FROM ({key_sql}) r LEFT JOIN ({cluster_sql}) c ON c.response_id = r.response "
        f"GROUP BY {key}"
    )
    return GroupedRows(DailyResponseCount, using, sql, [*key_params, *cluster_params])


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


def office_answer_counts_from_rows(answers=None, by_month=False):
    """``DailyOfficeAnswerCount`` rows computed from the answer rows themselves (or, by month,
    ``MonthlyOfficeAnswerCount`` rows, ``day`` being the month's first day)."""
    answers = Answer.objects.all() if answers is None else answers
    day = TruncMonth if by_month else F
    return (
        _counted(answers)
        .values(
            "question_id",
            site_id=F("response__site_id"),
            day=day("response__submitted_on"),
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


def monthly_area_counts_from_rows(answers=None):
    """``MonthlyAreaCount`` rows computed from the answer rows themselves (``day`` being the
    first day of the month)."""
    answers = Answer.objects.all() if answers is None else answers
    rated = questions.names_where(lambda kind: kind.rated)
    return (
        answers.filter(question__kind__in=rated)
        .values(
            "question_id",
            site_id=F("response__site_id"),
            day=TruncMonth("response__submitted_on"),
            channel=F("response__channel"),
            department_key=Coalesce("response__department_id", Value(NO_DEPARTMENT)),
            value=questions.count_value_expression(lambda kind: kind.rated),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def rows_from_records(responses, answers):
    """Every count table with the rows recomputed from ``responses`` and ``answers``."""
    return [
        (DailyResponseCount, response_counts_from_rows(responses, answers)),
        (DailyAnswerCount, answer_counts_from_rows(answers)),
        (DailyOfficeAnswerCount, office_answer_counts_from_rows(answers)),
        (DailyDepartmentRating, department_ratings_from_rows(answers)),
        (MonthlyAreaCount, monthly_area_counts_from_rows(answers)),
        (MonthlyOfficeAnswerCount, office_answer_counts_from_rows(answers, by_month=True)),
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
