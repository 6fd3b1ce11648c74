"""The report as XLSX (XlsxWriter, constant memory) and the raw responses as CSV.

Both stream the raw responses from the database, one response per row, so memory stays
flat however many there are. Text that a spreadsheet would run as a formula (starting with
=, +, -, @, tab or carriage return) is prefixed with an apostrophe, and control characters,
which XLSX cannot hold, are dropped.
"""

import contextlib
import csv
import datetime
import json
import queue
import threading

import xlsxwriter
from django.db import connections
from django.db.models import Aggregate, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast
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
    SurveyVersion,
)
from ..names import version_code
from ..text import strip_control_characters
from .comments import comments_queryset, responses_in
from .statistics import SCALE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAW_CHUNK = 5000


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
    """No answer has filled the cell yet (a filled cell may hold None)."""


UNSET = _Unset()
# What an answer is to the raw sheet besides a column: no column (the department question,
# whose answer is the response's own column; a question the sheet does not show); or, in an
# export without comments, an open answer, not read at all.
NO_COLUMN = -1
LEFT_OUT = -2


class _Joined(Aggregate):
    """Texts joined by semicolons."""

    function = "GROUP_CONCAT"  # SQLite
    template = "%(function)s(%(expressions)s, ';')"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


class _JSONArrays(Aggregate):
    """JSON arrays gathered into one JSON array."""

    function = "JSON_GROUP_ARRAY"  # SQLite
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_AGG", **extra_context)


class _JSONArray(Func):
    """A JSON array of the values (JSON, not JSONB, on PostgreSQL: several times cheaper to
    build; Django's ``JSONArray`` makes JSONB there)."""

    function = "JSON_ARRAY"  # SQLite
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_BUILD_ARRAY", **extra_context)


def _per_response(answers, aggregate):
    # Grouped by a constant, which Django leaves out: one aggregate over the response's
    # answers without a GROUP BY (which costs SQLite a sorter for each response).
    return Subquery(
        answers.filter(response=OuterRef("pk"))
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(packed=aggregate)
        .values("packed")
    )


def _responses(report):
    """(day, channel, department id, version id, tokens, texts) of each response, in the
    order of their dates and, within a day, of their (random) ids.

    A response's answers come packed in two values, so that the database driver makes a few
    Python objects per response rather than seven per answer (a year of an office is a
    million answer rows): those without text as JSON arrays of their ids and numbers joined
    by semicolons (the same token, the same cell), those with text as one JSON array of
    arrays of the same and the text.
    """
    fields = ("question_id", "rating", "not_applicable", "option_id", "department_id")
    textless = Answer.objects.filter(text="")
    with_text = Answer.objects.exclude(text="")  # the partial index of comments
    return (
        responses_in(report.office.site, report.period, report.filters)
        .order_by("submitted_on", "pk")
        .values_list("submitted_on", "channel", "department_id", "version_id")
        .annotate(
            tokens=_per_response(textless, _Joined(Cast(_JSONArray(*fields), TextField()))),
            texts=_per_response(with_text, _JSONArrays(_JSONArray(*fields, "text"))),
        )
    )


def _token_answer(token):
    """The (question, rating, not applicable, option, department, text) of a token."""
    question, rating, not_applicable, option, department = json.loads(token)
    return question, rating, bool(not_applicable), option, department, ""


def _text_answers(texts):
    rows = json.loads(texts) if isinstance(texts, str) else texts  # psycopg parses JSON
    return [
        (q, rating, bool(na), option, department, text)
        for q, rating, na, option, department, text in rows
    ]


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
        self.versions = {}
        # question id: (column, kind, position); option id: (label, position).
        self.questions = {}
        self.options = {}
        # (column, cell) of each token: a few hundred stand for a million answers.
        self.tokens = {}
        # Held around each query: the raw rows are fetched by another thread (_prefetched).
        self.database = contextlib.nullcontext()

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
        with self.database:
            page_id, number = SurveyVersion.objects.values_list("page_id", "number").get(
                pk=version_id
            )
            rows = list(
                SurveyQuestion.objects.filter(version_id=version_id).values_list(
                    "pk", "key", "kind", "position"
                )
            )
            options = list(
                QuestionOption.objects.filter(question__version_id=version_id).values_list(
                    "pk", "label", "position"
                )
            )
        for pk, key, kind_name, position in rows:
            kind = question_kinds.get(kind_name)
            if kind.free_text and not self.include_comments:
                column = LEFT_OUT
            else:
                column = self.columns.get(key, NO_COLUMN)
            self.questions[pk] = (column, kind, position)
        for pk, label, position in options:
            self.options[pk] = (label, position)
        return neutralise(version_code(page_id, number))

    def question(self, question_id):
        if question_id not in self.questions:
            # An answer to a question of another version than its response's.
            with self.database:
                version_id = SurveyQuestion.objects.values_list("version_id", flat=True).get(
                    pk=question_id
                )
            self.version(version_id)
        return self.questions[question_id]

    def option(self, option_id):
        if option_id is None:
            return None, -1
        if option_id not in self.options:
            with self.database:
                self.options[option_id] = QuestionOption.objects.values_list(
                    "label", "position"
                ).get(pk=option_id)
        return self.options[option_id]

    def department_name(self, department_id):
        if department_id is None:
            return None
        if department_id not in self.department_names:
            with self.database:
                self.department_names[department_id] = Department.objects.values_list(
                    "name", flat=True
                ).get(pk=department_id)
        return self.department_names[department_id]

    def value(self, kind, answer):
        """What ``kind`` writes for the answer, before neutralising."""
        _question, rating, not_applicable, option_id, department_id, text = answer
        return kind.cell(
            rating,
            not_applicable,
            self.option(option_id)[0],
            self.department_name(department_id),
            text,
        )

    def _cell(self, answer):
        """(column, neutralised cell) of an answer."""
        column, kind, _position = self.question(answer[0])
        return column, None if column < 0 else neutralise(self.value(kind, answer))

    def _learn(self, token):
        found = self.tokens[token] = self._cell(_token_answer(token))
        return found

    def answer_cells(self, tokens, texts):
        """The answer cells of one response; None if none of its answers is read."""
        known, learn = self.tokens, self._learn
        found = [known.get(token) or learn(token) for token in tokens.split(";")] if tokens else []
        if texts:
            found += [self._cell(answer) for answer in _text_answers(texts)]
        cells = [UNSET] * self.width
        read = several = False
        for column, cell in found:
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
            return self._joined(tokens, texts)
        return [None if cell is UNSET else cell for cell in cells]

    def _joined(self, tokens, texts):
        """Cells where a question has several answers (multiple choice): its values in the
        order of the questionnaire, joined by "; "."""
        answers = [_token_answer(token) for token in tokens.split(";")] if tokens else []
        answers += _text_answers(texts) if texts else []
        cells = [None] * self.width
        questions = self.questions
        for answer in sorted(
            answers, key=lambda answer: (questions[answer[0]][2], self.option(answer[3])[1])
        ):
            column, kind, _position = questions[answer[0]]
            if column < 0:
                continue
            value = self.value(kind, answer)
            cells[column] = value if cells[column] is None else f"{cells[column]}; {value}"
        return [neutralise(cell) for cell in cells]


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
    for version in report.versions:
        labels.version(version.pk)
    responses = _responses(report)
    _without_jit(responses.db)
    labels.database = threading.Lock()
    responses = _prefetched(responses, RAW_CHUNK, labels.database)
    for day, channel, department_id, version_id, tokens, texts in responses:
        version = labels.version(version_id)
        cells = labels.answer_cells(tokens, texts)
        if cells is not None:
            yield [day, labels.channel(channel), labels.department(department_id), version, *cells]


def _prefetched(queryset, chunk_size, lock):
    """The rows of ``queryset``, each chunk fetched by a thread while the caller handles the
    one before: the database's work (SQLite's in this process, which releases the GIL while
    it steps; PostgreSQL's in its server) overlaps the writer's. The thread uses the
    caller's connection (and so its transaction), holding ``lock`` while it fetches; other
    queries on the connection meanwhile must hold it too."""
    compiler = queryset.query.get_compiler(queryset.db)
    chunks = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk_size)
    handed = queue.Queue(maxsize=2)
    stop = threading.Event()
    done = object()

    def fetch():
        try:
            while not stop.is_set():
                with lock:
                    chunk = next(chunks, done)
                handed.put(chunk)
                if chunk is done:
                    return
        except BaseException as error:  # raised again in the caller's thread
            handed.put(error)
        finally:
            with lock:
                chunks.close()  # closes the cursor

    def received():
        while (chunk := handed.get()) is not done:
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk

    fetcher = threading.Thread(target=fetch, name="wagtail-ocena-raw-rows", daemon=True)
    fetcher.start()
    try:
        yield from compiler.results_iter(results=received(), tuple_expected=True)
    finally:
        stop.set()
        while fetcher.is_alive():
            with contextlib.suppress(queue.Empty):
                handed.get(timeout=0.1)
        fetcher.join()


def _without_jit(alias):
    """PostgreSQL's JIT compiles the packed query for longer than the query then runs (half
    a second of a year's export); off for the rest of the transaction the export runs in."""
    connection = connections[alias]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


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
