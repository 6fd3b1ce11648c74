"""No file of a report lets a cell it hides be worked out.

Random responses (a fixed seed) in a quarter, with departments and months below the minimum.
For each report (the office, one department, one channel, and reports below the minimum)
the real XLSX (every sheet, read back with openpyxl) and the CSV are read as someone who has
only them would, knowing the questionnaire; what they show is compared with the responses in
the database (the truth, read through the ORM). For every hidden cell (a department, or a month
of one department's report; a report below the minimum is one cell) the test tries:

- raw rows by department or month (both files), and rows under a common "hidden" label when
  they can belong to one cell only;
- the report's totals minus the cells it shows (counts, ratings, options), which give a cell
  away when it is the only one hidden or the hidden ones are fewer than the minimum together;
- comments by month, and the place of a comment without its month among dated ones;
- the figures of the cell itself on its sheet;

and fails if any of them gives a hidden cell's count (a department's; months' counts are
shown by design) or ratings. It checks first that the same reading gives the cells shown
exactly, so that it cannot pass by reading nothing.
"""

import csv
import datetime
import io
import random
from collections import Counter
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.utils.translation import gettext as _

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Answer, Department, SurveyQuestion, SurveyResponse
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period
from wagtail_ocena.reports.spreadsheet import csv_rows, write_xlsx

from .conftest import record_response

pytestmark = pytest.mark.django_db

MINIMUM = 5
QUARTER = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
RATED = ["czas-oczekiwania", "uprzejmosc", "kompetencje", "strona-www"]
# Responses of each department in January, February and March; None names no department.
PLAN = {
    "Urząd Stanu Cywilnego": (9, 4, 1),  # its report hides March and, with it, February
    "Podatki i opłaty lokalne": (3, 3, 3),  # its report hides every month
    "Geodezja": (2, 2, 2),
    "Inne": (0, 2, 0),  # hidden in the office's report, with the responses naming none
    None: (1, 1, 1),
}
PAPER = 4  # paper questionnaires, so the paper report is below the minimum
REPORTS = {
    "office": lambda departments: ReportFilters(),
    "department": lambda departments: ReportFilters(
        department=departments["Urząd Stanu Cywilnego"]
    ),
    "department, every month hidden": lambda departments: ReportFilters(
        department=departments["Podatki i opłaty lokalne"]
    ),
    "electronic": lambda departments: ReportFilters(channel=Channel.ELECTRONIC),
    "paper, below the minimum": lambda departments: ReportFilters(channel=Channel.PAPER),
    "department below the minimum": lambda departments: ReportFilters(
        department=departments["Inne"]
    ),
}


@pytest.fixture
def departments(survey, office, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = MINIMUM
    Department.objects.create(office=office, name="Geodezja", sort_order=9)
    found = {d.name: d for d in Department.objects.for_site(survey.get_site())}
    rng = random.Random(20260331)
    plan = [
        (name, month)
        for name, per_month in PLAN.items()
        for month, count in enumerate(per_month, 1)
        for _number in range(count)
    ]
    paper = set(rng.sample(range(len(plan)), PAPER))
    for index, (name, month) in enumerate(plan):
        answers = {"wydzial": found.get(name), "ogolna-ocena": str(rng.randint(1, 5))}
        for key in rng.sample(RATED, rng.randint(0, len(RATED))):
            answers[key] = rng.choice(["1", "2", "3", "4", "5", "na"])
        if rng.random() < 0.8:
            answers["porownanie"] = rng.choice(["lepsza", "podobna", "gorsza", "nie-wiem"])
        if rng.random() < 0.5 or month == 3:
            answers["uwagi"] = f"Uwaga {index}: {rng.choice(['kolejka', 'parking', 'ok'])}"
        record_response(
            survey,
            answers,
            channel=Channel.PAPER if index in paper else Channel.ELECTRONIC,
            submitted_on=datetime.date(2026, month, rng.randint(1, 28)),
        )
    return found


# --- the truth, from the database --------------------------------------------------------


@dataclass
class Cell:
    label: object  # a department's name (None: not given) or a month's first day
    count: int = 0
    ratings: Counter = field(default_factory=Counter)
    options: Counter = field(default_factory=Counter)
    comments: Counter = field(default_factory=Counter)

    def add(self, response, answers):
        self.count += 1
        for answer in answers:
            question = answer.question
            if question.kind == "rating" and answer.rating is not None:
                self.ratings[answer.rating] += 1
            elif answer.option is not None:
                self.options[(question.text, answer.option.label)] += 1
            elif answer.text:
                self.comments[answer.text] += 1


def truth(site, filters):
    """The report's responses as a whole and by cell: by department, or by month in one
    department's report."""
    responses = SurveyResponse.objects.filter(
        site=site, submitted_on__range=(QUARTER.start, QUARTER.end)
    ).select_related("department")
    if filters.channel:
        responses = responses.filter(channel=filters.channel)
    if filters.department:
        responses = responses.filter(department=filters.department)
    answers = {}
    for answer in Answer.objects.filter(response__in=responses).select_related(
        "question", "option"
    ):
        answers.setdefault(answer.response_id, []).append(answer)
    whole, cells = Cell("report"), {}
    for response in responses:
        if filters.department:
            label = response.submitted_on.replace(day=1)
        else:
            label = response.department.name if response.department else None
        cells.setdefault(label, Cell(label)).add(response, answers.get(response.pk, []))
        whole.add(response, answers.get(response.pk, []))
    return whole, cells


# --- what the files show -----------------------------------------------------------------


def as_number(value):
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def as_day(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


class Files:
    """The report's XLSX and CSV, read back."""

    def __init__(self, report):
        workbook = io.BytesIO()
        write_xlsx(report, workbook)
        self.book = openpyxl.load_workbook(workbook, read_only=True)
        self.xlsx_raw = self._records(self._rows(_("Responses")), until_blank=True)
        text = "".join(csv_rows(report)).lstrip("\ufeff")
        self.csv_raw = self._records(list(csv.reader(io.StringIO(text), delimiter=";")), True)

    def _rows(self, msgid):
        return [list(row) for row in self.book[_(msgid)].iter_rows(values_only=True)]

    @staticmethod
    def _records(rows, until_blank=False):
        header, *rows = rows
        records = []
        for row in rows:
            if all(value in (None, "") for value in row):
                if until_blank:
                    break
                continue
            row = [as_number(value) for value in row] + [None] * (len(header) - len(row))
            record = dict(zip(header, row, strict=False))
            records.append(record)
        return records

    def sheet(self, msgid):
        return self._records(self._rows(msgid))

    @property
    def summary(self):
        return {row[_("Item")]: row[_("Value")] for row in self.sheet("Summary")}


def raw_figures(rows, questionnaire):
    """A group of raw rows as a cell: its count, ratings, options and comments."""
    cell = Cell("rows")
    for row in rows:
        cell.count += 1
        for text in questionnaire["rating"]:
            if isinstance(row.get(text), int):
                cell.ratings[row[text]] += 1
        for text in questionnaire["choice"]:
            if row.get(text):
                cell.options[(text, row[text])] += 1
        for text in questionnaire["open_text"]:
            if row.get(text):
                cell.comments[str(row[text])] += 1
    return cell


def questionnaire_texts():
    # The overall rating is in no sheet's totals of ratings (it is not an area): left out.
    texts = {"rating": set(), "overall_rating": set(), "choice": set(), "open_text": set()}
    for question in SurveyQuestion.objects.all():
        kind = question.kind if question.kind in texts else "choice"
        if question.kind != "department":
            texts[kind].add(question.text)
    return texts


def sheet_totals(files):
    """The report's totals: the rated areas' ratings and the questions' option counts."""
    ratings, options = Counter(), Counter()
    for row in files.sheet("Rated areas"):
        for value in range(1, 6):
            ratings[value] += row[str(value)] or 0
    for msgid in ("Other questions", "Respondent profile"):
        for row in files.sheet(msgid):
            options[(row[_("Question")], row[_("Answer")])] += row[_("Count")] or 0
    return ratings, +options


def same(derived, cell):
    """The group of rows gives the cell's figures (a month's count is shown by design)."""
    counted = not isinstance(cell.label, datetime.date)
    return (
        (derived.count == cell.count or not counted)
        and derived.ratings == cell.ratings
        and derived.options == cell.options
    )


def leaks(report, files, whole, cells, department_report):
    """What the files give away, in words; empty if nothing."""
    questionnaire = questionnaire_texts()
    found = []
    summary = files.summary
    raw_sets = {"XLSX": files.xlsx_raw, "CSV": files.csv_raw}

    if whole.count < MINIMUM:
        # The whole report is one cell: at most its number of questionnaires, and not even
        # that for one department.
        for name, rows in raw_sets.items():
            if rows:
                found.append(f"{name}: {len(rows)} raw rows of a report below the minimum")
        for msgid in ("Rated areas", "Other questions", "Respondent profile", "Comments"):
            if files.sheet(msgid):
                found.append(f"sheet {_(msgid)!r} of a report below the minimum has rows")
        for msgid in ("Areas for improvement", "Departments", "Departments by area", "Channels"):
            if any(v is not None for row in files.sheet(msgid) for v in list(row.values())[1:]):
                found.append(f"sheet {_(msgid)!r} of a report below the minimum has figures")
        if any(row[_("Satisfaction index (%)")] is not None for row in files.sheet("Months")):
            found.append("months' indices of a report below the minimum")
        for item in ("Mean of the rated areas, index", "Mean of the rated areas, mean rating"):
            if summary.get(_(item)) is not None:
                found.append(f"summary {_(item)!r} of a report below the minimum")
        if department_report and summary.get(_("Questionnaires")) == whole.count:
            found.append("the count of one department's report below the minimum")
        return found

    # Which cells the files say they hide.
    if department_report:
        hidden = {
            as_day(row[_("Month")])
            for row in files.sheet("Months")
            if row[_("Satisfaction index (%)")] is None and row[_("total")]
        }
    else:
        not_given = _("Department not given")
        hidden = {
            None if row[_("Department")] == not_given else row[_("Department")]
            for row in files.sheet("Departments")
            if row[_("Questionnaires")] is None
        }
        for row in files.sheet("Departments"):
            if row[_("Questionnaires")] is None and any(
                value is not None for header, value in row.items() if header != _("Department")
            ):
                found.append(f"figures of the hidden department {row[_('Department')]!r}")
    for label, cell in cells.items():
        if cell.count < MINIMUM and label not in hidden:
            found.append(f"cell {label!r} of {cell.count} responses is not hidden")

    hidden_label = _("hidden (anonymity)")

    def attributed(row, label):
        if department_report:
            return as_day(row[_("Date")]).replace(day=1) == label
        return (row[_("Department")] or "") == ("" if label is None else label)

    for name, rows in raw_sets.items():
        in_hidden = []
        for label in sorted(hidden, key=str):
            own = [row for row in rows if attributed(row, label)]
            if own:
                found.append(f"{name}: {len(own)} raw rows of the hidden cell {label!r}")
            in_hidden += own
        # Rows under the common label belong to the hidden cells that have a name.
        common = [row for row in rows if row.get(_("Department")) == hidden_label]
        named = {label for label in hidden if label is not None}
        if common and (len(named) == 1 or sum(cells[label].count for label in named) < MINIMUM):
            found.append(f"{name}: {len(common)} rows labelled hidden can only be {named}")
        # The attack reads the shown cells right (or it would find nothing anywhere).
        for label, cell in cells.items():
            if label not in hidden:
                derived = raw_figures(
                    [row for row in rows if attributed(row, label)], questionnaire
                )
                assert same(derived, cell) and derived.comments == cell.comments, (name, label)
        # Totals minus the cells shown.
        ratings, options = sheet_totals(files)
        shown_rows = [row for row in rows if row not in in_hidden and row not in common]
        shown = raw_figures(shown_rows, questionnaire)
        residual = Cell("the hidden cells", ratings=ratings - shown.ratings)
        residual.options = options - shown.options
        residual.count = summary[_("Questionnaires")] - sum(
            row[_("Questionnaires")] or 0 for row in files.sheet("Departments")
        )
        union = Cell("the hidden cells")
        for label in hidden:
            union.count += cells[label].count
            union.ratings += cells[label].ratings
            union.options += cells[label].options
        assert (residual.ratings, residual.options) == (union.ratings, union.options), name
        if len(hidden) == 1:
            (label,) = hidden
            if same(residual, cells[label]):
                found.append(f"{name}: totals minus the cells shown give the cell {label!r}")
        if hidden and union.count < MINIMUM:
            found.append(f"{name}: the hidden cells have {union.count} responses together")

    # Comments by month.
    comments = files.sheet("Comments")
    months = [as_day(row[_("Month")]) for row in comments]
    if department_report:
        for label in hidden:
            dated = [row for row in comments if as_day(row[_("Month")]) == label]
            if dated:
                found.append(f"{len(dated)} comments of the hidden month {label}")
        unnamed = [i for i, month in enumerate(months) if not isinstance(month, datetime.date)]
        if unnamed and unnamed[0] < max(
            (i for i, month in enumerate(months) if isinstance(month, datetime.date)), default=-1
        ):
            found.append("comments without their month sit among dated ones")
        for label, cell in cells.items():
            if label not in hidden:
                texts = Counter(
                    row[_("Comment")]
                    for row, month in zip(comments, months, strict=True)
                    if month == label
                )
                assert texts == cell.comments, label
    assert len(comments) == whole.comments.total()
    return found


@pytest.mark.parametrize("name", REPORTS)
def test_no_file_of_a_report_gives_a_hidden_cell_away(departments, site, name):
    filters = REPORTS[name](departments)
    report = build_report(site, QUARTER, filters)
    whole, cells = truth(site, filters)

    found = leaks(report, Files(report), whole, cells, bool(filters.department))

    assert not found, "\n".join(found)


def test_the_reports_hide_what_the_test_expects(departments, site):
    """The data hold the cases the test is about."""
    office = build_report(site, QUARTER)
    usc = build_report(site, QUARTER, REPORTS["department"](departments))

    assert {row.name for row in office.departments if row.hidden} == {
        "Inne",
        _("Department not given"),
    }
    assert sorted(usc.hidden_months) == [datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)]
    assert build_report(site, QUARTER, ReportFilters(channel=Channel.PAPER)).withheld
    electronic = build_report(site, QUARTER, ReportFilters(channel=Channel.ELECTRONIC))
    assert electronic.hidden_departments and not electronic.withheld
    assert any(c.text for c in usc.comments)
