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
from . import comments, effects, sums
from .anonymity import cells_to_hide
from .filters import ReportFilters
from .matching import MatchedQuestions
from .statistics import (
    PERCENT_BOUNDS,
    ClusterSums,
    RatingStats,
    RatioEstimate,
    holm,
    linear_trend,
    merge,
    ratio_difference_test,
    two_proportion_test,
    welch_test,
)
from .structure import (
    HIDDEN_DEPARTMENTS_LABEL,
    ChannelResult,
    Comment,
    CommentGroup,
    Comparison,
    Coverage,
    DepartmentArea,
    DepartmentResult,
    Estimate,
    MonthResult,
    OptionCount,
    QuestionResult,
    Report,
    index_estimate,
)


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

    def rating(self, result):
        return RatingStats.of_counts(self.ratings.get((result.key, result.kind), {}))

    def previous_rating(self, result):
        group = (result.key, result.kind)
        return (
            RatingStats.of_counts(self.previous_ratings[group])
            if group in self.previous_ratings
            else None
        )

    def asked(self, result):
        """The responses whose questionnaire asked the question."""
        asked_in = {q.version_id for q in self.questions.versions_of(result.key, result.kind)}
        return sum(total for k, total in self.responses.items() if k[3] in asked_in)

    def answered(self, result):
        """The answers given to it (on the scale, "not applicable" and options alike)."""
        return sum(self.by_group[(result.key, result.kind)].values())

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


def build_report(
    site, period, filters=None, user=None, now=None, group_comments=False, comment_texts=True
):
    """Everything a report states about ``site``'s responses in ``period``.

    With ``group_comments`` (the PDF) its comments are ``comment_groups``, the most frequent
    texts once each with their count, rather than the newest ones one by one. Without
    ``comment_texts`` only their number is read, from the daily counts like every figure:
    ``add_comment_groups`` reads the texts later (a frozen report, when its file is made).
    """
    filters = filters or ReportFilters()
    minimum = get_setting("REPORT_MINIMUM_GROUP")
    minimum_answers = get_setting("REPORT_MINIMUM_ANSWERS")
    office = OfficeSettings.of(site)
    report = Report(
        office=office,
        period=period,
        previous_period=period.previous(),
        filters=filters,
        generated_at=now or timezone.now(),
        generated_by=user,
        minimum_group=minimum,
        minimum_answers=minimum_answers,
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

    report.coverage = Coverage(
        sums.days_with_responses(site, period, filters), period.days, report.responses
    )
    report.previous_coverage = Coverage(
        sums.days_with_responses(site, report.previous_period, filters),
        report.previous_period.days,
        report.previous_responses,
    )
    report.comparable = report.previous_coverage.sufficient(minimum_answers) and not (
        report.previous_hidden
    )
    clusters = _Clusters(sums.cluster_sums(site, period, filters))
    previous_clusters = (
        _Clusters(sums.cluster_sums(site, report.previous_period, filters))
        if report.comparable
        else None
    )
    office_index = _headline(report, clusters, previous_clusters)
    _areas(report, office_index)
    _months(report, responses, figures.months_rating, clusters)
    _departments(
        report,
        site,
        (period, filters),
        (responses, sums.department_ratings(site, period, filters)),
        (clusters, previous_clusters),
        questions,
    )
    _channels(report, responses, clusters)
    if not (filters.department or filters.channel or filters.version):
        # The office's register: its actions belong to no one department or channel.
        report.actions = effects.report_actions(site, period, minimum_answers)
    if filters.include_comments:
        report.comments_total = sum(
            total
            for (_month, question_id, _value), total in answers.items()
            if questions.by_id[question_id].type.free_text
        )
        if comment_texts and group_comments:
            add_comment_groups(report, site)
        elif comment_texts and report.comments_total:
            _comments(report, site, period, filters)
    return report


def _roll_up(answers, questions):
    """Counts of each question on a scale by (key, kind), and of the rated areas by month."""
    by_key = defaultdict(lambda: defaultdict(int))
    by_month = defaultdict(lambda: defaultdict(int))
    for (month, question_id, value), total in answers.items():
        question = questions.by_id.get(question_id)
        if question is None or not question.type.scale:
            continue
        by_key[(question.key, question.kind)][value] += total
        if question.type.rated:
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


class _Clusters:
    """A period's cluster sums (``ClusterSums``) in total and by month, channel and
    department."""

    def __init__(self, rows):
        self.total = ClusterSums()
        self.by_month = defaultdict(ClusterSums)
        self.by_channel = defaultdict(ClusterSums)
        self.by_department = defaultdict(ClusterSums)
        for (month, channel, department, _version), row in rows.items():
            sums_ = ClusterSums(**row)
            self.total += sums_
            self.by_month[month] += sums_
            self.by_channel[channel] += sums_
            self.by_department[department] += sums_


def _pooled(cluster_sums, minimum):
    """The pooled index of ``cluster_sums`` as the report states it, and its estimate."""
    estimate = cluster_sums.index
    if estimate is None:
        return None, None
    return Estimate(estimate.estimate, estimate.shown_interval(minimum), estimate.responses), (
        estimate
    )


def _pooled_change(current, previous):
    if current is None or previous is None:
        return Comparison()
    return Comparison(
        current.estimate - previous.estimate, ratio_difference_test(current, previous).p
    )


def _headline(report, clusters, previous_clusters):
    """The areas' pooled index and mean, and their changes; returns the index's estimate."""
    minimum = report.minimum_answers
    report.areas_index, index = _pooled(clusters.total, minimum)
    mean = clusters.total.mean
    if mean is not None:
        report.areas_mean = Estimate(mean.estimate, mean.shown_interval(minimum), mean.responses)
    if previous_clusters is not None:
        _estimate, previous_index = _pooled(previous_clusters.total, minimum)
        report.areas_index_change = _pooled_change(index, previous_index)
        report.areas_mean_change = _pooled_change(mean, previous_clusters.total.mean)
    return index


def _binomial(stats):
    """One area's index as a ``RatioEstimate`` with the binomial variance (one answer per
    response), to test it against the office's pooled index."""
    if not stats.n:
        return None
    share = stats.positive / stats.n
    return RatioEstimate(
        100 * share, 100 * 100 * share * (1 - share) / stats.n, stats.n, stats.n, PERCENT_BOUNDS
    )


def _mean(stats, minimum):
    if stats is None or not stats.n:
        return None
    return Estimate(stats.mean, stats.shown_confidence_interval(minimum), stats.n)


def _index_change(current, previous):
    if current is None or previous is None or not current.n or not previous.n:
        return Comparison()
    test = two_proportion_test(current.positive, current.n, previous.positive, previous.n)
    return Comparison(current.satisfaction_index - previous.satisfaction_index, test.p)


def _mean_change(current, previous):
    if current is None or previous is None or not current.n or not previous.n:
        return Comparison()
    test = welch_test(
        current.n,
        current.mean,
        current.standard_deviation,
        previous.n,
        previous.mean,
        previous.standard_deviation,
    )
    return Comparison(current.mean - previous.mean, test.p)


def _with_holm(comparisons):
    """The comparisons with their p-values adjusted by Holm's method, as one family."""
    adjusted = holm([c.p if c.difference is not None else None for c in comparisons])
    return [replace(c, adjusted_p=p) for c, p in zip(comparisons, adjusted, strict=True)]


def _areas(report, office_index):
    """Each rated area's index and mean with their intervals, their changes and the index
    against the office's (``office_index``), each family Holm-corrected across the areas;
    the overall-rating question is figured the same way, outside the families.

    An area is part of the office's index, so the two are positively correlated; testing
    them as independent overstates the variance of their difference: conservative."""
    minimum, areas = report.minimum_answers, report.rating_questions
    for question in [*areas, *filter(None, [report.overall_question])]:
        question.index = index_estimate(question.rating, minimum)
        question.mean = _mean(question.rating, minimum)
        if report.comparable:
            question.index_change = _index_change(question.rating, question.previous)
            question.mean_change = _mean_change(question.rating, question.previous)
    for question in areas:
        area = _binomial(question.rating)
        if office_index is not None and area is not None:
            question.against_office = Comparison(
                area.estimate - office_index.estimate,
                ratio_difference_test(area, office_index).p,
            )
    for name in ("index_change", "mean_change", "against_office"):
        adjusted = _with_holm([getattr(q, name) for q in areas])
        for question, comparison in zip(areas, adjusted, strict=True):
            setattr(question, name, comparison)


def _months(report, responses, months_rating, clusters):
    channels = defaultdict(lambda: defaultdict(int))
    for (month, channel, _department, _version), total in responses.items():
        channels[month][channel] += total
    report.months = [
        MonthResult(
            month=month,
            electronic=channels[month].get(Channel.ELECTRONIC, 0),
            paper=channels[month].get(Channel.PAPER, 0),
            rating=RatingStats.of_counts(months_rating.get(month, {})),
            index=_pooled(clusters.by_month[month], report.minimum_answers)[0],
        )
        for month in report.period.months()
    ]
    if report.filters.department:
        # In one department's report each month is a department cell.
        for month in cells_to_hide(report.months, report.minimum_group, lambda m: m.total):
            month.rating = month.index = None
    points = []
    for number, month in enumerate(report.months):
        estimate = clusters.by_month[month.month].index if month.rating is not None else None
        if estimate is not None and estimate.variance:
            points.append((number, estimate.estimate, estimate.variance))
    report.trend = linear_trend(points)


def _channels(report, responses, clusters):
    """Electronic against paper. A channel's figures are hidden unless at least the minimum
    of its responses lie outside the hidden cells: otherwise, say when all paper sheets came
    from one hidden department, the channel's index would be that department's."""
    minimum = report.minimum_answers
    hidden_months, hidden_departments = report.hidden_months, report.hidden_departments
    shown = defaultdict(int)
    for (month, channel, department, _version), total in responses.items():
        if month not in hidden_months and department not in hidden_departments:
            shown[channel] += total
    report.channels = []
    for channel in Channel:
        if not report.by_channel.get(channel.value):
            continue
        row = ChannelResult(channel.value, channel.label, report.by_channel[channel.value])
        if shown[channel.value] >= report.minimum_group:
            row.index = _pooled(clusters.by_channel[channel.value], minimum)[0]
        else:
            row.hidden = True
        report.channels.append(row)
    if len(report.channels) == 2 and not any(row.hidden for row in report.channels):
        paper = clusters.by_channel[Channel.PAPER].index
        electronic = clusters.by_channel[Channel.ELECTRONIC].index
        report.channel_difference = _pooled_change(paper, electronic)


def _departments(report, site, scope, counts, clusters, questions):
    """Each department's pooled index and, area by area, its index and change; a department
    below the anonymity minimum (and the smallest others, so that totals do not give it
    away) shows its number of responses only.

    ``scope`` is (period, filters); ``counts`` the period's response sums and department
    ratings; ``clusters`` the period's and the previous one's (or None) cluster sums.
    """
    period, filters = scope
    responses, department_ratings = counts
    clusters, previous_clusters = clusters
    minimum, minimum_group = report.minimum_answers, report.minimum_group
    totals = defaultdict(int)
    for (_month, _channel, department, _version), total in responses.items():
        totals[department] += total
    names = {d.pk: d.name for d in Department.objects.for_site(site)}
    names[NO_DEPARTMENT] = str(_("Department not given"))
    rows = [
        DepartmentResult(department, names.get(department, "?"), total, None)
        for department, total in totals.items()
    ]
    hidden = {row.key for row in cells_to_hide(rows, minimum_group, lambda row: row.responses)}
    areas = _department_areas(sums.department_answer_sums(site, period, filters), questions)
    previous_areas = (
        _department_areas(
            sums.department_answer_sums(site, report.previous_period, filters), questions
        )
        if report.comparable
        else {}
    )
    for row in rows:
        if row.key in hidden:
            continue
        row.rating = RatingStats.of_counts(department_ratings.get(row.key, {}))
        row.index, estimate = _pooled(clusters.by_department[row.key], minimum)
        if previous_clusters is not None:
            _before, previous = _pooled(previous_clusters.by_department[row.key], minimum)
            row.index_change = _pooled_change(estimate, previous)
        found = []
        for question in report.rating_questions:
            group = (row.key, question.key, question.kind)
            if group in areas:
                found.append((question, areas[group], previous_areas.get(group)))
        adjusted = _with_holm([_index_change(now, before) for _q, now, before in found])
        row.areas = [
            DepartmentArea(question.key, question.text, index_estimate(now, minimum), change)
            for (question, now, _before), change in zip(found, adjusted, strict=True)
        ]
    # Hidden rows last and by name: their order must not tell their sizes apart.
    report.departments = sorted(
        rows, key=lambda row: (row.hidden, 0 if row.hidden else -row.responses, row.name)
    )


def _department_areas(rows, questions):
    """``(department, key, kind) -> RatingStats`` of the rated areas."""
    counts = defaultdict(lambda: defaultdict(int))
    for (department, question_id, value), total in rows.items():
        question = questions.by_id.get(question_id)
        if question is not None:
            counts[(department, question.key, question.kind)][value] += total
    return {group: RatingStats.of_counts(values) for group, values in counts.items()}


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


def add_comment_groups(report, site, entered_by=None):
    """Set ``report.comment_groups``: the most frequent comments of its period by department,
    in the departments' order (those hidden together, last), each department's most frequent
    first. With ``entered_by`` (a time), paper sheets typed in later are left out: a frozen
    report's comments as they were when its figures were frozen, less those removed since."""
    report.comment_groups = (
        _comment_groups(report, site, report.period, report.filters, entered_by)
        if report.comments_total
        else []
    )


def _comment_groups(report, site, period, filters, entered_by):
    if filters.department:
        rows = comments.comment_groups(site, period, filters, entered_by=entered_by)
        return [CommentGroup(text, count, redacted) for _key, text, count, redacted in rows]
    names = {row.key: row.name for row in report.departments if not row.hidden}
    position = {key: number for number, key in enumerate(names)}
    rows = comments.comment_groups(site, period, filters, report.hidden_departments, entered_by)
    hidden = str(HIDDEN_DEPARTMENTS_LABEL)
    return [
        CommentGroup(text, count, redacted, names.get(key, hidden))
        for key, text, count, redacted in sorted(
            rows, key=lambda row: position.get(row[0], len(position))
        )
    ]
