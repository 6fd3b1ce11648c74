"""The PDF's comments: the most frequent texts once each with their count, grouped in the
database, capped, with a pointer to the XLSX."""

import datetime
import io
from collections import Counter

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from wagtail_ocena.models import Answer, GeneratedReport
from wagtail_ocena.reports import comments
from wagtail_ocena.reports.archive import generate
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.pdf import render_report_pdf
from wagtail_ocena.reports.period import Period

from .conftest import record_response

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture(autouse=True)
def small_reports(settings):
    """A few responses make a report here: a report below the anonymity minimum shows no
    comments at all (tests/test_file_anonymity.py)."""
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1


MARKER = "[usunięte przez urząd: uwaga mogła zawierać dane osobowe]"
XLSX_NOTE = "The full list of comments is in the report's XLSX file."
SHOWN_NOTE = "Only the most frequent are shown: %(shown)s of the %(total)s comments made."

# Texts the same but for case and spacing (non-ASCII capitals among them: SQLite's lower()
# alone would not fold Ł), and near ones that are not the same.
TEXTS = [
    "Za mało krzeseł.",
    "za mało krzeseł.",
    "  ZA MAŁO KRZESEŁ.  ",
    "Za  mało\nkrzeseł.",
    "Za mało krzeseł",
    "Brak parkingu.",
    "brak PARKINGU.",
    "Świetna obsługa!",
    "świetna obsługa!",
    "ŚWIETNA\tOBSŁUGA!",
    "Pani Anna Kowalska, tel. 600 100 200, pomogła.",
    "Kolejka za długa.",
]


def send(survey, texts, day=5):
    return [
        record_response(survey, {"uwagi": text}, submitted_on=datetime.date(2026, 3, day))
        for text in texts
    ]


def by_hand():
    """Every stored comment's text, case and spacing aside, counted in Python."""
    rows = Answer.objects.filter(question__key="uwagi").exclude(text="")
    return Counter(" ".join(text.split()).lower() for text in rows.values_list("text", flat=True))


def pdf_text(pdf):
    return " ".join(
        " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split()
    )


def in_polish(message):
    # What the PDF says in the site's language, translated or not yet.
    with translation.override("pl"):
        return " ".join(gettext(message).split())


def grouped(survey, filters=None):
    return build_report(survey.get_site(), MARCH, filters, group_comments=True)


def test_identical_comments_are_counted_once_each_as_the_answer_rows_say(survey, office):
    send(survey, TEXTS[:6], day=3)
    send(survey, TEXTS[6:], day=20)
    record_response(survey, {}, submitted_on=datetime.date(2026, 3, 21))  # no comment

    report = grouped(survey)

    counted = {" ".join(g.text.split()).lower(): g.count for g in report.comment_groups}
    assert counted == by_hand()
    assert counted["za mało krzeseł."] == 4 and counted["za mało krzeseł"] == 1
    assert counted["świetna obsługa!"] == 3
    assert sum(counted.values()) == report.comments_total == len(TEXTS)
    # Most frequent first; equal counts the newest first (days 20, then 3), then by text.
    assert [" ".join(g.text.split()).lower() for g in report.comment_groups] == [
        "za mało krzeseł.",
        "świetna obsługa!",
        "brak parkingu.",
        "kolejka za długa.",
        "pani anna kowalska, tel. 600 100 200, pomogła.",
        "za mało krzeseł",
    ]
    assert report.comment_groups[0].text in TEXTS[:4]
    # The admin page's list is left out of a report built for the PDF.
    assert report.comments == []


def test_groups_are_made_in_the_database(survey, office):
    send(survey, TEXTS)

    site = survey.get_site()
    with CaptureQueriesContext(connection) as queries:
        rows = list(comments.comment_groups(site, MARCH, ReportFilters()))

    (query,) = queries.captured_queries
    assert "GROUP BY" in query["sql"]
    assert len(rows) == len(by_hand())


def test_comments_of_one_day_are_ordered_by_text_not_by_arrival(survey, office):
    texts = [f"Uwaga numer {n}" for n in (7, 3, 9, 1, 5, 8, 2)]
    send(survey, texts)

    report = grouped(survey)

    assert [g.text for g in report.comment_groups] == sorted(texts)


def test_the_pdf_shows_at_most_the_cap_and_points_to_the_xlsx(survey, office, monkeypatch):
    monkeypatch.setattr(comments, "COMMENT_GROUP_LIMIT", 3)
    frequent = {"Winda nie działa.": 4, "Brak parkingu.": 3, "Kolejka za długa.": 2}
    rare = ["Za zimno w poczekalni.", "Miła obsługa w kasie."]
    for text, times in frequent.items():
        send(survey, [text] * times)
    send(survey, rare)

    report = grouped(survey)
    text = pdf_text(render_report_pdf(report))

    assert [(g.text, g.count) for g in report.comment_groups] == list(frequent.items())
    assert (report.grouped_comments_shown, report.comments_total) == (9, 11)
    for comment, times in frequent.items():
        assert f"{comment} {times}" in text
    assert not any(comment in text for comment in rare)
    assert in_polish(XLSX_NOTE) in text
    assert in_polish(SHOWN_NOTE) % {"shown": 9, "total": 11} in text


def test_below_the_cap_every_comment_is_shown_and_the_xlsx_still_named(survey, office):
    send(survey, ["Winda nie działa.", "winda nie działa.", "Brak parkingu."])

    text = pdf_text(render_report_pdf(grouped(survey)))

    assert "Winda nie działa. 2" in text
    assert "Brak parkingu. 1" in text
    assert in_polish(XLSX_NOTE) in text
    assert in_polish(SHOWN_NOTE).split("%")[0].strip() not in text


def test_redacted_comments_show_the_redaction_text_only(survey, office):
    personal, other = TEXTS[10], "Kolejka za długa."
    send(survey, [personal, personal.upper(), other, "Winda nie działa."])
    Answer.objects.filter(text__in=[personal, personal.upper(), other]).redact()

    report = grouped(survey)
    text = pdf_text(render_report_pdf(report))

    groups = [(g.text, g.count, g.redacted) for g in report.comment_groups]
    assert groups == [(MARKER, 3, True), ("Winda nie działa.", 1, False)]
    assert "Kowalska" not in text and "KOWALSKA" not in text and other not in text
    assert f"{MARKER} 3" in " ".join(text.split())


def test_the_archived_pdf_has_the_groups(survey, office, site):
    send(survey, ["Winda nie działa."] * 3 + ["Brak parkingu."])

    record = generate(
        GeneratedReport.objects.request(
            site, MARCH, ReportFilters(include_comments=True), "pdf", None, at_once=True
        )
    )

    with record.file.open("rb") as file:
        text = pdf_text(file.read())
    assert "Winda nie działa. 3" in text
    assert in_polish(XLSX_NOTE) in text


def test_a_pdf_needs_its_comments_grouped(survey, office):
    send(survey, ["Winda nie działa."])

    with pytest.raises(ValueError):
        render_report_pdf(build_report(survey.get_site(), MARCH))
    # Without comments there is nothing to group.
    render_report_pdf(build_report(survey.get_site(), MARCH, ReportFilters(include_comments=False)))


def test_comments_are_grouped_by_department_and_hidden_ones_together(survey, office, settings):
    from wagtail_ocena.models import Department

    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3
    site = survey.get_site()
    usc, taxes, other = Department.objects.for_site(site).order_by("sort_order")
    for department, texts in [
        (usc, ["Brak parkingu.", "brak parkingu.", "Winda nie działa.", "Miło."]),
        (taxes, ["Brak parkingu.", "Kolejka za długa.", "Miło."]),
        (other, ["Brak parkingu."]),  # hidden (1), and taxes (3) with it
    ]:
        for text in texts:
            record_response(
                survey, {"wydzial": department, "uwagi": text}, submitted_on=MARCH.start
            )

    report = grouped(survey)

    hidden = gettext("Departments hidden to protect anonymity")
    assert report.hidden_departments == {taxes.pk, other.pk}
    assert [
        (g.department, " ".join(g.text.split()).lower(), g.count) for g in report.comment_groups
    ] == [
        (usc.name, "brak parkingu.", 2),
        (usc.name, "miło.", 1),
        (usc.name, "winda nie działa.", 1),
        (hidden, "brak parkingu.", 2),
        (hidden, "kolejka za długa.", 1),
        (hidden, "miło.", 1),
    ]
    text = pdf_text(render_report_pdf(report))
    assert usc.name in text and in_polish("Departments hidden to protect anonymity") in text
    assert taxes.name not in text.split(in_polish("Comments"))[-1]
