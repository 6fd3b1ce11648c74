"""The report structure: every figure of a period report, computed from the daily counts.

Grouped queries on the daily counts — answers by month, question and value; responses by
month, channel, department and version; ratings by department — bring at most a few thousand
sums per period, whatever the number of responses; the rest is arithmetic on those sums. Only
the comments shown are read as answer rows, at most ``COMMENT_LIMIT`` of them.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Channel, QuestionKind
from ..conf import get_setting
from ..models import (
    Answer,
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
    Department,
    OfficeSettings,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from ..models.counts import NO_DEPARTMENT
from .period import Period
from .statistics import SCALE, RatingStats, merge

COMMENT_LIMIT = 500
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.PROFILE)
IMPROVEMENT_AREAS = 5

METHODOLOGY = [
    _(
        "Rated areas use a scale from 1 (bad) to 5 (very good); “not applicable / hard to say” "
        "answers are counted separately and left out of means and indices."
    ),
    _(
        "The satisfaction index is the share of positive answers (4 or 5) among the answers on "
        "the scale. The office's overall index takes the answers of all rated areas together."
    ),
    _(
        "The mean is given with its confidence interval at the 95 per cent level (Student's t "
        "distribution). The previous period is as many calendar months before the report's "
        "(for a period of whole months) or as many days before it. A change of the mean is "
        "marked as significant (*) when the two periods' intervals do not overlap."
    ),
    _(
        "Questions are matched across questionnaire versions by their key; each question shows "
        "the wording of the newest version that asks it."
    ),
]
WITHHELD_NOTE = _(
    "The department has fewer than %(minimum)s responses in this period; to protect "
    "respondents' anonymity its results are not shown."
)
ANONYMITY_NOTE = _(
    "To protect respondents' anonymity, figures of a department with fewer than "
    "%(minimum)s responses in the period are not shown, nor those of the smallest other "
    "departments where the totals would give the hidden ones away; in one department's "
    "report the same holds for its months."
)


@dataclass(frozen=True)
class ReportFilters:
    channel: str = ""
    department: Department | None = None
    version: SurveyVersion | None = None
    include_comments: bool = True

    def as_data(self):
        """The filters as JSON, for the archive; with the names as they were then."""
        return {
            "channel": self.channel,
            "department": self.department.pk if self.department else None,
            "department_name": self.department.name if self.department else "",
            "version": self.version.pk if self.version else None,
            "version_code": self.version.code if self.version else "",
            "include_comments": self.include_comments,
        }

    def describe(self):
        return describe_filters(self.as_data())


def describe_filters(data):
    """The filters of ``ReportFilters.as_data()`` in words, as a list of parts."""
    parts = []
    if data.get("channel"):
        parts.append(Channel(data["channel"]).label)
    if data.get("department"):
        parts.append(data.get("department_name") or f"#{data['department']}")
    if data.get("version"):
        parts.append(data.get("version_code") or f"#{data['version']}")
    if not data.get("include_comments", True):
        parts.append(_("without comments"))
    return parts


@dataclass
class OptionCount:
    key: str
    label: str
    count: int
    share: float | None


@dataclass
class QuestionResult:
    key: str
    kind: str
    text: str
    number: int
    versions: list
    rating: RatingStats | None = None
    previous: RatingStats | None = None
    options: list = field(default_factory=list)

    @property
    def is_rating(self):
        return self.kind == QuestionKind.RATING

    @property
    def is_multiple_choice(self):
        return self.kind == QuestionKind.MULTIPLE_CHOICE

    @property
    def index_change(self):
        if self.rating is None or self.previous is None:
            return None
        current, before = self.rating.satisfaction_index, self.previous.satisfaction_index
        return None if current is None or before is None else current - before

    @property
    def mean_change(self):
        if self.rating is None or self.previous is None:
            return None
        current, before = self.rating.mean, self.previous.mean
        return None if current is None or before is None else current - before

    @property
    def significant(self):
        return self.rating is not None and self.rating.differs_from(self.previous)


@dataclass
class DepartmentResult:
    key: int  # the department's id, or NO_DEPARTMENT
    name: str
    responses: int
    rating: RatingStats | None  # None when hidden for anonymity

    @property
    def hidden(self):
        return self.rating is None


@dataclass
class MonthResult:
    month: object
    electronic: int
    paper: int
    rating: RatingStats | None  # None when hidden for anonymity (one department's report)

    @property
    def total(self):
        return self.electronic + self.paper

    @property
    def satisfaction_index(self):
        return self.rating.satisfaction_index if self.rating is not None else None


@dataclass
class Comment:
    month: object
    text: str


@dataclass
class Report:
    office: OfficeSettings
    period: Period
    previous_period: Period
    filters: ReportFilters
    generated_at: object
    generated_by: object
    minimum_group: int
    # True when one department's report would show fewer than ``minimum_group`` responses.
    withheld: bool = False
    versions: list = field(default_factory=list)
    responses: int = 0
    by_channel: dict = field(default_factory=dict)
    previous_responses: int = 0
    months: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    profile: list = field(default_factory=list)
    overall: RatingStats | None = None
    previous_overall: RatingStats | None = None
    departments: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    comments_total: int = 0

    @property
    def has_data(self):
        return self.responses > 0 and not self.withheld

    @property
    def rating_questions(self):
        return [q for q in self.questions if q.is_rating]

    @property
    def choice_questions(self):
        return [q for q in self.questions if q.kind in CHOICE_KINDS]

    @property
    def lowest_areas(self):
        """Rated areas with the lowest satisfaction index, lowest first."""
        rated = [q for q in self.rating_questions if q.rating.satisfaction_index is not None]
        return sorted(rated, key=lambda q: q.rating.satisfaction_index)[:IMPROVEMENT_AREAS]

    @property
    def declined_areas(self):
        """Rated areas whose index fell most since the previous period."""
        declined = [q for q in self.rating_questions if (q.index_change or 0) < 0]
        return sorted(declined, key=lambda q: q.index_change)[:IMPROVEMENT_AREAS]

    @property
    def overall_index_change(self):
        if not self.overall or not self.previous_overall:
            return None
        current, before = (
            self.overall.satisfaction_index,
            self.previous_overall.satisfaction_index,
        )
        return None if current is None or before is None else current - before

    @property
    def legal_basis(self):
        return self.office.legal_basis or _(
            "The office's ordinance on the customer-satisfaction survey"
        )

    @property
    def previous_hidden(self):
        """One department's previous period below the minimum: not even its count is shown."""
        return bool(self.filters.department) and 0 < self.previous_responses < self.minimum_group

    @property
    def hidden_departments(self):
        return {row.key for row in self.departments if row.hidden}

    @property
    def withheld_note(self):
        return WITHHELD_NOTE % {"minimum": self.minimum_group}

    @property
    def methodology(self):
        return [*METHODOLOGY, ANONYMITY_NOTE % {"minimum": self.minimum_group}]


def _filtered(queryset, site, period, filters, version_field):
    queryset = queryset.filter(site=site, day__range=(period.start, period.end))
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.department:
        queryset = queryset.filter(department_key=filters.department.pk)
    if filters.version:
        queryset = queryset.filter(**{version_field: filters.version.pk})
    return queryset


def _answer_sums(site, period, filters):
    """``(month, question_id, value) -> count`` for the period.

    Office-wide from the office counts; for one department from the detailed counts (by
    their department index), so neither reads more rows than the report covers.
    """
    table = DailyAnswerCount if filters.department else DailyOfficeAnswerCount
    rows = (
        _filtered(table.objects, site, period, filters, "question__version_id")
        .values_list("month", "question_id", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {row[:3]: row[3] for row in rows if row[3]}


def _department_ratings(site, period, filters):
    """``department_key -> {value: count}`` of all rated areas in the period."""
    rows = (
        _filtered(DailyDepartmentRating.objects, site, period, filters, "version_id")
        .values_list("department_key", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    ratings = defaultdict(lambda: defaultdict(int))
    for department, value, total in rows:
        ratings[department][value] += total
    return ratings


def _response_sums(site, period, filters):
    """``(month, channel, department_key, version_id) -> count`` for the period."""
    rows = (
        _filtered(DailyResponseCount.objects, site, period, filters, "version_id")
        .values_list("month", "channel", "department_key", "version_id")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {row[:4]: row[4] for row in rows if row[4]}


class _Questions:
    """The questions behind the counts, matched across versions by (key, kind)."""

    def __init__(self, question_ids, version_ids):
        questions = (
            (
                SurveyQuestion.objects.filter(pk__in=question_ids)
                | SurveyQuestion.objects.filter(version_id__in=version_ids)
            )
            .select_related("version")
            .prefetch_related("options")
        )
        self.by_id = {q.pk: q for q in questions}
        groups = defaultdict(list)
        for question in self.by_id.values():
            groups[(question.key, question.kind)].append(question)
        for versions in groups.values():
            versions.sort(key=lambda q: (q.version.created_at, q.version.number), reverse=True)
        newest_version = max(
            (q.version for q in self.by_id.values()),
            key=lambda v: (v.created_at, v.number),
            default=None,
        )

        def order(item):
            # The newest version's questions in its order, then those it dropped, newer first.
            newest = item[1][0]
            if newest.version == newest_version:
                return (0, 0, newest.position)
            return (1, -newest.version.created_at.timestamp(), newest.position)

        self.groups = sorted(groups.items(), key=order)
        self.option_keys = {
            option.pk: option.key for q in self.by_id.values() for option in q.options.all()
        }

    def option_labels(self, versions):
        labels = {}
        for question in reversed(versions):  # the newest wording wins
            for option in question.options.all():
                labels[option.key] = option.label
        order = []
        for question in versions:
            for option in question.options.all():
                if option.key not in order:
                    order.append(option.key)
        return order, labels


def _rating(counts):
    return RatingStats({v: counts.get(v, 0) for v in SCALE}, counts.get(0, 0))


def build_report(site, period, filters=None, user=None, now=None):
    """Everything a report states about ``site``'s responses in ``period``."""
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
    responses = _response_sums(site, period, filters)
    previous_responses = _response_sums(site, report.previous_period, filters)
    report.responses = sum(responses.values())
    report.previous_responses = sum(previous_responses.values())
    for (_month, channel, _department, _version), total in responses.items():
        report.by_channel[channel] = report.by_channel.get(channel, 0) + total
    # One department's report is a department cell: below the minimum it shows no figures,
    # and a previous period below the minimum is not compared with.
    if filters.department and 0 < report.responses < minimum:
        report.withheld = True
        return report
    answers = _answer_sums(site, period, filters)
    previous_answers = (
        {}
        if filters.department and report.previous_responses < minimum
        else _answer_sums(site, report.previous_period, filters)
    )
    version_ids = {key[3] for key in responses}
    report.versions = list(
        SurveyVersion.objects.filter(pk__in=version_ids)
        .select_related("page")
        .order_by("created_at")
    )

    questions = _Questions(
        {key[1] for key in answers} | {key[1] for key in previous_answers}, version_ids
    )
    rating_by_question, months_rating = _roll_up(answers, questions)
    previous_rating, _ = _roll_up(previous_answers, questions)
    department_rating = _department_ratings(site, period, filters)
    _question_results(report, questions, answers, responses, rating_by_question, previous_rating)
    report.overall = (
        merge(q.rating for q in report.rating_questions) if report.rating_questions else None
    )
    previous_rated = [q.previous for q in report.rating_questions if q.previous is not None]
    report.previous_overall = merge(previous_rated) if previous_rated else None
    _months(report, responses, months_rating)
    _departments(report, site, responses, department_rating, minimum)
    if filters.include_comments:
        report.comments_total = sum(
            total
            for (_month, question_id, _value), total in answers.items()
            if questions.by_id[question_id].kind == QuestionKind.OPEN_TEXT
        )
        if report.comments_total:
            _comments(report, site, period, filters)
    return report


def _roll_up(answers, questions):
    """Rating counts by question key and by month (all rated areas)."""
    by_key = defaultdict(lambda: defaultdict(int))
    by_month = defaultdict(lambda: defaultdict(int))
    for (month, question_id, value), total in answers.items():
        question = questions.by_id.get(question_id)
        if question is None or question.kind != QuestionKind.RATING:
            continue
        by_key[question.key][value] += total
        by_month[month][value] += total
    return by_key, by_month


def _question_results(report, questions, answers, responses, rating_by_question, previous_rating):
    option_totals = defaultdict(lambda: defaultdict(int))
    for (_month, question_id, value), total in answers.items():
        question = questions.by_id.get(question_id)
        if question is not None and question.kind in CHOICE_KINDS:
            option_totals[(question.key, question.kind)][questions.option_keys.get(value)] += total

    number = 0
    for (key, kind), versions in questions.groups:
        if kind not in (QuestionKind.RATING, *CHOICE_KINDS):
            continue
        number += 1
        result = QuestionResult(
            key=key,
            kind=kind,
            text=versions[0].text,
            number=number,
            versions=sorted({q.version.code for q in versions}),
        )
        if kind == QuestionKind.RATING:
            result.rating = _rating(rating_by_question.get(key, {}))
            if key in previous_rating:
                result.previous = _rating(previous_rating[key])
        else:
            order, labels = questions.option_labels(versions)
            totals = option_totals.get((key, kind), {})
            if kind == QuestionKind.MULTIPLE_CHOICE:
                # Shares of the questionnaires that asked it, not of ticks.
                asked_in = {q.version_id for q in versions}
                base = sum(total for k, total in responses.items() if k[3] in asked_in)
            else:
                base = sum(totals.values())
            result.options = [
                OptionCount(
                    option_key,
                    labels[option_key],
                    totals.get(option_key, 0),
                    100 * totals.get(option_key, 0) / base if base else None,
                )
                for option_key in order
            ]
        (report.profile if kind == QuestionKind.PROFILE else report.questions).append(result)


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
        for month in _cells_to_hide(report.months, report.minimum_group, lambda m: m.total):
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
    for row in _cells_to_hide(rows, minimum, lambda row: row.responses):
        row.rating = None
    # Hidden rows last and by name: their order must not tell their sizes apart.
    report.departments = sorted(
        rows, key=lambda row: (row.hidden, 0 if row.hidden else -row.responses, row.name)
    )


def _cells_to_hide(cells, minimum, size):
    """The cells whose figures a report may not show, given each cell's number of responses.

    Those below the minimum, and then the smallest others until the hidden ones add up to
    the minimum: the report's totals minus the cells shown give the hidden ones' sum away.
    """
    sized = sorted((cell for cell in cells if size(cell)), key=size)
    hidden = [cell for cell in sized if size(cell) < minimum]
    shown = [cell for cell in sized if size(cell) >= minimum]
    while shown and 0 < sum(size(cell) for cell in hidden) < minimum:
        hidden.append(shown.pop(0))
    return hidden


def _scope(site, period, filters, prefix=""):
    lookups = {"site": site, "submitted_on__range": (period.start, period.end)}
    if filters.channel:
        lookups["channel"] = filters.channel
    if filters.department:
        lookups["department"] = filters.department
    if filters.version:
        lookups["version"] = filters.version
    return {prefix + name: value for name, value in lookups.items()}


def answers_in(site, period, filters):
    """The answer rows of the responses a report covers (for comments and raw exports)."""
    return Answer.objects.filter(**_scope(site, period, filters, prefix="response__"))


def _newest_first(answers):
    # Within a day by the responses' random ids: answer ids grow with time, and the order
    # residents answered in must not show.
    return (
        answers.filter(question__kind=QuestionKind.OPEN_TEXT)
        .exclude(text="")
        .order_by("-response__submitted_on", "question__position", "response_id")
    )


def comments_queryset(site, period, filters):
    """The open comments of the period, newest first."""
    return _newest_first(answers_in(site, period, filters))


def newest_comments(site, period, filters):
    """(day, text) of the comments a report shows: the newest ``COMMENT_LIMIT`` of the period."""
    # Only the newest responses with a comment can hold them: picking those first lets the
    # database walk the period backwards and stop, instead of sorting every comment of the
    # period (0.03 s rather than 0.7 s for a year of 500 000 responses on PostgreSQL).
    newest = (
        SurveyResponse.objects.filter(**_scope(site, period, filters))
        .filter(Exists(Answer.objects.filter(response=OuterRef("pk")).exclude(text="")))
        .order_by("-submitted_on", "-pk")
        .values("pk")[:COMMENT_LIMIT]
    )
    return _newest_first(Answer.objects.filter(response__in=newest)).values_list(
        "response__submitted_on", "text"
    )[:COMMENT_LIMIT]


def _comments(report, site, period, filters):
    report.comments = [
        Comment(submitted_on.replace(day=1), text)
        for submitted_on, text in newest_comments(site, period, filters)
    ]
