"""The report's XLSX as a clerk opens it, read back with openpyxl: column widths, a frozen
header and a filter on every sheet, dates and months as such, exact figures shown as the PDF
shows them, the explanations sheet, and the note on responses left out."""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Department
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.period import Period
from wagtail_ocena.reports.spreadsheet import DEPARTMENTS_LEFT_OUT, csv_rows, write_xlsx
from wagtail_ocena.templatetags.wagtail_ocena_reports import decimal, percent, signed

from .conftest import record_response

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def report(survey, site, settings):
    """March 2026 against February: one department shown, one below the minimum hidden with
    the smaller other; figures with many places (an overall index of 10/15)."""
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_ANSWERS = 2  # intervals and comparisons of few
    usc, taxes, other = Department.objects.for_site(site).order_by("sort_order")
    march = [
        (usc, "5", "5"),
        (usc, "4", "4"),
        (usc, "2", "na"),
        (usc, "4", "1"),
        (taxes, "4", "2"),
        (taxes, "4", "4"),
        (taxes, "1", "5"),
        (other, "3", "na"),
    ]
    for day, (department, courtesy, waiting) in enumerate(march, 2):
        record_response(
            survey,
            {"wydzial": department, "uprzejmosc": courtesy, "czas-oczekiwania": waiting},
            channel=Channel.PAPER if day % 3 else Channel.ELECTRONIC,
            submitted_on=datetime.date(2026, 3, day),
        )
    record_response(
        survey,
        {"wydzial": usc, "uwagi": "Za mało krzeseł."},
        submitted_on=datetime.date(2026, 3, 20),
    )
    for day in range(1, 15):  # half of February's days: comparable
        record_response(
            survey,
            {"wydzial": usc, "uprzejmosc": "5", "czas-oczekiwania": "5"},
            submitted_on=datetime.date(2026, 2, day),
        )
    return build_report(site, MARCH)


@pytest.fixture
def workbook(report):
    output = io.BytesIO()
    write_xlsx(report, output)
    return openpyxl.load_workbook(output)


def table_rows(sheet):
    """The rows of a sheet's table: up to the first blank row."""
    rows = []
    for row in sheet.iter_rows(min_row=2):
        if all(cell.value is None for cell in row):
            break
        rows.append(row)
    return rows


def width(sheet, column):
    """The width set for the column (numbered from 1); XlsxWriter writes equal neighbours as
    one range, which openpyxl keeps under its first letter."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min <= column <= dimension.max and dimension.customWidth:
            return dimension.width
    return None


def shown(cell):
    """The cell as a spreadsheet shows it in Polish: its value rounded half away from zero
    to its format's places, with a decimal comma."""
    section = cell.number_format.split(";")[0]
    places = len(section.split(".")[1]) if "." in section else 0
    value = Decimal(repr(float(cell.value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    sign = "+" if section.startswith("+") and value > 0 else "−" if value < 0 else ""
    return sign + f"{abs(value)}".replace(".", ",")


def test_every_sheet_is_a_filtered_table_with_a_frozen_header(workbook, report):
    assert workbook.sheetnames[-3:] == [_("Methodology"), _("Explanations"), _("Responses")]
    for sheet in workbook.worksheets:
        header = [cell.value for cell in sheet[1] if cell.value is not None]
        last = 1 + len(table_rows(sheet))
        frozen = {_("Rated areas"): "C2", _("Departments by area"): "B2"}.get(sheet.title, "A2")
        assert sheet.freeze_panes == frozen, sheet.title
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}{last}", sheet.title
        assert all(cell.font.b for cell in sheet[1] if cell.value is not None)
        for index, text in enumerate(header, 1):
            # At least the header's longest word (the header wraps), at most 100 characters.
            assert max(map(len, str(text).split())) < width(sheet, index) <= 102, (sheet, text)


def test_widths_follow_the_content(workbook):
    raw = workbook[_("Responses")]
    comments = workbook[_("Comments")]

    # Dates are ten characters: never ###.
    assert width(raw, 1) >= 11
    assert width(workbook[_("Months")], 1) >= 8
    # A column as wide as its longest value, the header wrapping above it.
    assert len("Urząd Stanu Cywilnego") < width(raw, 3) < len("Urząd Stanu Cywilnego") + 3
    assert len("Za mało krzeseł.") < width(comments, 3) < len("Za mało krzeseł.") + 3
    # Long texts wrap, and their rows are as high as their lines (not every spreadsheet fits
    # them when it opens a file): the header, and an area's two lines of text.
    assert comments["C2"].alignment.wrap_text
    areas = workbook[_("Rated areas")]
    assert areas.row_dimensions[1].height >= 30
    (help_row,) = [row[0].row for row in areas.iter_rows(min_row=2) if row[0].value == "pomoc"]
    assert areas.cell(help_row, 2).alignment.wrap_text
    assert areas.row_dimensions[help_row].height == 30


def test_dates_and_months_are_typed_and_formatted(workbook, report):
    raw = table_rows(workbook[_("Responses")])
    months = table_rows(workbook[_("Months")])
    comments = table_rows(workbook[_("Comments")])
    summary = {row[0].value: row[1] for row in table_rows(workbook[_("Summary")])}

    assert raw[0][0].value == datetime.datetime(2026, 3, 2)
    assert {row[0].number_format for row in raw} == {"yyyy-mm-dd"}
    assert [(row[0].value, row[0].number_format) for row in months] == [
        (datetime.datetime(2026, 3, 1), "yyyy-mm")
    ]
    assert [(row[0].value, row[0].number_format) for row in comments] == [
        (datetime.datetime(2026, 3, 1), "yyyy-mm")
    ]
    generated = summary[_("Generated")]
    assert isinstance(generated.value, datetime.datetime)
    assert generated.number_format == "yyyy-mm-dd hh:mm"


def test_figures_are_exact_and_shown_as_the_pdf_shows_them(workbook, report):
    areas = table_rows(workbook[_("Rated areas")])
    header = [cell.value for cell in workbook[_("Rated areas")][1]]
    summary = {row[0].value: row[1] for row in table_rows(workbook[_("Summary")])}
    headline = _("Mean of the rated areas, index")
    named = {"figure": headline}

    index = summary[headline]
    assert index.value == pytest.approx(report.areas_index.value, rel=1e-14)
    assert index.value == pytest.approx(report.overall.satisfaction_index, rel=1e-14)
    assert index.value != round(index.value, 3)  # not rounded in Python
    assert (index.number_format, shown(index) + "%") == ("0.0", percent(index.value))
    low = summary[_("%(figure)s: 95%% interval from") % named]
    high = summary[_("%(figure)s: 95%% interval to") % named]
    assert (low.value, high.value) == pytest.approx(report.areas_index.interval, rel=1e-14)
    assert shown(low) + "%" == percent(low.value) and shown(high) + "%" == percent(high.value)
    change = summary[_("%(figure)s: change") % named]
    assert change.value == pytest.approx(report.areas_index_change.difference, rel=1e-14)
    assert change.value < 0
    assert (change.number_format, shown(change)) == ("+0.0;-0.0;0.0", signed(change.value))
    p = summary[_("%(figure)s: p-value of the change") % named]
    assert p.value == pytest.approx(report.areas_index_change.p, rel=1e-14)
    assert p.number_format == "0.000"
    significant = summary[_("%(figure)s: significant change") % named].value
    assert significant == (_("yes") if report.areas_index_change.significant else _("no"))
    mean = summary[_("Mean of the rated areas, mean rating")]
    assert mean.value == pytest.approx(report.areas_mean.value, rel=1e-14)
    assert (mean.number_format, shown(mean)) == ("0.00", decimal(mean.value))

    for row in areas:
        cells = dict(zip(header, row, strict=True))
        question = next(q for q in report.rating_questions if q.key == cells[_("Key")].value)
        stats = question.rating
        if not stats.n:  # not answered in March: no figures, not zeros
            assert cells[_("Mean")].value is None and cells["1 (%)"].value is None
            continue
        assert cells[_("Mean")].value == pytest.approx(stats.mean, rel=1e-14)
        assert shown(cells[_("Mean")]) == decimal(stats.mean)
        assert shown(cells[_("Satisfaction index (%)")]) + "%" == percent(stats.satisfaction_index)
        for value in range(1, 6):
            share = cells[f"{value} (%)"]
            assert share.value == pytest.approx(stats.share(value), rel=1e-14)
            assert shown(share) + "%" == percent(stats.share(value), 0)
            assert cells[str(value)].value == stats.counts[value]
        if question.mean.interval is not None:
            low, high = question.mean.interval
            named = {"figure": _("Mean")}
            assert shown(cells[_("%(figure)s: 95%% interval from") % named]) == decimal(low)
            assert shown(cells[_("%(figure)s: 95%% interval to") % named]) == decimal(high)
        if question.mean_change.difference is not None:
            change = cells[_("Change of the mean")]
            assert shown(change) == signed(question.mean_change.difference, 2)
    waiting = dict(
        zip(header, next(r for r in areas if r[0].value == "czas-oczekiwania"), strict=True)
    )
    # 5, 4, 1, 2, 4, 5: a mean of 3.5, against February's 5.
    assert (waiting[_("Answers")].value, waiting[_("Mean")].value) == (6, 3.5)
    assert shown(waiting[_("Change of the mean")]) == "−1,50"
    assert waiting["1 (%)"].value == pytest.approx(100 / 6) and shown(waiting["1 (%)"]) == "17"


def test_the_explanations_sheet_explains_every_column(workbook):
    explained = {}
    for sheet, column, text in workbook[_("Explanations")].iter_rows(min_row=2, values_only=True):
        assert text, (sheet, column)
        explained.setdefault(sheet, set()).add(column or "")
    for sheet in workbook.worksheets:
        if sheet.title in (_("Explanations"), _("Responses")):
            continue
        header = {cell.value for cell in sheet[1] if cell.value is not None}
        assert header <= explained[sheet.title], sheet.title
        assert "" in explained[sheet.title], sheet.title  # what the sheet holds
    assert {_("Date"), _("Channel"), _("Department"), _("Questionnaire version")} <= explained[
        _("Responses")
    ]


def test_the_files_say_how_many_responses_they_leave_out(workbook, report):
    # USC (4 shown in March) and taxes (3) against "Inne" (1): taxes hides with it.
    assert {row.name for row in report.departments if row.hidden} == {
        "Podatki i opłaty lokalne",
        "Inne",
    }
    raw = workbook[_("Responses")]
    rows = table_rows(raw)
    assert {row[2].value for row in rows} == {"Urząd Stanu Cywilnego"}
    assert len(rows) == 5
    note = raw.cell(row=len(rows) + 3, column=1).value
    assert note == DEPARTMENTS_LEFT_OUT % {"count": 4, "minimum": 3}
    assert raw.max_row == len(rows) + 3
    methodology = [row[0].value for row in table_rows(workbook[_("Methodology")])]
    assert methodology[-1] == note
    summary = {row[0].value: row[1].value for row in table_rows(workbook[_("Summary")])}
    assert summary[_("Responses not listed (anonymity)")] == 4

    lines = list(csv.reader(io.StringIO("".join(csv_rows(report)).lstrip("\ufeff")), delimiter=";"))
    assert len(lines) == 1 + 5 + 2
    assert lines[-2:] == [[], [note]]
