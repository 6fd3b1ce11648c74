"""The report structure: what a period report states, as plain data.

Computed once (``compute.build_report``) and rendered three ways: the admin page and the PDF
from the same templates, the XLSX by ``spreadsheet``. A result's ``section`` says where the
report shows it, as its question kind decides (``questions``).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ..models import OfficeSettings
from .filters import ReportFilters
from .period import Period
from .statistics import RatingStats, Trend

IMPROVEMENT_AREAS = 5
HIDDEN_DEPARTMENTS_LABEL = _("Departments hidden to protect anonymity")
# Below this (Holm-adjusted) p-value a difference is reported as significant.
SIGNIFICANCE = 0.05

METHODOLOGY = [
    _(
        "Rated areas use a scale from 1 (bad) to 5 (very good); “not applicable / hard to say” "
        "answers are counted separately and left out of means and indices. Every share is of "
        "those who answered the question; “no answer” counts the questionnaires that asked it "
        "and left it unanswered."
    ),
    _(
        "The respondents chose to fill in the questionnaire themselves: the sample is "
        "self-selected, not random, and the figures describe those who answered, not all the "
        "office's clients. The intervals and tests below measure chance variation only."
    ),
    _(
        "The satisfaction index is the share of positive answers (4 or 5) among the answers on "
        "the scale. The mean of the rated areas (the summary's headline) takes the answers of "
        "all rated areas together; the overall-rating question is shown beside it and is not "
        "part of it."
    ),
    _(
        "Every index and mean is given with its 95 per cent interval: for one question's index "
        "Wilson's score interval, for its mean Student's t. For figures pooled over several "
        "areas (the mean of the rated areas, a department's, a month's or a channel's index) "
        "each questionnaire counts as one cluster of answers, with the variance of a ratio "
        "estimator, since one person's answers are not independent of each other. With fewer "
        "than %(minimum)s answers (for pooled figures: questionnaires), or where an interval "
        "would leave the scale, the report states “too few answers for an interval” instead."
    ),
    _(
        "The previous period is as many calendar months before the report's (for a period of "
        "whole months) or as many days before it. It is compared with only if questionnaires "
        "were completed on at least half of its days and there are at least %(minimum)s of "
        "them; otherwise the report says “no comparable data”."
    ),
    _(
        "A change of an index is tested with the two-proportion test, of a mean with Welch's "
        "t test, and of a pooled figure with the cluster-corrected test of a difference of "
        "ratios; an area's index is tested against the office's the same way. Across the areas "
        "of one report (and of one department) the p-values are corrected by Holm's method; a "
        "difference is significant when its corrected p-value is below 0.05. The trend is the "
        "weighted least-squares slope of the monthly index, tested with Student's t."
    ),
    _(
        "Figures are rounded half up, the same in the PDF, on the screen and in the XLSX and "
        "CSV files. Questions are matched across questionnaire versions by their key; each "
        "question shows the wording of the newest version that asks it."
    ),
]
WITHHELD_NOTE = _(
    "The department has fewer than %(minimum)s responses in this period; to protect "
    "respondents' anonymity its results are not shown."
)
# A report of the whole office (or filtered otherwise than by department) below the minimum:
# its number says nothing about a department, so it is shown; nothing else is.
SMALL_REPORT_NOTE = _(
    "Fewer than %(minimum)s questionnaires were completed in this period (with these "
    "filters); to protect respondents' anonymity the report shows only their number: "
    "%(count)s."
)
ANONYMITY_NOTE = _(
    "To protect respondents' anonymity, figures of a department with fewer than "
    "%(minimum)s responses in the period are not shown, nor those of the smallest other "
    "departments where the totals would give the hidden ones away; in one department's "
    "report the same holds for its months."
)


@dataclass(frozen=True)
class Estimate:
    """A figure the report states, with its 95 % interval as shown: None where there are
    too few answers for one (the report says so instead) or none would make sense."""

    value: float | None
    interval: tuple | None = None
    n: int = 0  # the answers behind it (for a pooled figure: the responses)


def index_estimate(stats, minimum):
    """One question's satisfaction index (``RatingStats``) as a report states it, with its
    Wilson interval where it may print one; None without answers."""
    if stats is None or not stats.n:
        return None
    return Estimate(stats.satisfaction_index, stats.shown_index_interval(minimum), stats.n)


@dataclass(frozen=True)
class Comparison:
    """A difference the report tests (a change since the previous period, an area against
    the office's index, paper against electronic), with its two-sided p-value and, where it
    is one of a family (the areas of one report), its p-value after Holm's correction."""

    difference: float | None = None
    p: float | None = None
    adjusted_p: float | None = None

    @property
    def tested_p(self):
        return self.p if self.adjusted_p is None else self.adjusted_p

    @property
    def significant(self):
        return (
            self.difference is not None
            and self.tested_p is not None
            and (self.tested_p < SIGNIFICANCE)
        )


NO_COMPARISON = Comparison()


@dataclass(frozen=True)
class Coverage:
    """How much of a period the responses cover: days with at least one response out of
    its days, and the responses."""

    days_with_responses: int
    days: int
    responses: int

    def sufficient(self, minimum):
        """Enough to compare with: at least half the days, and ``minimum`` responses."""
        return 2 * self.days_with_responses >= self.days and self.responses >= minimum


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
    section: str = ""  # the kind's report_section: "areas", "questions" or "profile"
    template: str = ""  # the kind's report_template, for sections drawn per question
    multiple: bool = False
    rating: RatingStats | None = None
    previous: RatingStats | None = None
    options: list = field(default_factory=list)
    # Responses whose questionnaire asked it but left it unanswered (None where a response
    # may give several answers, which the counts cannot tell apart from several responses).
    skipped: int | None = None
    # Filled for rated questions by compute.build_report:
    index: Estimate | None = None
    mean: Estimate | None = None
    index_change: Comparison = NO_COMPARISON
    mean_change: Comparison = NO_COMPARISON
    # The area's index against the office's (the areas' pooled index).
    against_office: Comparison = NO_COMPARISON

    @property
    def is_multiple_choice(self):
        return self.multiple

    @property
    def significant(self):
        return self.index_change.significant


@dataclass
class DepartmentResult:
    key: int  # the department's id, or NO_DEPARTMENT
    name: str
    responses: int
    rating: RatingStats | None  # None when hidden for anonymity
    index: Estimate | None = None  # the pooled index of its rated areas
    index_change: Comparison = NO_COMPARISON
    areas: list = field(default_factory=list)  # DepartmentArea, in the report's order

    @property
    def hidden(self):
        return self.rating is None


@dataclass(frozen=True)
class DepartmentArea:
    """One rated area's index in one department, and its change."""

    key: str
    text: str
    index: Estimate
    change: Comparison = NO_COMPARISON


@dataclass
class ChannelResult:
    channel: str
    label: str
    responses: int
    index: Estimate | None = None
    hidden: bool = False  # for anonymity (compute._channels)


@dataclass
class MonthResult:
    month: object
    electronic: int
    paper: int
    rating: RatingStats | None  # None when hidden for anonymity (one department's report)
    index: Estimate | None = None  # the pooled index of the rated areas

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
    # Only for the admin's link to remove the text; no document shows it.
    answer_id: object = None
    redacted: bool = False


@dataclass
class CommentGroup:
    """Comments of the same text (``comments.normalised_text``) in one department, shown
    once: in the PDF."""

    text: str
    count: int
    redacted: bool = False
    # The department's name, ``HIDDEN_DEPARTMENTS_LABEL``, or "" in one department's report.
    department: str = ""


@dataclass
class QuestionEffect:
    """A finished action's effect on one linked question: its index in the window before the
    day it was finished and in the window after it, and the test of the change
    (``reports.effects``)."""

    text: str
    before_period: Period
    after_period: Period | None = None
    before: Estimate | None = None
    after: Estimate | None = None
    change: Comparison = NO_COMPARISON
    verdict: str = "too_little_data"  # improved, no_change, worse, too_little_data


@dataclass
class ActionResult:
    """An action of the register as the report lists it, with its effects once finished."""

    description: str
    problem: str
    status: str
    status_label: str
    status_changed_on: object
    deadline: object
    responsible: str
    overdue: bool = False
    effects: list = field(default_factory=list)


@dataclass
class Report:
    office: OfficeSettings
    period: Period
    previous_period: Period
    filters: ReportFilters
    generated_at: object
    generated_by: object
    minimum_group: int
    # True when the report would show fewer than ``minimum_group`` responses: it shows their
    # number (not even that in one department's report) and nothing else.
    withheld: bool = False
    versions: list = field(default_factory=list)
    responses: int = 0
    by_channel: dict = field(default_factory=dict)
    previous_responses: int = 0
    months: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    profile: list = field(default_factory=list)
    # All answers of the rated areas together (their distribution) ...
    overall: RatingStats | None = None
    # ... and the headline: the areas' pooled index and mean, each response one cluster.
    areas_index: Estimate | None = None
    areas_mean: Estimate | None = None
    areas_index_change: Comparison = NO_COMPARISON
    areas_mean_change: Comparison = NO_COMPARISON
    coverage: Coverage | None = None
    previous_coverage: Coverage | None = None
    # The previous period has enough responses over enough of its days to compare with.
    comparable: bool = False
    minimum_answers: int = 30
    trend: Trend | None = None
    channels: list = field(default_factory=list)
    # Paper less electronic, of the pooled index.
    channel_difference: Comparison = NO_COMPARISON
    departments: list = field(default_factory=list)
    # The newest comments, one by one (the admin page), or, in a report built for the PDF,
    # ``comment_groups`` instead: the most frequent texts, each once with its count.
    comments: list = field(default_factory=list)
    comment_groups: list | None = None
    comments_total: int = 0
    # The register's actions since the office's previous approved yearly report, and those
    # still open (``reports.effects``).
    actions: list = field(default_factory=list)

    @property
    def grouped_comments_shown(self):
        """How many of the period's comments the groups shown stand for."""
        return sum(group.count for group in self.comment_groups or ())

    @property
    def has_data(self):
        return self.responses > 0 and not self.withheld

    @property
    def rating_questions(self):
        return [q for q in self.questions if q.section == "areas"]

    @property
    def choice_questions(self):
        return [q for q in self.questions if q.section == "questions"]

    @property
    def overall_question(self):
        """The overall-rating question, shown beside the areas' mean, or None."""
        return next((q for q in self.questions if q.section == "overall"), None)

    def _significant(self, name, sign, order):
        """Up to ``IMPROVEMENT_AREAS`` rated areas whose comparison ``name`` is significant with
        the sign of ``sign``, ordered by ``order``."""
        found = [
            q
            for q in self.rating_questions
            if getattr(q, name).significant and getattr(q, name).difference * sign > 0
        ]
        return sorted(found, key=order)[:IMPROVEMENT_AREAS]

    @property
    def areas_to_improve(self):
        """Rated areas whose index is significantly below the office's, lowest first."""
        return self._significant("against_office", -1, lambda q: q.index.value)

    @property
    def declined_areas(self):
        """Rated areas whose index fell significantly since the previous period, most first."""
        return self._significant("index_change", -1, lambda q: q.index_change.difference)

    @property
    def improved_areas(self):
        """Rated areas whose index rose significantly, most first."""
        return self._significant("index_change", 1, lambda q: -q.index_change.difference)

    @property
    def trend_direction(self):
        """ "up", "down" or "flat" (no significant trend), or None without a trend test."""
        if self.trend is None:
            return None
        if self.trend.p is None or self.trend.p >= SIGNIFICANCE:
            return "flat"
        return "up" if self.trend.slope > 0 else "down"

    @property
    def legal_basis_missing(self):
        return self.office.legal_basis_missing

    @property
    def legal_basis(self):
        return self.office.legal_basis.strip() or _("not given in the office data")

    @property
    def previous_hidden(self):
        """One department's previous period below the minimum: not even its count is shown."""
        return bool(self.filters.department) and 0 < self.previous_responses < self.minimum_group

    @property
    def hidden_departments(self):
        return {row.key for row in self.departments if row.hidden}

    @property
    def hidden_months(self):
        """The months whose figures one department's report hides (first days)."""
        return {m.month for m in self.months if m.rating is None and m.total}

    @property
    def withheld_note(self):
        if not self.filters.department:
            return SMALL_REPORT_NOTE % {"minimum": self.minimum_group, "count": self.responses}
        return WITHHELD_NOTE % {"minimum": self.minimum_group}

    @property
    def methodology(self):
        return [
            *(text % {"minimum": self.minimum_answers} for text in METHODOLOGY),
            ANONYMITY_NOTE % {"minimum": self.minimum_group},
        ]
