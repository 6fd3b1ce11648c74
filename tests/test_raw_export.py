"""The raw responses export (the XLSX's last sheet, the CSV) against the stored answer rows.

The expected rows are worked out here from the ``Answer`` rows through the ORM (their
question, option, department, response and version), not from the export's own queries:
two questionnaire versions with a key in common, a multiple-choice question whose options
were stored out of their questionnaire order, a redacted comment and text that a spreadsheet
would run as a formula; and hidden departments, whose rows are left out with a note.
"""

import csv
import datetime
import io
import re
import threading

import openpyxl
import pytest
from django.db import connection

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import (
    Answer,
    Department,
    QuestionOption,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from wagtail_ocena.reports import spreadsheet
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period
from wagtail_ocena.reports.spreadsheet import (
    DEPARTMENTS_LEFT_OUT,
    NONE_LISTED,
    csv_rows,
    raw_rows,
    write_xlsx,
)

from .conftest import record_response

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
HIDDEN = "ukryty (ochrona anonimowości)"
MARKER = "[usunięte przez urząd: uwaga mogła zawierać dane osobowe]"
PERSONAL = "Dzwonić do Jana Nowaka, tel. 600 100 200"
SOURCE_TEXT = "Skąd wie Pan/Pani o ankiecie?"
OVERALL_TEXT = "Ogólna ocena obsługi w Urzędzie"


def departments(site):
    return list(Department.objects.for_site(site).order_by("sort_order"))


@pytest.fixture
def second_version(survey):
    """A version frozen by hand after the default one: the overall rating again (asked in
    other words), a multiple-choice question and the comments."""
    version = SurveyVersion.objects.create(
        page=survey, number=survey.current_version.number + 1, fingerprint="1" * 64
    )
    SurveyQuestion.objects.create(
        version=version, position=0, kind="department", key="wydzial", text="Wydział?"
    )
    SurveyQuestion.objects.create(
        version=version, position=1, kind="rating", key="ogolna-ocena", text=OVERALL_TEXT
    )
    source = SurveyQuestion.objects.create(
        version=version, position=2, kind="multiple_choice", key="skad", text=SOURCE_TEXT
    )
    # Stored out of their order: the export follows the questionnaire, not the ids.
    for position, key, label in [
        (2, "znajomi", "od znajomych"),
        (0, "www", "=strona internetowa"),
        (1, "inne", "-inne źródło"),
    ]:
        QuestionOption.objects.create(question=source, position=position, key=key, label=label)
    SurveyQuestion.objects.create(
        version=version, position=3, kind="open_text", key="uwagi", text="Uwagi"
    )
    assert survey.current_version == version
    return version


@pytest.fixture
def responses(survey, site, settings):
    """March 2026: the first version's responses, then the second's; several on one day."""
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3
    usc, taxes, other = departments(site)
    first = [
        (2, Channel.PAPER, usc, {"czas-oczekiwania": "5", "porownanie": "lepsza"}),
        (2, Channel.ELECTRONIC, usc, {"czas-oczekiwania": "na", "uwagi": "=1+1"}),
        (2, Channel.ELECTRONIC, taxes, {"uwagi": "@SUM(A1)", "wiek": "26-40"}),
        (5, Channel.PAPER, taxes, {"uwagi": "Za mało krzeseł."}),
        (9, Channel.ELECTRONIC, other, {"uwagi": PERSONAL}),
    ]
    for day, channel, department, answers in first:
        record_response(
            survey,
            {"wydzial": department, **answers},
            channel=channel,
            submitted_on=datetime.date(2026, 3, day),
        )
    return first


def record(version, day, department, channel=Channel.ELECTRONIC, **answers):
    return SurveyResponse.objects.record(
        version,
        {"wydzial": department, **answers},
        site=version.page.get_site(),
        channel=channel,
        submitted_on=datetime.date(2026, 3, day),
    )


@pytest.fixture
def both_versions(responses, second_version, site):
    usc, taxes, _other = departments(site)
    record(second_version, 2, usc, **{"ogolna-ocena": "2", "skad": ["znajomi", "www", "inne"]})
    record(second_version, 12, taxes, Channel.PAPER, **{"ogolna-ocena": "5", "skad": ["inne"]})
    record(second_version, 12, usc, **{"skad": ["znajomi", "inne"], "uwagi": "-5 punktów"})
    pasted = record(second_version, 20, taxes, **{"uwagi": "x"})
    # Stored before control characters were dropped on input.
    pasted.answers.filter(question__key="uwagi").update(text="\x01=HYPERLINK(\x0b1)")
    Answer.objects.filter(text=PERSONAL).redact()
    return second_version


def neutralised(value):
    if not isinstance(value, str):
        return value
    value = re.sub(r"[\x01-\x08\x0b-\x1f\x7f]", "", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def expected_rows(report):
    """The export's rows as header text -> value, worked out from the answer rows."""
    newest = {}
    for question in SurveyQuestion.objects.order_by("version__created_at", "version_id"):
        if question.kind != "department":
            newest[question.key] = question.text
    site = report.office.site
    scope = SurveyResponse.objects.filter(site=site, submitted_on__range=(MARCH.start, MARCH.end))
    hidden = report.hidden_departments
    rows = []
    for response in sorted(scope, key=lambda response: (response.submitted_on, response.id.hex)):
        if (response.department_id or 0) in hidden:
            continue  # left out, with the note
        values = {}
        for answer in Answer.objects.filter(response=response).select_related("question", "option"):
            question = answer.question
            if question.kind == "department":
                continue
            if question.kind == "open_text" and not report.filters.include_comments:
                continue
            if answer.not_applicable:
                value = "nie dotyczy"
            elif answer.rating is not None:
                value = answer.rating
            elif answer.option is not None:
                value = answer.option.label
            else:
                value = answer.text
            order = (question.position, answer.option.position if answer.option else -1)
            values.setdefault(question.key, []).append((order, value))
        row = {
            "Data": response.submitted_on,
            "Kanał": {"paper": "papierowa", "electronic": "elektroniczna"}[response.channel],
            "Wydział": "" if response.department is None else response.department.name,
            "Wersja ankiety": response.version.code,
        }
        for key, text in newest.items():
            given = [value for _order, value in sorted(values.get(key, []))]
            cell = (
                None if not given else given[0] if len(given) == 1 else "; ".join(map(str, given))
            )
            row[text] = neutralised(cell)
        rows.append(row)
    return rows


def xlsx_sheet(report):
    """The raw sheet's rows: the header, the responses, and after a blank row the note."""
    workbook = io.BytesIO()
    write_xlsx(report, workbook)
    sheet = openpyxl.load_workbook(workbook, read_only=True)["Odpowiedzi"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_rows(report):
    header, *rows = xlsx_sheet(report)
    header = [cell for cell in header if cell is not None]
    result = []
    for row in rows:
        if all(cell is None for cell in row):
            break  # the note follows
        row = dict(zip(header, row + [None] * (len(header) - len(row)), strict=False))
        row["Data"] = row["Data"].date()
        result.append(row)
    return header, result


def csv_lines(report):
    lines = "".join(csv_rows(report))
    assert lines.startswith("\ufeff")
    return list(csv.reader(io.StringIO(lines.lstrip("\ufeff")), delimiter=";"))


def csv_dicts(report):
    header, *rows = csv_lines(report)
    rows = rows[: rows.index([])] if [] in rows else rows  # the note follows a blank line
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def notes(report):
    """The note below the raw rows of the XLSX and of the CSV (None if there is none)."""
    sheet, lines = xlsx_sheet(report), csv_lines(report)
    xlsx_note = sheet[-1][0] if len(sheet) > 2 and all(v is None for v in sheet[-2]) else None
    csv_note = lines[-1][0] if len(lines) > 2 and lines[-2] == [] else None
    return xlsx_note, csv_note


def as_csv(row):
    return {
        text: value.isoformat() if isinstance(value, datetime.date) else "" if value is None
        else str(value)
        for text, value in row.items()
    }  # fmt: skip


@pytest.mark.parametrize("chunk", [None, 2])
@pytest.mark.parametrize("include_comments", [True, False])
@pytest.mark.parametrize("minimum", [1, 3])
def test_the_raw_export_is_the_stored_answers(
    both_versions, site, settings, monkeypatch, chunk, include_comments, minimum
):
    # With 1 no department is hidden; with 3 "Inne" (1) is, and the smaller other with it.
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = minimum
    if chunk:  # responses fetched two at a time from the database's cursor
        monkeypatch.setattr(spreadsheet, "RAW_CHUNK", chunk)
    report = build_report(site, MARCH, ReportFilters(include_comments=include_comments))
    expected = expected_rows(report)

    header, rows = xlsx_rows(report)
    csv_header, csv_rows_ = csv_dicts(report)

    assert header[:4] == ["Data", "Kanał", "Wydział", "Wersja ankiety"]
    assert sorted(header[4:]) == sorted(set(expected[0]) - set(header[:4]))
    assert csv_header == header
    assert len(rows) == len(expected) == (9 if minimum == 1 else 4)
    assert rows == expected
    assert csv_rows_ == [as_csv(row) for row in expected]
    xlsx_note, csv_note = notes(report)
    assert xlsx_note == csv_note
    if minimum == 1:
        assert xlsx_note is None and not report.hidden_departments
    else:
        assert len(report.hidden_departments) == 2
        assert xlsx_note == DEPARTMENTS_LEFT_OUT % {"count": 5, "minimum": 3}


def test_what_the_expected_rows_hold(both_versions, site, settings):
    """The cases the comparison above is meant to cover are really in the data."""
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    report = build_report(site, MARCH)
    header, rows = xlsx_rows(report)
    sources = [row[SOURCE_TEXT] for row in rows if row[SOURCE_TEXT]]
    comments = [row["Uwagi"] for row in rows if row.get("Uwagi")]

    # Options in the questionnaire's order; a label that starts like a formula neutralised
    # at the start of the cell, as the cell is one text.
    assert sorted(sources) == [
        "'-inne źródło",
        "'-inne źródło; od znajomych",
        "'=strona internetowa; -inne źródło; od znajomych",
    ]
    assert {"'=1+1", "'@SUM(A1)", "'-5 punktów", "'=HYPERLINK(1)", MARKER} <= set(comments)
    assert not any(PERSONAL in str(value) for row in rows for value in row.values())
    assert {row["Wersja ankiety"] for row in rows} == {
        version.code for version in SurveyVersion.objects.all()
    }
    # One column for the key both versions ask, under the newer version's words.
    assert OVERALL_TEXT in header
    second = [row[OVERALL_TEXT] for row in rows if row["Wersja ankiety"].endswith(".2")]
    assert sorted(map(str, second)) == ["2", "5", "None", "None"]
    assert "nie dotyczy" in [row["Czas oczekiwania na obsługę"] for row in rows]
    # Within a day, by the responses' random ids.
    second_of_march = [row for row in rows if row["Data"] == datetime.date(2026, 3, 2)]
    assert len(second_of_march) == 4
    # Hidden departments' rows are not there at all, not even under another label.
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3
    report = build_report(site, MARCH)
    hidden = {d.name for d in Department.objects.filter(pk__in=report.hidden_departments)}
    _header, rows = xlsx_rows(report)
    assert "Inne" in hidden and len(hidden) == 2
    assert {row["Wydział"] for row in rows} == {d.name for d in departments(site)} - hidden
    assert not any(HIDDEN in str(value) for row in rows for value in row.values())


def test_a_withheld_report_exports_the_header_alone(both_versions, site, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 50
    usc = departments(site)[0]
    report = build_report(site, MARCH, ReportFilters(department=usc))

    assert report.withheld
    header, rows = xlsx_rows(report)
    assert header[:4] == ["Data", "Kanał", "Wydział", "Wersja ankiety"] and rows == []
    assert csv_dicts(report)[1] == []
    xlsx_note, csv_note = notes(report)
    assert xlsx_note == csv_note == NONE_LISTED % {"minimum": 50}


def test_postgresql_does_not_compile_the_raw_query(both_versions, site, settings):
    """Its JIT would take longer than the query: off for the export's transaction only."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1

    def jit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
    assert len(list(raw_rows(build_report(site, MARCH)))) == 10
    assert jit() == "off"


def test_a_raw_export_left_unfinished_stops_its_fetching_thread(both_versions, site, monkeypatch):
    monkeypatch.setattr(spreadsheet, "RAW_CHUNK", 1)
    monkeypatch.setattr(spreadsheet, "_in_process", lambda connection: False)  # even on SQLite
    rows = raw_rows(build_report(site, MARCH))
    next(rows), next(rows)  # the header and one response; more are being fetched

    rows.close()

    assert "wagtail-ocena-raw-rows" not in {thread.name for thread in threading.enumerate()}
    # The connection is free again for the caller.
    assert SurveyResponse.objects.count() == 9


@pytest.mark.parametrize("in_process", [True, False])
def test_the_rows_are_the_same_fetched_by_a_thread_or_not(
    both_versions, site, settings, monkeypatch, in_process
):
    """SQLite's rows are read in the caller's thread, a server's by a fetching thread: both
    ways on either database."""
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    monkeypatch.setattr(spreadsheet, "RAW_CHUNK", 2)
    monkeypatch.setattr(spreadsheet, "_in_process", lambda connection: in_process)
    report = build_report(site, MARCH)

    assert xlsx_rows(report)[1] == expected_rows(report)


def test_answers_whose_ids_do_not_fit_the_packed_token(both_versions, site, settings, monkeypatch):
    """An answer whose ids are too large to pack in one integer comes as a JSON array: here
    the questions from the fifth on, next to packed tokens in the same responses."""
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    questions = sorted(SurveyQuestion.objects.values_list("pk", flat=True))
    monkeypatch.setattr(spreadsheet, "QUESTION_BOUND", questions[4])
    report = build_report(site, MARCH)
    tokens = [row[4] for row in spreadsheet._responses(report) if row[4]]
    tokens = {token for packed in tokens for token in packed.split(";")}

    assert any(token.startswith("[") for token in tokens)
    assert any(not token.startswith("[") for token in tokens)
    assert xlsx_rows(report)[1] == expected_rows(report)
    assert csv_dicts(report)[1] == [as_csv(row) for row in expected_rows(report)]


def test_a_packed_token_is_the_answer_it_packs():
    for answer in [
        (1, None, False, None, None),
        (7, 5, False, None, None),
        (7, None, True, None, None),
        (12, None, False, 0, None),
        (12, None, False, spreadsheet.ID_BOUND - 2, None),
        (3, None, False, None, spreadsheet.ID_BOUND - 2),
        (spreadsheet.QUESTION_BOUND - 1, 6, True, 5, 9),
    ]:
        question, rating, not_applicable, option, department = answer
        packed = (
            ((question * 8 + (7 if rating is None else rating)) * 2 + not_applicable)
            * spreadsheet.ID_BOUND
            + (0 if option is None else option + 1)
        ) * spreadsheet.ID_BOUND + (0 if department is None else department + 1)
        assert packed < 2**63
        assert spreadsheet._token_answer(str(packed)) == (*answer, "")
