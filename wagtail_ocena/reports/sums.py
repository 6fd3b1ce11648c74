"""The period's sums, read from the daily counts with a ``GROUP BY`` each.

Each returns at most a few thousand sums per period, whatever the number of responses.
"""

import datetime
from collections import Counter, defaultdict

from django.db.models import Sum

from .. import questions as question_kinds
from ..models import (
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
    MonthlyAreaCount,
    MonthlyOfficeAnswerCount,
)
from ..models.counts import CLUSTER_SUMS
from .period import Period


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

    Office-wide from the office counts, the period's whole months from the monthly table and
    the days of a month it covers in part from the daily one; for one department from the
    detailed counts (by their department index), so none reads more rows than it needs.
    """
    if filters.department:
        parts = [(DailyAnswerCount, period)]
    else:
        months, days = split_months(period)
        parts = [(MonthlyOfficeAnswerCount, months)] if months else []
        parts += [(DailyOfficeAnswerCount, part) for part in days]
    sums = Counter()
    for table, part in parts:
        rows = (
            filtered(table.objects, site, part, filters, "question__version_id")
            .values_list("month", "question_id", "value")
            .annotate(total=Sum("count"))
            .order_by()
        )
        for month, question, value, total in rows:
            sums[(month, question, value)] += total
    return {key: total for key, total in sums.items() if total}


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
    questions' scale: each area's index per department. The period's whole months are read
    from the monthly counts, the days of a month it covers in part from the detailed ones."""
    months, days = split_months(period)
    parts = [(MonthlyAreaCount, months)] if months else []
    parts += [(DailyAnswerCount, part) for part in days]
    sums = Counter()
    for table, part in parts:
        rows = (
            filtered(table.objects, site, part, filters, "question__version_id")
            .filter(question__kind__in=question_kinds.names_where(lambda kind: kind.rated))
            .values_list("department_key", "question_id", "value")
            .annotate(total=Sum("count"))
            .order_by()
        )
        for department, question, value, total in rows:
            sums[(department, question, value)] += total
    return {key: total for key, total in sums.items() if total}


def split_months(period):
    """``(months, days)``: the ``Period`` of the whole calendar months within ``period`` (or
    None if it has none), and the ``Period``s of the days before and after them (none, one
    or two)."""
    one_day = datetime.timedelta(days=1)
    first = period.start if period.start.day == 1 else _next_month(period.start)
    after = period.end + one_day
    last = period.end if after.day == 1 else period.end.replace(day=1) - one_day
    if first > last:
        return None, [period]
    days = [Period(period.start, first - one_day)] if first > period.start else []
    if last < period.end:
        days.append(Period(last + one_day, period.end))
    return Period(first, last), days


def _next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def days_with_responses(site, period, filters):
    """On how many days of the period at least one response came."""
    return (
        filtered(DailyResponseCount.objects, site, period, filters, "version_id")
        .filter(count__gt=0)
        .values("day")
        .distinct()
        .count()
    )
