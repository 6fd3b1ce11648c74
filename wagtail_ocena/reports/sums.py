"""The period's sums, read from the daily counts with a ``GROUP BY`` each.

Each returns at most a few thousand sums per period, whatever the number of responses.
"""

from collections import defaultdict

from django.db.models import Sum

from .. import questions as question_kinds
from ..models import (
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
)
from ..models.counts import CLUSTER_SUMS


def filtered(queryset, site, period, filters, version_field):
    queryset = queryset.filter(site=site, day__range=(period.start, period.end))
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.department:
        queryset = queryset.filter(department_key=filters.department.pk)
    if filters.version:
        queryset = queryset.filter(**{version_field: filters.version.pk})
    return queryset


def answer_sums(site, period, filters):
    """``(month, question_id, value) -> count`` for the period.

    Office-wide from the office counts; for one department from the detailed counts (by
    their department index), so neither reads more rows than the report covers.
    """
    table = DailyAnswerCount if filters.department else DailyOfficeAnswerCount
    rows = (
        filtered(table.objects, site, period, filters, "question__version_id")
        .values_list("month", "question_id", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {row[:3]: row[3] for row in rows if row[3]}


def department_ratings(site, period, filters):
    """``department_key -> {value: count}`` of all rated areas in the period."""
    rows = (
        filtered(DailyDepartmentRating.objects, site, period, filters, "version_id")
        .values_list("department_key", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    ratings = defaultdict(lambda: defaultdict(int))
    for department, value, total in rows:
        ratings[department][value] += total
    return ratings


def response_sums(site, period, filters):
    """``(month, channel, department_key, version_id) -> count`` for the period."""
    rows = (
        filtered(DailyResponseCount.objects, site, period, filters, "version_id")
        .values_list("month", "channel", "department_key", "version_id")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {row[:4]: row[4] for row in rows if row[4]}


def cluster_sums(site, period, filters):
    """``(month, channel, department_key, version_id) -> {name: total}`` of the
    ``CLUSTER_SUMS`` (``models.counts``) for the period: the responses as clusters of
    ratings, what pooled indices and their intervals are computed from. Groups without a
    response with a rating on the scale are left out (all their sums are 0)."""
    rows = (
        filtered(DailyResponseCount.objects, site, period, filters, "version_id")
        .values_list("month", "channel", "department_key", "version_id")
        .annotate(*(Sum(name) for name in CLUSTER_SUMS))
        .order_by()
    )
    return {row[:4]: dict(zip(CLUSTER_SUMS, row[4:], strict=True)) for row in rows if row[4]}


def department_answer_sums(site, period, filters):
    """``(department_key, question_id, value) -> count`` of the period's answers to rated
    questions' scale, from the detailed counts: each area's index per department."""
    rows = (
        filtered(DailyAnswerCount.objects, site, period, filters, "question__version_id")
        .filter(question__kind__in=question_kinds.names_where(lambda kind: kind.rated))
        .values_list("department_key", "question_id", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {row[:3]: row[3] for row in rows if row[3]}


def days_with_responses(site, period, filters):
    """On how many days of the period at least one response came."""
    return (
        filtered(DailyResponseCount.objects, site, period, filters, "version_id")
        .filter(count__gt=0)
        .values("day")
        .distinct()
        .count()
    )
