"""The report as XLSX (XlsxWriter, constant memory) and the raw responses as CSV.

Both stream the raw responses from the database, one response per row, so memory stays
flat however many there are. Text that a spreadsheet would run as a formula (starting with
=, +, -, @, tab or carriage return) is prefixed with an apostrophe, and control characters,
which XLSX cannot hold, are dropped (``sheets.neutralise``). The workbook's sheets are
declared below as ``sheets.Table``s, a column each line. The raw rows leave out the cells the
report hides (``hidden_cells``) and say so (``left_out_note``); see docs/reports.md.
"""

import contextlib
import csv
import datetime
import itertools
import json
import queue
import threading
from dataclasses import dataclass

import xlsxwriter
from django.db import connections
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import questions as question_kinds
from ..choices import Channel
from ..models import (
    Answer,
    Department,
    QuestionOption,
    SurveyQuestion,
    SurveyVersion,
)
from ..models.counts import NO_DEPARTMENT
from ..names import version_code
from .comments import comments_queryset, responses_in
from .sheets import (
    COUNT,
    DATE,
    LONG_TEXT,
    MEAN,
    MEAN_CHANGE,
    MOMENT,
    MONTH,
    P_VALUE,
    PERCENT,
    POINTS_CHANGE,
    QUESTION_TEXT,
    ROUND_PERCENT,
    Column,
    Sheets,
    Style,
    Table,
    neutralise,
)
from .signing import write_conclusions_sheet
from .statistics import SCALE

RAW_CHUNK = 5000


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
    # A key asked as two kinds (a rating that became the overall rating) is one column.
    ordered = list(
        dict.fromkeys(q.key for q in (*report.questions, *report.profile) if q.key in keys)
    )
    ordered += [key for key in keys if key not in ordered]
    return [(key, keys[key]) for key in ordered]


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
    million answer rows): those without text as tokens (``_token``) joined by semicolons
    (the same token, the same cell), those with text as one JSON array of arrays of their
    ids and numbers and the text.
    """
    textless = Answer.objects.filter(text="")
    with_text = Answer.objects.exclude(text="")  # the partial index of comments
    responses = responses_in(report.office.site, report.period, report.filters)
    hidden = hidden_cells(report)
    if hidden:
        responses = responses.exclude(hidden)
    return (
        responses.order_by("submitted_on", "pk")
        .values_list("submitted_on", "channel", "department_id", "version_id")
        .annotate(
            tokens=_per_response(textless, _Joined(_token())),
            texts=_per_response(with_text, _JSONArrays(_JSONArray(*ANSWER_FIELDS, "text"))),
        )
    )


ANSWER_FIELDS = ("question_id", "rating", "not_applicable", "option_id", "department_id")
# A token packs an answer's ids and numbers in one integer while they fit in 63 bits (ids
# below these bounds, ratings below 7), else it is the JSON array of them: SQLite builds the
# integer in about two thirds of the time.
ID_BOUND = 2**20
QUESTION_BOUND = 2**19


def _token():
    number = BigIntegerField()
    question, option, department = (
        Cast(name, number) for name in ("question_id", "option_id", "department_id")
    )
    packed = (
        (
            (question * 8 + Coalesce("rating", Value(7), output_field=number)) * 2
            + Cast("not_applicable", IntegerField())  # (a boolean casts to int only)
        )
        * ID_BOUND
        + Coalesce(option + 1, Value(0), output_field=number)
    ) * ID_BOUND + Coalesce(department + 1, Value(0), output_field=number)
    fits = (
        Q(question__id__range=(0, QUESTION_BOUND - 1))
        & (Q(rating__isnull=True) | Q(rating__range=(0, 6)))
        & (Q(option__isnull=True) | Q(option__id__range=(0, ID_BOUND - 2)))
        & (Q(department__isnull=True) | Q(department__id__range=(0, ID_BOUND - 2)))
    )
    return Case(
        When(fits, then=Cast(packed, TextField())),
        default=Cast(_JSONArray(*ANSWER_FIELDS), TextField()),
    )


def _token_answer(token):
    """The (question, rating, not applicable, option, department, text) of a token."""
    if token.startswith("["):
        question, rating, not_applicable, option, department = json.loads(token)
    else:
        packed, department = divmod(int(token), ID_BOUND)
        packed, option = divmod(packed, ID_BOUND)
        packed, not_applicable = divmod(packed, 2)
        question, rating = divmod(packed, 8)
        rating = None if rating == 7 else rating
        option = option - 1 if option else None
        department = department - 1 if department else None
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
        self.department_names = {}
        self.response_departments = {None: ""}
        for pk, name in Department.objects.for_site(report.office.site).values_list("pk", "name"):
            self.department_names[pk] = name
            self.response_departments[pk] = neutralise(name)
        self.channels = {value: neutralise(str(label)) for value, label in Channel.choices}
        self.columns = {key: index for index, (key, _text) in enumerate(columns)}
        self.width = len(columns)
        self.column_numbers = range(self.width)
        self.include_comments = report.filters.include_comments
        self.versions = {}
        # question id: (column, kind, position); option id: (label, position).
        self.questions = {}
        self.options = {}
        # (column, cell) of each token: a few hundred stand for a million answers.
        self.tokens = {}
        # Held around each query while the raw rows are fetched by another thread (_fetched).
        self.database = contextlib.nullcontext()

    def channel(self, value):
        label = self.channels.get(value)
        return neutralise(str(value)) if label is None else label

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
        if tokens:
            try:  # C loops for the common case, every token known
                found = list(map(self.tokens.__getitem__, tokens.split(";")))
            except KeyError:
                known, learn = self.tokens, self._learn
                found = [known.get(token) or learn(token) for token in tokens.split(";")]
        else:
            found = []
        if texts and texts != "[]":  # SQLite's JSON_GROUP_ARRAY of no answers
            found += [self._cell(answer) for answer in _text_answers(texts)]
        cells = dict(found)
        if len(cells) < len(found):  # two answers for one column, or for none
            return self._several(found, tokens, texts)
        if len(cells) <= (LEFT_OUT in cells):
            return None
        return list(map(cells.get, self.column_numbers))

    def _several(self, found, tokens, texts):
        read = several = False
        cells = {}
        for column, cell in found:
            if column < 0:
                read = read or column == NO_COLUMN
            elif column in cells:
                several = True
            else:
                read = True
                cells[column] = cell
        if not read:
            return None
        if several:
            return self._joined(tokens, texts)
        return list(map(cells.get, self.column_numbers))

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
    comment, in an export without comments) has no row, nor has one of a cell the report
    hides (``hidden_cells``; ``left_out_note`` says how many), nor any of a withheld report.
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
    channels, departments, versions = labels.channels, labels.response_departments, labels.versions
    answer_cells = labels.answer_cells
    rows, day_of = _fetched(responses, RAW_CHUNK, labels)
    for day, channel, department_id, version_id, tokens, texts in rows:
        cells = answer_cells(tokens, texts)
        if cells is not None:
            yield [
                day_of(day),
                channels.get(channel) or labels.channel(channel),
                departments.get(department_id, ""),
                versions.get(version_id) or labels.version(version_id),
                *cells,
            ]


def _fetched(queryset, chunk_size, labels):
    """The rows of ``queryset`` as the database gives them, ``chunk_size`` at a time, and a
    function that converts the first value (the day) as Django would, once for each day:
    most of what Django's own iteration would cost.

    From a database server, each chunk is fetched by a thread while the caller handles the
    one before (``_prefetched``), so that the server's work overlaps the writer's; the
    queries ``labels`` makes meanwhile wait for the thread. SQLite works in this process:
    its module takes the GIL again after every row it steps, so a thread would only take
    turns with the writer (measured: no overlap, and under load slower)."""
    compiler = queryset.query.get_compiler(queryset.db)
    chunks = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk_size)
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    day_of = _memoised(*converters.pop(0, ((), None)), compiler.connection)
    if _in_process(compiler.connection):
        rows = itertools.chain.from_iterable(chunks)
    else:
        labels.database = threading.Lock()
        rows = _prefetched(chunks, labels.database)
    if converters:  # none but the day's on the backends Django ships
        rows = compiler.apply_converters(rows, converters)
    return rows, day_of


def _in_process(connection):
    return connection.vendor == "sqlite"


def _prefetched(chunks, lock):
    """The rows of ``chunks`` (a cursor's), each chunk fetched by a thread while the caller
    handles the one before. The thread uses the caller's connection (and so its
    transaction), holding ``lock`` while it fetches; other queries on the connection
    meanwhile must hold it too."""
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
        yield from itertools.chain.from_iterable(received())
    finally:
        stop.set()
        while fetcher.is_alive():
            with contextlib.suppress(queue.Empty):
                handed.get(timeout=0.1)
        fetcher.join()


def _memoised(converters, expression, connection):
    """A function applying Django's ``converters`` of ``expression``, once for each value."""
    converted = {}

    def convert(value):
        try:
            return converted[value]
        except KeyError:
            result = value
            for converter in converters:
                result = converter(result, expression, connection)
            converted[value] = result
            return result

    return convert


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
    "default_date_format": DATE.num_format,
    "allow_zip64": True,
}


def write_xlsx(report, output, conclusions=""):
    """Write the report as an XLSX workbook to the binary file ``output``: a summary, a
    sheet per section of the report, the comments, the methodology, the ``conclusions`` if
    any, the explanations of every sheet's columns and the raw responses."""
    with xlsxwriter.Workbook(output, WORKBOOK_OPTIONS) as workbook:
        sheets = Sheets(workbook)
        _write_sheets(report, sheets)
        write_conclusions_sheet(sheets, conclusions)
        raw_sheet(sheets, report, explain_first=True)


def raw_sheet(sheets, report, explain_first=False):
    """The sheet of raw responses, streamed from the database (with ``explain_first``, the
    explanations sheet before it, which explains it too)."""
    rows = raw_rows(report)
    header = next(rows)
    if explain_first:
        sheets.explain(_("Responses"), RAW_HELP, RAW_COLUMNS)
        sheets.explanations()
    return sheets.stream(_("Responses"), header, rows, note=left_out_note(report))


def _summary(report):
    author = report.generated_by
    left_out = _left_out(report)
    item = SummaryItem
    items = [
        item(_("Office"), report.office.name),
        item(_("Address"), " ".join(report.office.address.split()) or "–"),
        item(_("Period"), str(report.period)),
        item(_("Compared with"), str(report.previous_period)),
        item(_("Filters"), ", ".join(str(part) for part in report.filters.describe()) or "–"),
        item(_("Questionnaire versions"), ", ".join(v.code for v in report.versions) or "–"),
        item(_("Legal basis"), str(report.legal_basis)),
        item(_("Generated"), timezone.localtime(report.generated_at).replace(tzinfo=None), MOMENT),
        item(
            _("Generated by"), (author.get_full_name() or author.get_username()) if author else "–"
        ),
        # One department's withheld report states no exact small numbers, as its HTML does not.
        item(_("Questionnaires"), None if _count_hidden(report) else report.responses, COUNT),
        item(
            _("electronic"),
            None if _count_hidden(report) else report.by_channel.get(Channel.ELECTRONIC, 0),
            COUNT,
        ),
        item(
            _("paper"),
            None if _count_hidden(report) else report.by_channel.get(Channel.PAPER, 0),
            COUNT,
        ),
        item(
            _("Questionnaires in the previous period"),
            None if report.previous_hidden else report.previous_responses,
            COUNT,
        ),
    ]
    if report.has_data:
        coverage, previous = report.coverage, report.previous_coverage
        items += [
            item(_("Days with questionnaires"), coverage.days_with_responses, COUNT),
            item(_("Days of the period"), coverage.days, COUNT),
            item(
                _("Days with questionnaires in the previous period"),
                previous.days_with_responses,
                COUNT,
            ),
            item(_("Days of the previous period"), previous.days, COUNT),
            item(_("Comparable with the previous period"), _yes_no(report.comparable)),
            *_estimate_items(_("Mean of the rated areas, index"), report.areas_index, PERCENT),
            *_comparison_items(
                _("Mean of the rated areas, index"), report.areas_index_change, POINTS_CHANGE
            ),
            *_estimate_items(_("Mean of the rated areas, mean rating"), report.areas_mean, MEAN),
            *_comparison_items(
                _("Mean of the rated areas, mean rating"), report.areas_mean_change, MEAN_CHANGE
            ),
        ]
        overall = report.overall_question
        if overall is not None:
            items += [
                *_estimate_items(_("Overall rating, index"), overall.index, PERCENT),
                *_comparison_items(_("Overall rating, index"), overall.index_change, POINTS_CHANGE),
                *_estimate_items(_("Overall rating, mean"), overall.mean, MEAN),
            ]
        if report.trend is not None:
            items += [
                item(
                    _("Trend of the monthly index (pp a month)"), report.trend.slope, POINTS_CHANGE
                ),
                item(_("Trend of the monthly index: p-value"), report.trend.p, P_VALUE),
                item(_("Significant trend"), _yes_no(report.trend_direction in ("up", "down"))),
            ]
    if left_out:
        items.append(item(_("Responses not listed (anonymity)"), left_out, COUNT))
    if report.withheld:
        items.append(item(_("Results"), str(report.withheld_note)))
    return items


def _yes_no(value):
    return _("yes") if value else _("no")


def _estimate_items(figure, estimate, style):
    interval = estimate.interval if estimate is not None else None
    named = {"figure": figure}
    return [
        SummaryItem(figure, estimate.value if estimate is not None else None, style),
        SummaryItem(_("%(figure)s: 95%% interval from") % named, interval and interval[0], style),
        SummaryItem(_("%(figure)s: 95%% interval to") % named, interval and interval[1], style),
    ]


def _comparison_items(figure, comparison, style):
    named = {"figure": figure}
    return [
        SummaryItem(_("%(figure)s: change") % named, comparison.difference, style),
        SummaryItem(_("%(figure)s: p-value of the change") % named, comparison.tested_p, P_VALUE),
        SummaryItem(_("%(figure)s: significant change") % named, _significance(comparison)),
    ]


@dataclass(frozen=True)
class SummaryItem:
    label: str
    value: object
    style: Style = LONG_TEXT


def _count_hidden(report):
    return report.withheld and bool(report.filters.department)


def _share(value):
    return lambda q: q.rating.share(value)


def _count(value):
    return lambda q: q.rating.counts.get(value, 0)


def _significance(comparison):
    """ "yes", "no", or None where there was nothing to test."""
    if comparison is None or comparison.difference is None or comparison.tested_p is None:
        return None
    return _yes_no(comparison.significant)


def _of(get, attribute):
    def value(row):
        found = get(row)
        return getattr(found, attribute) if found is not None else None

    return value


def _bound(get, bound):
    def value(row):
        estimate = get(row)
        interval = estimate.interval if estimate is not None else None
        return interval[bound] if interval else None

    return value


def _name(text, figure):
    return text % {"figure": figure}


# A header naming the figure it belongs to, translated when the workbook is written.
_named = lazy(_name, str)


def estimate_columns(header, get, style, help):
    """A figure's columns: its value and its 95 % interval's bounds (empty where the report
    prints “too few answers for an interval”)."""
    return (
        Column(header, _of(get, "value"), style, help),
        Column(
            _named(gettext_lazy("%(figure)s: 95%% interval from"), header),
            _bound(get, 0),
            style,
            gettext_lazy(
                "The 95 per cent interval of the figure to the left, from; empty with too few "
                "answers for one (see Methodology)."
            ),
        ),
        Column(
            _named(gettext_lazy("%(figure)s: 95%% interval to"), header),
            _bound(get, 1),
            style,
            gettext_lazy("The same interval, to."),
        ),
    )


def comparison_columns(header, get, style, help):
    """A tested difference's columns: the difference, its p-value (after Holm's correction
    where it is one of a family) and whether it is significant."""
    return (
        Column(header, _of(get, "difference"), style, help),
        Column(
            _named(gettext_lazy("%(figure)s: p-value"), header),
            lambda row: get(row).tested_p,
            P_VALUE,
            gettext_lazy(
                "The two-sided p-value of the difference to the left; for the areas of one "
                "report, after Holm's correction (see Methodology)."
            ),
        ),
        Column(
            _named(gettext_lazy("%(figure)s: significant"), header),
            lambda row: _significance(get(row)),
            help=gettext_lazy("“yes” when the p-value is below 0.05."),
        ),
    )


KEY_HELP = gettext_lazy("The question's key: the same question in every questionnaire version.")
QUESTION_HELP = gettext_lazy("The question, in the words of the newest version that asks it.")
INDEX_HELP = gettext_lazy("Share of positive answers (4 or 5) among the answers on the scale.")

# Each sheet as a Table: adding a column (say an interval's bound beside its figure) is one
# Column. Headers and explanations are lazy: translated when the workbook is written.
SUMMARY = Table(
    gettext_lazy("Summary"),
    (
        Column(
            gettext_lazy("Item"), lambda item: item.label, help=gettext_lazy("What the row states.")
        ),
        Column(
            gettext_lazy("Value"),
            lambda item: item.value,
            LONG_TEXT,
            help=gettext_lazy(
                "Its value: numbers exact, shown rounded as in the PDF; indices and shares in "
                "per cent, changes in percentage points, means on the scale 1–5."
            ),
            style_of=lambda item: item.style,
        ),
    ),
    help=gettext_lazy("The office, the period and filters, and the report's main figures."),
)
MONTHS = Table(
    gettext_lazy("Months"),
    (
        Column(
            gettext_lazy("Month"), lambda m: m.month, MONTH, gettext_lazy("The calendar month.")
        ),
        Column(
            gettext_lazy("electronic"),
            lambda m: m.electronic,
            COUNT,
            gettext_lazy("Questionnaires completed on the website."),
        ),
        Column(
            gettext_lazy("paper"),
            lambda m: m.paper,
            COUNT,
            gettext_lazy("Paper questionnaires typed in, by the date they were completed."),
        ),
        Column(
            gettext_lazy("total"), lambda m: m.total, COUNT, gettext_lazy("Questionnaires in all.")
        ),
        *estimate_columns(
            gettext_lazy("Satisfaction index (%)"),
            lambda m: m.index,
            PERCENT,
            gettext_lazy(
                "Share of positive answers (4 or 5) among the month's answers on the scale "
                "of all rated areas. Empty in a month without such answers, and in one "
                "department's report for a month hidden to protect anonymity."
            ),
        ),
    ),
    help=gettext_lazy("Questionnaires and the satisfaction index month by month."),
)
AREAS = Table(
    gettext_lazy("Rated areas"),
    (
        Column(gettext_lazy("Key"), lambda q: q.key, help=KEY_HELP),
        Column(gettext_lazy("Area"), lambda q: q.text, QUESTION_TEXT, QUESTION_HELP),
        *(
            Column(str(value), _count(value), COUNT, gettext_lazy("Answers with this rating."))
            for value in SCALE
        ),
        *(
            Column(
                f"{value} (%)",
                _share(value),
                ROUND_PERCENT,
                gettext_lazy("Share of the answers on the scale with this rating, in per cent."),
            )
            for value in SCALE
        ),
        Column(
            gettext_lazy("Not applicable"),
            lambda q: q.rating.not_applicable,
            COUNT,
            gettext_lazy(
                "“Not applicable / hard to say” answers, left out of every figure beside."
            ),
        ),
        Column(
            gettext_lazy("Answers"),
            lambda q: q.rating.n,
            COUNT,
            gettext_lazy(
                "Answers on the scale 1–5: what the mean, its interval and the index are of."
            ),
        ),
        Column(
            gettext_lazy("No answer"),
            lambda q: q.skipped,
            COUNT,
            gettext_lazy("Questionnaires that asked the question and left it unanswered."),
        ),
        *estimate_columns(
            gettext_lazy("Mean"), lambda q: q.mean, MEAN, gettext_lazy("The mean rating, 1–5.")
        ),
        *estimate_columns(
            gettext_lazy("Satisfaction index (%)"), lambda q: q.index, PERCENT, INDEX_HELP
        ),
        Column(
            gettext_lazy("Previous index (%)"),
            lambda q: (
                q.previous.satisfaction_index
                if q.previous and q.index_change.difference is not None
                else None
            ),
            PERCENT,
            gettext_lazy(
                "The index in the previous period; empty when the area was not asked then, or "
                "the previous period gives no comparable data."
            ),
        ),
        *comparison_columns(
            gettext_lazy("Change of the index (pp)"),
            lambda q: q.index_change,
            POINTS_CHANGE,
            gettext_lazy("The index minus the previous index, in percentage points."),
        ),
        Column(
            gettext_lazy("Previous mean"),
            lambda q: (
                q.previous.mean if q.previous and q.mean_change.difference is not None else None
            ),
            MEAN,
            gettext_lazy("The mean in the previous period."),
        ),
        *comparison_columns(
            gettext_lazy("Change of the mean"),
            lambda q: q.mean_change,
            MEAN_CHANGE,
            gettext_lazy("The mean minus the previous mean (Welch's t test)."),
        ),
        *comparison_columns(
            gettext_lazy("Against the office's index (pp)"),
            lambda q: q.against_office,
            POINTS_CHANGE,
            gettext_lazy("The area's index minus the office's (the mean of the rated areas)."),
        ),
    ),
    help=gettext_lazy(
        "One row per rated area (scale 1 bad – 5 very good), with the previous period."
    ),
    frozen_columns=2,
)


def _options_table(title, help):
    return Table(
        title,
        (
            Column(gettext_lazy("Key"), lambda row: row[0].key, help=KEY_HELP),
            Column(gettext_lazy("Question"), lambda row: row[0].text, QUESTION_TEXT, QUESTION_HELP),
            Column(
                gettext_lazy("Answer"),
                lambda row: row[1].label,
                help=gettext_lazy("One of its answers."),
            ),
            Column(
                gettext_lazy("Count"),
                lambda row: row[1].count,
                COUNT,
                gettext_lazy("How many chose it."),
            ),
            Column(
                gettext_lazy("Share (%)"),
                lambda row: row[1].share,
                PERCENT,
                gettext_lazy(
                    "Share of the question's answers, in per cent; where several answers may "
                    "be ticked, of the questionnaires that asked it."
                ),
            ),
        ),
        help=help,
    )


OTHER_QUESTIONS = _options_table(
    gettext_lazy("Other questions"),
    gettext_lazy("The answers to the questions that are not rated areas."),
)
PROFILE = _options_table(
    gettext_lazy("Respondent profile"),
    gettext_lazy("The answers to the optional questions about respondents."),
)
DEPARTMENTS = Table(
    gettext_lazy("Departments"),
    (
        Column(
            gettext_lazy("Department"),
            lambda row: row.name,
            help=gettext_lazy("The department named."),
        ),
        # Hidden for anonymity: not even the number of questionnaires.
        Column(
            gettext_lazy("Questionnaires"),
            lambda row: None if row.hidden else row.responses,
            COUNT,
            gettext_lazy(
                "Questionnaires naming it. Empty, with the figures beside, for a department "
                "hidden to protect anonymity (listed last, by name)."
            ),
        ),
        *estimate_columns(
            gettext_lazy("Satisfaction index (%)"),
            lambda row: row.index,
            PERCENT,
            gettext_lazy("Share of positive answers (4 or 5) among all its answers on the scale."),
        ),
        *comparison_columns(
            gettext_lazy("Change of the index (pp)"),
            lambda row: row.index_change,
            POINTS_CHANGE,
            gettext_lazy("Since the previous period, in percentage points."),
        ),
    ),
    help=gettext_lazy("The figures of each department named in the questionnaires."),
)
DEPARTMENT_AREAS = Table(
    gettext_lazy("Departments by area"),
    (
        Column(
            gettext_lazy("Department"),
            lambda row: row[0].name,
            help=gettext_lazy("The department named (hidden ones are not listed)."),
        ),
        Column(gettext_lazy("Key"), lambda row: row[1].key, help=KEY_HELP),
        Column(gettext_lazy("Area"), lambda row: row[1].text, QUESTION_TEXT, QUESTION_HELP),
        Column(
            gettext_lazy("Answers"),
            lambda row: row[1].index.n if row[1].index else 0,
            COUNT,
            gettext_lazy("The department's answers on the scale to the area."),
        ),
        *estimate_columns(
            gettext_lazy("Satisfaction index (%)"), lambda row: row[1].index, PERCENT, INDEX_HELP
        ),
        *comparison_columns(
            gettext_lazy("Change of the index (pp)"),
            lambda row: row[1].change,
            POINTS_CHANGE,
            gettext_lazy(
                "Since the previous period; the p-value after Holm's correction across the "
                "department's areas."
            ),
        ),
    ),
    help=gettext_lazy("Each rated area's index in each department shown."),
    frozen_columns=1,
)
CHANNELS = Table(
    gettext_lazy("Channels"),
    (
        Column(
            gettext_lazy("Channel"),
            lambda row: str(row.label),
            help=gettext_lazy("Electronic (the website) or paper."),
        ),
        Column(
            gettext_lazy("Questionnaires"),
            lambda row: row.responses,
            COUNT,
            gettext_lazy("Questionnaires completed this way."),
        ),
        *estimate_columns(
            gettext_lazy("Satisfaction index (%)"),
            lambda row: row.index,
            PERCENT,
            gettext_lazy("Of all rated areas' answers of this channel."),
        ),
    ),
    help=gettext_lazy("Electronic and paper questionnaires compared."),
)
IMPROVEMENT = Table(
    gettext_lazy("Areas for improvement"),
    (
        Column(
            gettext_lazy("Finding"),
            lambda row: row[0],
            help=gettext_lazy("Which list the row is on."),
        ),
        Column(
            gettext_lazy("Place"),
            lambda row: row[1],
            COUNT,
            gettext_lazy("Its place on that list."),
        ),
        Column(gettext_lazy("Key"), lambda row: row[2].key, help=KEY_HELP),
        Column(gettext_lazy("Area"), lambda row: row[2].text, QUESTION_TEXT, QUESTION_HELP),
        *estimate_columns(
            gettext_lazy("Satisfaction index (%)"), lambda row: row[2].index, PERCENT, INDEX_HELP
        ),
        *comparison_columns(
            gettext_lazy("Difference (pp)"),
            lambda row: row[3],
            POINTS_CHANGE,
            gettext_lazy(
                "Against the office's index, or the change since the previous period, in "
                "percentage points (as the list says)."
            ),
        ),
    ),
    help=gettext_lazy(
        "The rated areas significantly below the office's index, and those whose index fell "
        "or rose significantly since the previous period (empty when none did)."
    ),
)
COMMENTS = Table(
    gettext_lazy("Comments"),
    (
        Column(
            gettext_lazy("Month"),
            lambda row: row[0],
            MONTH,
            gettext_lazy(
                "The month of the comment. In one department's report, a month hidden to "
                "protect anonymity is not named: its comments come last, by text."
            ),
        ),
        Column(gettext_lazy("Question"), lambda row: row[1], QUESTION_TEXT, QUESTION_HELP),
        Column(
            gettext_lazy("Comment"),
            lambda row: row[2],
            LONG_TEXT,
            gettext_lazy("Every comment of the period, newest first, as written (or as redacted)."),
        ),
    ),
    help=gettext_lazy("The answers to open questions."),
)
METHODOLOGY = Table(
    gettext_lazy("Methodology"),
    (
        Column(
            gettext_lazy("Methodology"),
            lambda text: text,
            Style(wrap=True, max_width=100),
            gettext_lazy("One paragraph each."),
        ),
    ),
    help=gettext_lazy("How the figures are computed, and what is hidden to protect anonymity."),
)
RAW_HELP = gettext_lazy(
    "One row per questionnaire, in the order of their dates (within a day in no meaningful "
    "order). Responses of cells the report hides are not listed; the note below the rows "
    "says how many."
)
RAW_COLUMNS = [
    (gettext_lazy("Date"), gettext_lazy("The day the questionnaire was completed.")),
    (gettext_lazy("Channel"), gettext_lazy("Electronic (the website) or paper.")),
    (
        gettext_lazy("Department"),
        gettext_lazy("The department named in the questionnaire, if any."),
    ),
    (
        gettext_lazy("Questionnaire version"),
        gettext_lazy("The version of the questions answered (their code)."),
    ),
    (
        gettext_lazy("(one column per question)"),
        gettext_lazy(
            "The answer: a rating 1–5 or “n/a”, the option chosen (several joined by “; ”), "
            "or the text of a comment."
        ),
    ),
]

# Shown for the rows the raw sheet and the CSV leave out.
DEPARTMENTS_LEFT_OUT = gettext_lazy(
    "Responses not listed, to protect respondents' anonymity: %(count)s, those of the "
    "departments whose figures the report hides (fewer than %(minimum)s responses, or hidden "
    "with such a department)."
)
MONTHS_LEFT_OUT = gettext_lazy(
    "Responses not listed, to protect respondents' anonymity: %(count)s, those of the months "
    "whose figures the report hides (fewer than %(minimum)s responses, or hidden with such "
    "a month)."
)
NONE_LISTED = gettext_lazy(
    "No responses are listed: the report covers fewer than %(minimum)s, and to protect "
    "respondents' anonymity it shows no figures."
)


def _left_out(report):
    """How many responses the raw rows leave out (those of hidden cells)."""
    if report.withheld:
        return 0
    if report.hidden_months:
        return sum(m.total for m in report.months if m.month in report.hidden_months)
    return sum(row.responses for row in report.departments if row.hidden)


def left_out_note(report):
    """Why the raw rows leave responses out, and how many; None if they leave none out."""
    if report.withheld:
        return str(NONE_LISTED) % {"minimum": report.minimum_group}
    count = _left_out(report)
    if not count:
        return None
    note = MONTHS_LEFT_OUT if report.hidden_months else DEPARTMENTS_LEFT_OUT
    return str(note) % {"count": count, "minimum": report.minimum_group}


def _write_sheets(report, sheets):
    table = sheets.table
    table(SUMMARY, _summary(report))
    table(MONTHS, report.months)
    table(AREAS, report.rating_questions)
    table(OTHER_QUESTIONS, _option_rows(report.choice_questions))
    table(PROFILE, _option_rows(report.profile))
    table(DEPARTMENTS, report.departments)
    table(DEPARTMENT_AREAS, [(row, area) for row in report.departments for area in row.areas])
    table(CHANNELS, report.channels)
    below, declined, improved = (
        _("Significantly below the office's index"),
        _("Significant decline"),
        _("Significant improvement"),
    )
    table(
        IMPROVEMENT,
        [
            *((below, n, q, q.against_office) for n, q in enumerate(report.areas_to_improve, 1)),
            *((declined, n, q, q.index_change) for n, q in enumerate(report.declined_areas, 1)),
            *((improved, n, q, q.index_change) for n, q in enumerate(report.improved_areas, 1)),
        ],
    )
    if report.filters.include_comments:
        table(COMMENTS, _all_comments(report))
    methodology = [str(text) for text in report.methodology]
    note = left_out_note(report)
    if note:
        methodology.append(note)
    table(METHODOLOGY, methodology)


def _option_rows(questions):
    return ((q, option) for q in questions for option in q.options)


def _month_end(month):
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _in_months(months, prefix=""):
    hidden = Q()
    for month in sorted(months):
        hidden |= Q(**{f"{prefix}submitted_on__range": (month, _month_end(month))})
    return hidden


def hidden_cells(report):
    """A ``Q`` of the responses of the cells ``report`` hides (departments, or one
    department's months), or None: their raw rows are left out."""
    hidden = _in_months(report.hidden_months)
    departments = report.hidden_departments
    if NO_DEPARTMENT in departments:
        hidden |= Q(department__isnull=True)
    if departments - {NO_DEPARTMENT}:
        hidden |= Q(department__in=sorted(departments - {NO_DEPARTMENT}))
    return hidden or None


def _all_comments(report):
    """(month, question, text) of every comment, newest first; in one department's report,
    those of hidden months last, by text, without their month."""
    if report.withheld:
        return
    comments = comments_queryset(report.office.site, report.period, report.filters)
    # No department column: a hidden department's comments are listed among all the others.
    hidden = _in_months(report.hidden_months, prefix="response__")
    shown = comments.exclude(hidden) if hidden else comments
    for day, question, text in shown.values_list(
        "response__submitted_on", "question__text", "text"
    ).iterator(chunk_size=RAW_CHUNK):
        yield [day.replace(day=1), question, text]
    if report.hidden_months:
        label = _("hidden (anonymity)")
        for question, text in (
            comments.filter(hidden)
            .order_by("text", "question__position")
            .values_list("question__text", "text")
            .iterator(chunk_size=RAW_CHUNK)
        ):
            yield [label, question, text]


class _Echo:
    def write(self, value):
        return value


def csv_rows(report):
    """The raw responses as CSV lines (semicolon-separated, as Polish spreadsheets expect).

    If responses are left out (``left_out_note``), a blank line and the note, one field,
    follow the last response, as on the XLSX's sheet.
    """
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # so that spreadsheets read the file as UTF-8
    rows = raw_rows(report)  # neutralised already
    yield writer.writerow(next(rows))
    for row in rows:
        row[0] = row[0].isoformat()
        yield writer.writerow(row)
    note = left_out_note(report)
    if note:
        yield writer.writerow([])
        yield writer.writerow([neutralise(note)])
