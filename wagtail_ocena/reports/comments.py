"""The answer rows a report reads directly: its comments and the raw responses."""

import re

from django.db.models import (
    Case,
    Count,
    Exists,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ..models import Answer, SurveyResponse
from ..models.counts import NO_DEPARTMENT

# The department key under which comment groups of departments a report hides are given.
HIDDEN_DEPARTMENTS = -1

# The admin page: the newest comments, one row each (each with its link to remove the text).
COMMENT_LIMIT = 500
# The PDF: the most frequent texts, each once with its count; the XLSX holds every comment.
COMMENT_GROUP_LIMIT = 100

WHITESPACE = re.compile(r"\s+")


def normalised_text(text):
    """What makes two comments the same one: case and whitespace aside."""
    return WHITESPACE.sub(" ", text).strip().lower()


class NormalisedText(Func):
    """``normalised_text`` in the database, to group comments there."""

    # SQLite has no regexp_replace, and its lower() folds ASCII letters only (not Ł, Ś, Ż):
    # Python's function, registered on each SQLite connection (apps.py).
    function = "wagtail_ocena_normalised_text"
    arity = 1
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # lower() folds as the database's LC_CTYPE does: all Polish letters in a UTF-8 locale.
        return self.as_sql(
            compiler,
            connection,
            template="LOWER(BTRIM(REGEXP_REPLACE(%(expressions)s, '\\s+', ' ', 'g')))",
            **extra_context,
        )


def _scope(site, period, filters, prefix=""):
    lookups = {"site": site, "submitted_on__range": (period.start, period.end)}
    if filters.channel:
        lookups["channel"] = filters.channel
    # By key: a thawed report's filters hold the frozen version and department (``frozen``).
    if filters.department:
        lookups["department_id"] = filters.department.pk
    if filters.version:
        lookups["version_id"] = filters.version.pk
    return {prefix + name: value for name, value in lookups.items()}


def responses_in(site, period, filters):
    """The responses a report covers."""
    return SurveyResponse.objects.filter(**_scope(site, period, filters))


def answers_in(site, period, filters):
    """The answer rows of the responses a report covers (for comments and raw exports)."""
    return Answer.objects.filter(**_scope(site, period, filters, prefix="response__"))


def _newest_first(answers):
    # Within a day by the responses' random ids: answer ids grow with time, and the order
    # residents answered in must not show.
    return answers.open_answers().order_by(
        "-response__submitted_on", "question__position", "response_id"
    )


def comments_queryset(site, period, filters):
    """The open comments of the period, newest first."""
    return _newest_first(answers_in(site, period, filters))


def newest_comments(site, period, filters):
    """(day, text, answer id, redacted) of the comments a report shows: the newest
    ``COMMENT_LIMIT`` of the period."""
    # Only the newest responses with a comment can hold them: picking those first lets the
    # database walk the period backwards and stop, instead of sorting every comment of the
    # period (0.03 s rather than 0.7 s for a year of 500 000 responses on PostgreSQL).
    newest = (
        responses_in(site, period, filters)
        .filter(Exists(Answer.objects.filter(response=OuterRef("pk")).exclude(text="")))
        .order_by("-submitted_on", "-pk")
        .values("pk")[:COMMENT_LIMIT]
    )
    return _newest_first(Answer.objects.filter(response__in=newest)).values_list(
        "response__submitted_on", "text", "pk", "redacted"
    )[:COMMENT_LIMIT]


def comment_groups(site, period, filters, hidden_departments=(), entered_by=None):
    """(department key, text, count, redacted) of the period's ``COMMENT_GROUP_LIMIT`` most
    frequent comments, grouped by department: those of one department with the same
    ``normalised_text`` counted as one and shown by one of their texts, the most frequent
    first, then those said most recently, then by text. Redacted comments make one group of
    their own, under the text that replaced theirs. The departments in ``hidden_departments``
    (keys, ``NO_DEPARTMENT`` among them) share the key ``HIDDEN_DEPARTMENTS``: their
    comments are not told apart. With ``entered_by`` (a time), paper sheets typed in later
    are left out."""
    # Grouped in the database: a year's comments never come to Python. No answer id, and
    # nothing finer than the day to order by: the order residents answered in must not show.
    department = Coalesce("response__department_id", Value(NO_DEPARTMENT))
    hidden = sorted(hidden_departments)
    if hidden:
        department = Case(
            When(
                **{"response__department_id__in": [k for k in hidden if k != NO_DEPARTMENT]},
                then=Value(HIDDEN_DEPARTMENTS),
            ),
            *(
                [When(response__department_id__isnull=True, then=Value(HIDDEN_DEPARTMENTS))]
                if NO_DEPARTMENT in hidden
                else []
            ),
            default=department,
            output_field=IntegerField(),
        )
    answers = answers_in(site, period, filters)
    if entered_by is not None:
        answers = answers.exclude(response__entered_at__gt=entered_by)
    return (
        answers.open_answers()
        .annotate(key=NormalisedText("text"), department_group=department)
        .values("department_group", "redacted", "key")
        .annotate(
            count=Count("pk"),
            sample=Min("text"),
            newest=Max("response__submitted_on"),
        )
        .order_by("-count", "-newest", "key", "redacted", "department_group")
        .values_list("department_group", "sample", "count", "redacted")[:COMMENT_GROUP_LIMIT]
    )
