"""Daily counts of responses and answers: changed with every response, read by reports.

Every change goes through ``count()`` (or ``recount()`` for a correction; a new response's
``count_inserts()`` go with its own rows) inside the transaction that changes the responses,
as one ``INSERT … ON CONFLICT DO UPDATE`` per table with its rows in key order, so concurrent
submissions lock count rows in the same order and cannot deadlock. ``wagtail_ocena.counting.rebuild()`` recomputes them from the answer rows.

Five tables, so that no report reads more rows than it needs: responses; answers per
department (for reports of one department); answers of the whole office; ratings per
department (for the departments' indices); and each rated area's ratings per department and
month (for the areas' indices per department over whole months).
"""

import uuid
from collections import Counter

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils.translation import gettext_lazy as _

from ..choices import POSITIVE_RATINGS, RATING_SCALE
from .inserts import Insert, insert_together

# A response without a department, in the counts' department key (0 is never a primary key).
NO_DEPARTMENT = 0

# ``DailyResponseCount``'s sums over responses (clusters of answers), in this order: with x the
# number of a response's ratings on the scale (of all rated questions), p how many of them are
# positive and s their sum, the number of responses with x > 0, then Σx, Σp, Σs, Σx², Σp², Σs²,
# Σxp and Σxs — what a pooled index's ratio estimator and its linearised variance need.
CLUSTER_SUMS = (
    "rated",
    "answers",
    "positive",
    "score",
    "answers_sq",
    "positive_sq",
    "score_sq",
    "answers_positive",
    "answers_score",
)
_SCALE, _POSITIVE = frozenset(RATING_SCALE), frozenset(POSITIVE_RATINGS)


class DailyCount(models.Model):
    """What every count table has: the office, the day (and its month), the channel and the
    count. ``key`` names the columns of its unique key, in the order rows are written."""

    # Random: sequential ids would tell which answers of a day came first.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wagtail_reference_index_ignore = True
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # The first day of ``day``'s month: reports group by it without a date function.
    month = models.DateField()
    channel = models.CharField(max_length=16)
    count = models.IntegerField(default=0)

    # The columns a change adds to (the rest of a row is its key and month).
    totals = ("count",)

    class Meta:
        abstract = True

    @classmethod
    def key_columns(cls):
        """The columns of the table's unique key, in the order rows are written and locked."""
        (key,) = cls._meta.constraints
        return [cls._meta.get_field(name).column for name in key.fields]


class DailyResponseCount(DailyCount):
    """How many responses an office got per day, version, channel and department.

    Kept up to date in the same transaction as every response, correction and deletion
    (``count()`` below), so that reports read days, not responses. Besides the count, the
    ``CLUSTER_SUMS`` of the responses' ratings: pooled indices over several rated areas treat
    each response as one cluster of answers, and their intervals need these sums.
    """

    version = models.ForeignKey(
        "wagtail_ocena.SurveyVersion", on_delete=models.CASCADE, related_name="+"
    )
    department_key = models.PositiveBigIntegerField(default=NO_DEPARTMENT)
    rated = models.BigIntegerField(default=0)
    answers = models.BigIntegerField(default=0)
    positive = models.BigIntegerField(default=0)
    score = models.BigIntegerField(default=0)
    answers_sq = models.BigIntegerField(default=0)
    positive_sq = models.BigIntegerField(default=0)
    score_sq = models.BigIntegerField(default=0)
    answers_positive = models.BigIntegerField(default=0)
    answers_score = models.BigIntegerField(default=0)

    totals = ("count", *CLUSTER_SUMS)

    class Meta:
        verbose_name = _("daily response count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "version", "channel", "department_key"],
                name="wagtail_ocena_daily_response_key",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.channel}: {self.count}"


class DailyAnswerCount(DailyCount):
    """How many times each answer was given, per office, day, channel and department.

    ``value`` is the rating 1–5 (0 for "not applicable") of a rating question, the chosen
    option's id of a choice question, or 0 for an open answer (counted, so that a report
    knows how many comments there are without reading them). The department question is
    not counted here: it is the ``department_key`` of every row.

    The full detail, read by reports of one department; office-wide reports read the much
    smaller ``DailyOfficeAnswerCount``, and department breakdowns ``DailyDepartmentRating``.
    """

    question = models.ForeignKey(
        "wagtail_ocena.SurveyQuestion", on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveBigIntegerField()
    department_key = models.PositiveBigIntegerField(default=NO_DEPARTMENT)

    class Meta:
        verbose_name = _("daily answer count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "question", "value", "channel", "department_key"],
                name="wagtail_ocena_daily_answer_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["site", "department_key", "day"], name="wagtail_ocena_answer_dept_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.question_id}={self.value}: {self.count}"


class DailyOfficeAnswerCount(DailyCount):
    """``DailyAnswerCount`` summed over departments: what office-wide reports read."""

    question = models.ForeignKey(
        "wagtail_ocena.SurveyQuestion", on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("daily office answer count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "question", "value", "channel"],
                name="wagtail_ocena_daily_office_answer_key",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.question_id}={self.value}: {self.count}"


class DailyDepartmentRating(DailyCount):
    """Ratings of all rated areas together, per day, department, version and channel: what
    a report's per-department satisfaction index reads."""

    version = models.ForeignKey(
        "wagtail_ocena.SurveyVersion", on_delete=models.CASCADE, related_name="+"
    )
    department_key = models.PositiveBigIntegerField(default=NO_DEPARTMENT)
    value = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("daily department rating count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "version", "channel", "department_key", "value"],
                name="wagtail_ocena_daily_department_rating_key",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.department_key}={self.value}: {self.count}"


class MonthlyAreaCount(DailyCount):
    """``DailyAnswerCount``'s rows of rated areas (``kind.rated``) summed over each month:
    what a report's index of each area per department reads for the period's whole months
    (the days of a partial month at its edges come from ``DailyAnswerCount``).

    A month's row in the daily tables' form, so that one upsert and one rebuild serve all
    tables: its ``day`` is always the first day of the month, the same as ``month``.
    """

    question = models.ForeignKey(
        "wagtail_ocena.SurveyQuestion", on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveBigIntegerField()
    department_key = models.PositiveBigIntegerField(default=NO_DEPARTMENT)

    class Meta:
        verbose_name = _("monthly area count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "question", "value", "channel", "department_key"],
                name="wagtail_ocena_monthly_area_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.question_id}={self.value}: {self.count}"


class MonthlyOfficeAnswerCount(DailyCount):
    """``DailyOfficeAnswerCount`` summed over each month: what an office-wide report reads for
    its period's whole months (the days of a partial month at its edges come from the daily
    table). Like ``MonthlyAreaCount``, its ``day`` is the first day of the month."""

    question = models.ForeignKey(
        "wagtail_ocena.SurveyQuestion", on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("monthly office answer count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "question", "value", "channel"],
                name="wagtail_ocena_monthly_office_answer_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.question_id}={self.value}: {self.count}"


def count(response, answers, sign=1):
    """Add (``sign=1``) or take away (``sign=-1``) one response and its answer rows.

    ``answers`` must have their ``question`` loaded (for its kind).
    """
    insert_together(count_inserts(response, answers, sign))


def recount(before, before_answers, after, after_answers):
    """Replace a response's counts by those of its corrected state, one statement a table.

    The old state's totals are taken away and the new one's added, each whole: a cluster sum
    is of one response's own totals (x² of its x), so it cannot be corrected by the answers
    that changed alone."""
    changes = _changes(before, before_answers, -1)
    for model, totals in _changes(after, after_answers, 1).items():
        merged = changes[model]
        for key, values in totals.items():
            old = merged.get(key)
            merged[key] = (
                values if old is None else tuple(a + b for a, b in zip(old, values, strict=True))
            )
    insert_together(_inserts(changes))


def count_inserts(response, answers, sign=1):
    """The ``Insert``s that add (or take away) one response and its answers."""
    return _inserts(_changes(response, answers, sign))


def _changes(response, answers, sign):
    """``{model: {key: totals}}``: what one response adds to each table (times ``sign``),
    ``totals`` being the values of the model's ``totals`` columns."""
    site, channel, day = response.site_id, response.channel, response.submitted_on
    department = response.department_id or NO_DEPARTMENT
    month = day.replace(day=1)
    by_department, by_office, ratings, areas = Counter(), Counter(), Counter(), Counter()
    office_months = Counter()
    x = p = s = 0  # ratings on the scale, positive ones, their sum
    for answer in answers:
        kind = answer.question.type
        if not kind.counted:
            continue
        value = kind.count_value(answer)
        by_department[(site, day, answer.question_id, value, channel, department)] += sign
        by_office[(site, day, answer.question_id, value, channel)] += sign
        office_months[(site, month, answer.question_id, value, channel)] += sign
        if kind.rated:
            ratings[(site, day, response.version_id, channel, department, value)] += sign
            areas[(site, month, answer.question_id, value, channel, department)] += sign
            if value in _SCALE:
                x += 1
                p += value in _POSITIVE
                s += value
    sums = (1, x > 0, x, p, s, x * x, p * p, s * s, x * p, x * s)
    return {
        DailyResponseCount: {
            (site, day, response.version_id, channel, department): tuple(sign * v for v in sums)
        },
        DailyAnswerCount: {key: (n,) for key, n in by_department.items()},
        DailyOfficeAnswerCount: {key: (n,) for key, n in by_office.items()},
        DailyDepartmentRating: {key: (n,) for key, n in ratings.items()},
        MonthlyAreaCount: {key: (n,) for key, n in areas.items()},
        MonthlyOfficeAnswerCount: {key: (n,) for key, n in office_months.items()},
    }


def _inserts(changes):
    return [
        _increment(model, {key: totals for key, totals in rows.items() if any(totals)})
        for model, rows in changes.items()
    ]


def _increment(model, changes):
    """An upsert adding ``changes`` (key tuple -> totals) to ``model``'s rows, in key order."""
    key_columns = model.key_columns()
    day = key_columns.index("day")
    db = connections[DEFAULT_DB_ALIAS]
    adapt = db.ops.adapt_datefield_value
    new_id = model._meta.pk
    rows = []
    for key in sorted(changes):
        month = key[day].replace(day=1)
        rows.append(
            [
                new_id.get_db_prep_value(uuid.uuid4(), db),
                *(adapt(v) if i == day else v for i, v in enumerate(key)),
                adapt(month),
                *changes[key],
            ]
        )
    columns = ["id", *key_columns, "month", *model.totals]
    return Insert(model, columns, rows, key=key_columns, add=model.totals)
