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
from .statistics import RatingStats

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

    @property
    def is_multiple_choice(self):
        return self.multiple

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
    # Only for the admin's link to remove the text; no document shows it.
    answer_id: object = None
    redacted: bool = False


@dataclass
class CommentGroup:
    """Comments of the same text (``comments.normalised_text``), shown once: in the PDF."""

    text: str
    count: int
    redacted: bool = False


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
    overall: RatingStats | None = None
    previous_overall: RatingStats | None = None
    departments: list = field(default_factory=list)
    # The newest comments, one by one (the admin page), or, in a report built for the PDF,
    # ``comment_groups`` instead: the most frequent texts, each once with its count.
    comments: list = field(default_factory=list)
    comment_groups: list | None = None
    comments_total: int = 0

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
        return [*METHODOLOGY, ANONYMITY_NOTE % {"minimum": self.minimum_group}]
