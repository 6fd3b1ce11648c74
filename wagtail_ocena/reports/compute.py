"""Every figure of a period report, computed from the daily counts.

Grouped queries on the daily counts (``sums``) bring at most a few thousand sums per
period, whatever the number of responses; the rest is arithmetic on those sums, each
question treated as its kind says (``QuestionType.report_result``). Only the comments
shown are read as answer rows (``comments``), at most ``COMMENT_LIMIT`` of them; for the
PDF they are grouped by text in the database and at most ``COMMENT_GROUP_LIMIT`` groups read.
"""

from collections import defaultdict
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Channel
from ..conf import get_setting
from ..models import Department, OfficeSettings, SurveyVersion
from ..models.counts import NO_DEPARTMENT
from . import comments, sums
from .anonymity import cells_to_hide
from .filters import ReportFilters
from .matching import MatchedQuestions
from .statistics import SCALE, RatingStats, merge
from .structure import (
    Comment,
    CommentGroup,
    DepartmentResult,
    MonthResult,
    OptionCount,
    QuestionResult,
    Report,
)


def _rating(counts):
    return RatingStats({v: counts.get(v, 0) for v in SCALE}, counts.get(0, 0))


class Figures:
    """The period's sums as a question kind reads them to fill its ``QuestionResult``
    (``QuestionType.report_result``)."""

    def __init__(self, questions, answers, previous_answers, responses):
        self.questions = questions
        self.responses = responses
        self.ratings, self.months_rating = _roll_up(answers, questions)
        self.previous_ratings, _ = _roll_up(previous_answers, questions)
        self.by_group = defaultdict(lambda: defaultdict(int))
        for (_month, question_id, value), total in answers.items():
            question = questions.by_id[question_id]
            self.by_group[(question.key, question.kind)][value] += total

    def rating(self, key):
        return _rating(self.ratings.get(key, {}))

    def previous_rating(self, key):
        return _rating(self.previous_ratings[key]) if key in self.previous_ratings else None

    def option_counts(self, result, share_of_questionnaires=False):
        """Each option's count and share, for every wording of the question (newest wins)."""
        versions = self.questions.versions_of(result.key, result.kind)
        order, labels = self.questions.option_labels(versions)
        totals = defaultdict(int)
        for value, total in self.by_group[(result.key, result.kind)].items():
            totals[self.questions.option_keys.get(value)] += total
        if share_of_questionnaires:
            # Shares of the questionnaires that asked it, not of ticks.
            asked_in = {q.version_id for q in versions}
            base = sum(total for k, total in self.responses.items() if k[3] in asked_in)
        else:
            base = sum(totals.values())
        return [
            OptionCount(
                option_key,
                labels[option_key],
                totals.get(option_key, 0),
                100 * totals.get(option_key, 0) / base if base else None,
            )
            for option_key in order
        ]


def build_report(site, period, filters=None, user=None, now=None, group_comments=False):
    """Everything a report states about ``site``'s responses in ``period``.

    With ``group_comments`` (the PDF) its comments are ``comment_groups``, the most frequent
    texts once each with their count, rather than the newest ones one by one.
    """
    filters = filters or ReportFilters()
    minimum = get_setting("REPORT_MINIMUM_GROUP")
    office = OfficeSettings.of(site)
    report = Report(
        office=office,
        period=period,
        previous_period=period.previous(),
        filters=filters,
        generated_at=now or timezone.now(),
        generated_by=user,
        minimum_group=minimum,
    )
    responses = sums.response_sums(site, period, filters)
    previous_responses = sums.response_sums(site, report.previous_period, filters)
    report.responses = sum(responses.values())
    report.previous_responses = sum(previous_responses.values())
    for (_month, channel, _department, _version), total in responses.items():
        report.by_channel[channel] = report.by_channel.get(channel, 0) + total
    # Below the minimum a report shows no figures (all its cells would be hidden, and its
    # total would give them away), and a previous period below it is not compared with.
    if 0 < report.responses < minimum:
        report.withheld = True
        return report
    answers = sums.answer_sums(site, period, filters)
    previous_answers = (
        {}
        if report.previous_responses < minimum
        else sums.answer_sums(site, report.previous_period, filters)
    )
    version_ids = {key[3] for key in responses}
    report.versions = list(
        SurveyVersion.objects.filter(pk__in=version_ids)
        .select_related("page")
        .order_by("created_at")
    )

    questions = MatchedQuestions(
        {key[1] for key in answers} | {key[1] for key in previous_answers}, version_ids
    )
    figures = Figures(questions, answers, previous_answers, responses)
    _question_results(report, questions, figures)
    report.overall = (
        merge(q.rating for q in report.rating_questions) if report.rating_questions else None
    )
    previous_rated = [q.previous for q in report.rating_questions if q.previous is not None]
    report.previous_overall = merge(previous_rated) if previous_rated else None
    _months(report, responses, figures.months_rating)
    _departments(report, site, responses, sums.department_ratings(site, period, filters), minimum)
    if filters.include_comments:
        report.comments_total = sum(
            total
            for (_month, question_id, _value), total in answers.items()
            if questions.by_id[question_id].type.free_text
        )
        if group_comments:
            report.comment_groups = (
                _comment_groups(site, period, filters) if report.comments_total else []
            )
        elif report.comments_total:
            _comments(report, site, period, filters)
    return report


def _roll_up(answers, questions):
    """Rating counts by question key and by month (all rated areas)."""
    by_key = defaultdict(lambda: defaultdict(int))
    by_month = defaultdict(lambda: defaultdict(int))
    for (month, question_id, value), total in answers.items():
        question = questions.by_id.get(question_id)
        if question is None or not question.type.rated:
            continue
        by_key[question.key][value] += total
        by_month[month][value] += total
    return by_key, by_month


def _question_results(report, questions, figures):
    number = 0
    for (key, kind_name), versions in questions.groups:
        kind = versions[0].type
        if kind.report_section is None:
            continue
        number += 1
        result = QuestionResult(
            key=key,
            kind=kind_name,
            text=versions[0].text,
            number=number,
            versions=sorted({q.version.code for q in versions}),
            section=kind.report_section,
            template=kind.report_template,
            multiple=kind.multiple,
        )
        kind.report_result(result, figures)
        (report.profile if kind.report_section == "profile" else report.questions).append(result)


def _months(report, responses, months_rating):
    channels = defaultdict(lambda: defaultdict(int))
    for (month, channel, _department, _version), total in responses.items():
        channels[month][channel] += total
    report.months = [
        MonthResult(
            month=month,
            electronic=channels[month].get(Channel.ELECTRONIC, 0),
            paper=channels[month].get(Channel.PAPER, 0),
            rating=_rating(months_rating.get(month, {})),
        )
        for month in report.period.months()
    ]
    if report.filters.department:
        # In one department's report each month is a department cell.
        for month in cells_to_hide(report.months, report.minimum_group, lambda m: m.total):
            month.rating = None


def _departments(report, site, responses, department_rating, minimum):
    counts = defaultdict(int)
    for (_month, _channel, department, _version), total in responses.items():
        counts[department] += total
    names = {d.pk: d.name for d in Department.objects.for_site(site)}
    names[NO_DEPARTMENT] = str(_("Department not given"))
    rows = [
        DepartmentResult(
            department,
            names.get(department, "?"),
            total,
            _rating(department_rating.get(department, {})),
        )
        for department, total in counts.items()
    ]
    for row in cells_to_hide(rows, minimum, lambda row: row.responses):
        row.rating = None
    # Hidden rows last and by name: their order must not tell their sizes apart.
    report.departments = sorted(
        rows, key=lambda row: (row.hidden, 0 if row.hidden else -row.responses, row.name)
    )


def _comments(report, site, period, filters):
    report.comments = [
        Comment(submitted_on.replace(day=1), text, answer_id, redacted)
        for submitted_on, text, answer_id, redacted in comments.newest_comments(
            site, period, filters
        )
    ]
    hidden = report.hidden_months
    if hidden:
        # A hidden month's comments go without their month, last and by text, so that
        # neither their dates nor their place among the others tells the month.
        shown = [c for c in report.comments if c.month not in hidden]
        report.comments = shown + sorted(
            (replace(c, month=None) for c in report.comments if c.month in hidden),
            key=lambda c: c.text,
        )


def _comment_groups(site, period, filters):
    return [
        CommentGroup(text, count, redacted)
        for text, count, redacted in comments.comment_groups(site, period, filters)
    ]
