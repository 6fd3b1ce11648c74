"""The report as XLSX (XlsxWriter, constant memory) and the raw responses as CSV.

Both stream the raw responses from the database, one response per row, so memory stays
flat however many there are. Text that a spreadsheet would run as a formula (starting with
=, +, -, @, tab or carriage return) is prefixed with an apostrophe, and control characters,
which XLSX cannot hold, are dropped.
"""

import csv
import datetime
import itertools
import operator

import xlsxwriter
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import questions as question_kinds
from ..choices import Channel
from ..models import (
    Answer,
    Department,
    QuestionOption,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from ..names import version_code
from ..text import strip_control_characters
from .comments import _scope, comments_queryset
from .statistics import SCALE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAW_CHUNK = 5000
# Responses whose answers one query reads (SQLite's backend allows 999 parameters).
RESPONSES_PER_QUERY = 999


def neutralise(value):
    """A cell value that no spreadsheet will evaluate as a formula."""
    if not isinstance(value, str):
        return value
    value = strip_control_characters(value)  # first: "\x01=…" must not become a formula
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _raw_questions(report):
    """The columns of the raw sheet: one per question key, in the report's order."""
    # The department has its own column, from the response.
    questions = SurveyQuestion.objects.filter(version__in=report.versions).exclude(
        kind__in=question_kinds.names_where(lambda kind: kind.sets_department)
    )
    if report.filters.version:
        questions = questions.filter(version=report.filters.version)
    keys = {}
    for question in questions.select_related("version").order_by(
        "-version__created_at", "position"
    ):
        keys.setdefault(question.key, question.text)
    ordered = [q.key for q in (*report.questions, *report.profile) if q.key in keys]
    ordered += [key for key in keys if key not in ordered]
    return [(key, keys[key]) for key in ordered]


class _Unset:
    """No answer row has filled the cell yet (a filled cell may hold None)."""


UNSET = _Unset()
# What an answer row is to the raw sheet besides a column: no column (the department
# question, whose answer is the response's own column; a question the sheet does not show);
# or, in an export without comments, an open answer, which is not read at all.
NO_COLUMN = -1
LEFT_OUT = -2


def _database_rows(queryset, chunked=True):
    """The rows of a ``values_list`` queryset as the database driver returns them.

    Django's own iteration converts every value on the way (on SQLite it builds a UUID and a
    date for each of a million answer rows, half the time of the export); the raw export
    converts what it uses, once per response or per distinct value. Ids come back in the
    database's own form (on SQLite a UUID is its hex string), the same in every query: they
    are only compared and sent back as parameters.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    chunks = compiler.execute_sql(MULTI, chunked_fetch=chunked, chunk_size=RAW_CHUNK)
    return itertools.chain.from_iterable(chunks)


class _Labels:
    """What the raw rows name by id, each read once: the departments, and for every
    questionnaire version met its code, its questions (their column and kind) and options."""

    def __init__(self, report, columns):
        hidden = report.hidden_departments
        hidden_label = _("hidden (anonymity)")
        self.department_names = {}
        self.response_departments = {None: ""}
        for pk, name in Department.objects.for_site(report.office.site).values_list("pk", "name"):
            self.department_names[pk] = name
            self.response_departments[pk] = neutralise(hidden_label if pk in hidden else name)
        self.channels = {value: neutralise(str(label)) for value, label in Channel.choices}
        self.columns = {key: index for index, (key, _text) in enumerate(columns)}
        self.width = len(columns)
        self.include_comments = report.filters.include_comments
        self.days = {}
        self.versions = {}
        # question id: (column, kind, position); option id: (label, position).
        self.questions = {}
        self.options = {}
        # (column, cell) of an answer without text, by its (question, rating, not
        # applicable, option, department): a few hundred stand for a million answer rows.
        self.cells = {}

    def day(self, value):
        day = self.days.get(value)
        if day is None:
            # As the database driver gives it: a date, or its ISO text (SQLite).
            day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
            if isinstance(day, datetime.datetime):
                day = day.date()
            self.days[value] = day
        return day

    def channel(self, value):
        label = self.channels.get(value)
        return neutralise(str(value)) if label is None else label

    def department(self, department_id):
        return self.response_departments.get(department_id, "")

    def version(self, version_id):
        """The version's code; its questions and options are known from then on."""
        code = self.versions.get(version_id)
        if code is None:
            code = self.versions[version_id] = self._load_version(version_id)
        return code

    def _load_version(self, version_id):
        page_id, number = SurveyVersion.objects.values_list("page_id", "number").get(pk=version_id)
        rows = SurveyQuestion.objects.filter(version_id=version_id).values_list(
            "pk", "key", "kind", "position"
        )
        for pk, key, kind_name, position in rows:
            kind = question_kinds.get(kind_name)
            if kind.free_text and not self.include_comments:
                column = LEFT_OUT
            else:
                column = self.columns.get(key, NO_COLUMN)
            self.questions[pk] = (column, kind, position)
        options = QuestionOption.objects.filter(question__version_id=version_id)
        for pk, label, position in options.values_list("pk", "label", "position"):
            self.options[pk] = (label, position)
        return neutralise(version_code(page_id, number))

    def question(self, question_id):
        """For an answer to a question of another version than its response's."""
        if question_id not in self.questions:
            self.version(
                SurveyQuestion.objects.values_list("version_id", flat=True).get(pk=question_id)
            )
        return self.questions[question_id]

    def option(self, option_id):
        if option_id is None:
            return None, -1
        if option_id not in self.options:
            self.options[option_id] = QuestionOption.objects.values_list("label", "position").get(
                pk=option_id
            )
        return self.options[option_id]

    def department_name(self, department_id):
        if department_id is None:
            return None
        if department_id not in self.department_names:
            self.department_names[department_id] = Department.objects.values_list(
                "name", flat=True
            ).get(pk=department_id)
        return self.department_names[department_id]

    def value(self, kind, row):
        """What ``kind`` writes for the answer row, before neutralising."""
        _response, _question, rating, not_applicable, option_id, department_id, text = row
        return kind.cell(
            rating,
            bool(not_applicable),
            self.option(option_id)[0],
            self.department_name(department_id),
            text,
        )

    def answer_cells(self, rows):
        """The answer cells of one response's rows; None if none of them is read."""
        known = self.cells
        cells = [UNSET] * self.width
        read = several = False
        for row in rows:
            if row[6]:
                column, cell = self._cell(row)
            else:
                key = row[1:6]
                found = known.get(key)
                if found is None:
                    found = known[key] = self._cell(row)
                column, cell = found
            if column < 0:
                read = read or column == NO_COLUMN
                continue
            read = True
            if cells[column] is UNSET:
                cells[column] = cell
            else:
                several = True
        if not read:
            return None
        if several:
            return self._joined(rows)
        return [None if cell is UNSET else cell for cell in cells]

    def _cell(self, row):
        """(column, neutralised cell) of an answer row."""
        column, kind, _position = self.questions.get(row[1]) or self.question(row[1])
        return column, None if column < 0 else neutralise(self.value(kind, row))

    def _joined(self, rows):
        """Cells where a question has several answer rows (multiple choice): its values in
        the order of the questionnaire, joined by "; "."""
        questions = self.questions
        cells = [None] * self.width
        for row in sorted(rows, key=lambda row: (questions[row[1]][2], self.option(row[4])[1])):
            column, kind, _position = questions[row[1]]
            if column < 0:
                continue
            value = self.value(kind, row)
            cells[column] = value if cells[column] is None else f"{cells[column]}; {value}"
        return [neutralise(cell) for cell in cells]


def _responses(report):
    return (
        SurveyResponse.objects.filter(**_scope(report.office.site, report.period, report.filters))
        .order_by("submitted_on", "pk")
        .values_list("pk", "submitted_on", "channel", "department_id", "version_id")
    )


def _response_rows(responses, labels):
    """The rows of a chunk of responses: their answers in one query, grouped here."""
    rows = (
        Answer.objects.filter(response_id__in=[response[0] for response in responses])
        .order_by("response_id")
        .values_list(
            "response_id", "question_id", "rating", "not_applicable", "option_id",
            "department_id", "text",
        )
    )  # fmt: skip
    answers = {
        response_id: list(group)
        for response_id, group in itertools.groupby(
            _database_rows(rows, chunked=False), key=operator.itemgetter(0)
        )
    }
    for response_id, day, channel, department_id, version_id in responses:
        rows = answers.get(response_id)
        if rows is None:
            continue
        version = labels.version(version_id)
        cells = labels.answer_cells(rows)
        if cells is None:
            continue
        yield [
            labels.day(day),
            labels.channel(channel),
            labels.department(department_id),
            version,
            *cells,
        ]


def raw_rows(report):
    """A header, then one row per response: date, channel, department, version, answers.

    Responses in the order of their dates, and within a day of their (random) ids; every
    value neutralised already. A response none of whose answers is read (its only answer a
    comment, in an export without comments) has no row.
    """
    columns = _raw_questions(report)
    header = [_("Date"), _("Channel"), _("Department"), _("Questionnaire version")]
    yield [neutralise(text) for text in (*header, *(text for _key, text in columns))]
    if report.withheld:
        return
    labels = _Labels(report, columns)
    chunk = []
    for response in _database_rows(_responses(report)):
        chunk.append(response)
        if len(chunk) == RESPONSES_PER_QUERY:
            yield from _response_rows(chunk, labels)
            chunk = []
    if chunk:
        yield from _response_rows(chunk, labels)


# XlsxWriter in constant-memory mode writes each row to a temporary file as it comes, so
# the raw sheet of any length takes the same memory. Text stays text: no formulas, no links.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "default_date_format": "yyyy-mm-dd",
    "allow_zip64": True,
}


class Sheets:
    """Adds sheets to an XlsxWriter workbook: a bold header, then the rows."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.bold = workbook.add_format({"bold": True})
        # Dates take the workbook's default format; a date and time, openpyxl's.
        self.moment = workbook.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})

    def add(self, title, header, rows, neutralised=False):
        """``rows`` are lists of cell values; ``neutralised``: as ``raw_rows`` gives them,
        written as they are (the fast way, for the long sheet)."""
        worksheet = self.workbook.add_worksheet(title[:31])
        worksheet.write_row(0, 0, [neutralise(value) for value in header], self.bold)
        write, write_row, moment = worksheet.write, worksheet.write_row, self.moment
        for number, row in enumerate(rows, 1):
            if neutralised:
                write_row(number, 0, row)
                continue
            for column, value in enumerate(row):
                cell_format = moment if isinstance(value, datetime.datetime) else None
                write(number, column, neutralise(value), cell_format)
        return worksheet


def write_xlsx(report, output):
    """Write the report as an XLSX workbook to the binary file ``output``: a summary, a
    sheet per section of the report, the comments and the raw responses."""
    with xlsxwriter.Workbook(output, WORKBOOK_OPTIONS) as workbook:
        _write_sheets(report, Sheets(workbook).add)


def _write_sheets(report, sheet):
    overall, previous = report.overall, report.previous_overall
    overall_interval = (overall and overall.confidence_interval) or (None, None)
    author = report.generated_by
    summary = [
        [_("Office"), report.office.name],
        [_("Address"), " ".join(report.office.address.split()) or "–"],
        [_("Period"), str(report.period)],
        [_("Compared with"), str(report.previous_period)],
        [_("Filters"), ", ".join(str(part) for part in report.filters.describe()) or "–"],
        [_("Questionnaire versions"), ", ".join(v.code for v in report.versions) or "–"],
        [_("Legal basis"), str(report.legal_basis)],
        [_("Generated"), timezone.localtime(report.generated_at).replace(tzinfo=None)],
        [_("Generated by"), (author.get_full_name() or author.get_username()) if author else "–"],
        # A withheld report states no exact small numbers, as its HTML does not.
        [_("Questionnaires"), None if report.withheld else report.responses],
        [
            _("electronic"),
            None if report.withheld else report.by_channel.get(Channel.ELECTRONIC, 0),
        ],
        [_("paper"), None if report.withheld else report.by_channel.get(Channel.PAPER, 0)],
        [
            _("Questionnaires in the previous period"),
            None if report.previous_hidden else report.previous_responses,
        ],
        [_("Overall satisfaction index (%)"), _round(overall and overall.satisfaction_index)],
        [_("Previous index (%)"), _round(previous and previous.satisfaction_index)],
        [_("Change of the index (pp)"), _round(report.overall_index_change)],
        [_("Mean rating"), _round(overall and overall.mean, 3)],
        [_("95% CI from"), _round(overall_interval[0], 3)],
        [_("95% CI to"), _round(overall_interval[1], 3)],
    ]
    if report.withheld:
        summary.append([_("Results"), str(report.withheld_note)])
    sheet(_("Summary"), [_("Item"), _("Value")], summary)
    sheet(
        _("Months"),
        [_("Month"), _("electronic"), _("paper"), _("total"), _("Satisfaction index (%)")],
        (
            [m.month, m.electronic, m.paper, m.total, _round(m.satisfaction_index)]
            for m in report.months
        ),
    )
    sheet(
        _("Rated areas"),
        [
            _("Key"),
            _("Area"),
            *(str(value) for value in SCALE),
            *(f"{value} (%)" for value in SCALE),
            _("Not applicable"),
            _("Answers"),
            _("Mean"),
            _("95% CI from"),
            _("95% CI to"),
            _("Satisfaction index (%)"),
            _("Previous index (%)"),
            _("Change of the index (pp)"),
            _("Previous mean"),
            _("Change of the mean"),
            _("Significant change of the mean"),
        ],
        (_area_row(q) for q in report.rating_questions),
    )
    option_header = [_("Key"), _("Question"), _("Answer"), _("Count"), _("Share (%)")]
    sheet(_("Other questions"), option_header, _option_rows(report.choice_questions))
    sheet(_("Respondent profile"), option_header, _option_rows(report.profile))
    sheet(
        _("Departments"),
        [_("Department"), _("Questionnaires"), _("Mean"), _("Satisfaction index (%)")],
        (
            # Hidden for anonymity: not even the number of questionnaires.
            [row.name, None, None, None]
            if row.hidden
            else [
                row.name,
                row.responses,
                _round(row.rating.mean, 3),
                _round(row.rating.satisfaction_index),
            ]
            for row in report.departments
        ),
    )
    sheet(
        _("Areas for improvement"),
        [_("Ranking"), _("Place"), _("Key"), _("Area"), _("Satisfaction index (%)"), _("Change (pp)")],
        [
            *(
                [_("Lowest satisfaction index"), place, q.key, q.text,
                 _round(q.rating.satisfaction_index), _round(q.index_change)]
                for place, q in enumerate(report.lowest_areas, 1)
            ),
            *(
                [_("Largest decline since the previous period"), place, q.key, q.text,
                 _round(q.rating.satisfaction_index), _round(q.index_change)]
                for place, q in enumerate(report.declined_areas, 1)
            ),
        ],
    )  # fmt: skip
    if report.filters.include_comments:
        sheet(_("Comments"), [_("Month"), _("Question"), _("Comment")], _all_comments(report))
    sheet(_("Methodology"), [_("Methodology")], ([str(text)] for text in report.methodology))
    rows = raw_rows(report)
    sheet(_("Responses"), next(rows), rows, neutralised=True)


def _option_rows(questions):
    return (
        [q.key, q.text, option.label, option.count, _round(option.share)]
        for q in questions
        for option in q.options
    )


def _round(value, digits=1):
    return None if value is None else round(value, digits)


def _area_row(question):
    stats, previous = question.rating, question.previous
    interval = stats.confidence_interval or (None, None)
    return [
        question.key,
        question.text,
        *(stats.counts.get(value, 0) for value in SCALE),
        *(_round(stats.share(value)) for value in SCALE),
        stats.not_applicable,
        stats.n,
        _round(stats.mean, 3),
        _round(interval[0], 3),
        _round(interval[1], 3),
        _round(stats.satisfaction_index),
        _round(previous and previous.satisfaction_index),
        _round(question.index_change),
        _round(previous and previous.mean, 3),
        _round(question.mean_change, 3),
        _("yes") if question.significant else _("no"),
    ]


def _all_comments(report):
    if report.withheld:
        return
    for day, question, text in (
        comments_queryset(report.office.site, report.period, report.filters)
        .values_list("response__submitted_on", "question__text", "text")
        .iterator(chunk_size=RAW_CHUNK)
    ):
        yield [day.replace(day=1), question, text]


class _Echo:
    def write(self, value):
        return value


def csv_rows(report):
    """The raw responses as CSV lines (semicolon-separated, as Polish spreadsheets expect)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # so that spreadsheets read the file as UTF-8
    rows = raw_rows(report)  # neutralised already
    yield writer.writerow(next(rows))
    for row in rows:
        row[0] = row[0].isoformat()
        yield writer.writerow(row)
