"""The report as XLSX (openpyxl, write-only) and the raw responses as CSV.

Both stream the raw responses from the database in key order, one response per row, so
memory stays flat however many there are. Text that a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return) is prefixed with an apostrophe, and
control characters, which XLSX cannot hold, are dropped.
"""

import csv
import itertools

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .. import questions as question_kinds
from ..choices import Channel
from ..models import Department, SurveyQuestion
from ..names import version_code
from ..text import strip_control_characters
from .comments import answers_in, comments_queryset
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


def _raw_answers(report):
    answers = answers_in(report.office.site, report.period, report.filters)
    if not report.filters.include_comments:
        answers = answers.exclude(
            question__kind__in=question_kinds.names_where(lambda kind: kind.free_text)
        )
    return answers.order_by(
        "response__submitted_on", "response_id", "question__position"
    ).values_list(
        "response_id",
        "response__submitted_on",
        "response__channel",
        "response__department_id",
        "response__version__page_id",
        "response__version__number",
        "question__key",
        "question__kind",
        "rating",
        "not_applicable",
        "option__label",
        "department__name",
        "text",
    )


def raw_rows(report):
    """A header, then one row per response: date, channel, department, version, answers."""
    columns = _raw_questions(report)
    hidden = report.hidden_departments
    hidden_label = _("hidden (anonymity)")
    departments = {
        d.pk: hidden_label if d.pk in hidden else d.name
        for d in Department.objects.for_site(report.office.site)
    }
    channels = dict(Channel.choices)
    yield [_("Date"), _("Channel"), _("Department"), _("Questionnaire version")] + [
        text for key, text in columns
    ]
    if report.withheld:
        return
    position = {key: i for i, (key, text) in enumerate(columns)}
    answers = _raw_answers(report).iterator(chunk_size=RAW_CHUNK)
    for _response_id, group in itertools.groupby(answers, key=lambda row: row[0]):
        cells = [None] * len(columns)
        first = None
        for row in group:
            first = first or row
            key, kind, rating, not_applicable, option, department, text = row[6:]
            if key not in position:
                continue
            value = question_kinds.get(kind).cell(rating, not_applicable, option, department, text)
            index = position[key]
            cells[index] = value if cells[index] is None else f"{cells[index]}; {value}"
        day, channel, department_id, page_id, number = first[1:6]
        yield [
            day,
            str(channels.get(channel, channel)),
            departments.get(department_id, ""),
            version_code(page_id, number),
            *cells,
        ]


def write_xlsx(report, output):
    """Write the report as an XLSX workbook to the binary file ``output``: a summary, a
    sheet per section of the report, the comments and the raw responses."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title, header, rows):
        worksheet = workbook.create_sheet(title=title[:31])
        worksheet.append([_bold(workbook, worksheet, value, bold) for value in header])
        for row in rows:
            worksheet.append([neutralise(value) for value in row])
        return worksheet

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
    sheet(_("Responses"), next(rows), rows)
    workbook.save(output)


def _option_rows(questions):
    return (
        [q.key, q.text, option.label, option.count, _round(option.share)]
        for q in questions
        for option in q.options
    )


def _bold(workbook, worksheet, value, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=neutralise(value))
    cell.font = font
    return cell


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
    for row in raw_rows(report):
        yield writer.writerow(
            [
                neutralise(value.isoformat() if hasattr(value, "isoformat") else value)
                for value in row
            ]
        )
