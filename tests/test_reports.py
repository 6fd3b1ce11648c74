"""Generuj raport: figures against hand-computed values, filters, renderings, archive, §5."""

import datetime
import hashlib
import io
import math
import uuid

import openpyxl
import pypdf
import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import ModelLogEntry

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import GeneratedReport, SurveyPage, SurveyVersion
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.pdf import render_report_pdf
from wagtail_ocena.reports.period import Period, preset_period
from wagtail_ocena.reports.spreadsheet import DEPARTMENTS_LEFT_OUT, NONE_LISTED, write_xlsx
from wagtail_ocena.reports.structure import NO_COMPARISON

from .conftest import logged_in, record_response

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def answer(survey, day, channel=Channel.ELECTRONIC, department=None, **answers):
    """One response on ``day`` (a day of March 2026) with exactly the given answers."""
    site = survey.get_site()
    office_departments = site_departments(site)
    values = {"wydzial": department or office_departments[0], "ogolna-ocena": "4", **answers}
    return record_response(
        survey, values, channel=channel, submitted_on=datetime.date(2026, 3, day)
    )


def site_departments(site):
    from wagtail_ocena.models import Department

    return list(Department.objects.for_site(site).order_by("sort_order"))


@pytest.fixture
def march(survey, office):
    """Five responses in March 2026 whose figures are worked out by hand below."""
    usc, taxes, other = site_departments(survey.get_site())
    answer(survey, 2, Channel.PAPER, usc, **{"czas-oczekiwania": "5", "porownanie": "lepsza"})
    answer(survey, 3, Channel.ELECTRONIC, usc, **{"czas-oczekiwania": "4", "porownanie": "lepsza"})
    answer(
        survey, 10, Channel.ELECTRONIC, taxes, **{"czas-oczekiwania": "4", "porownanie": "gorsza"}
    )
    answer(survey, 20, Channel.PAPER, taxes, **{"czas-oczekiwania": "2"})
    answer(
        survey,
        31,
        Channel.ELECTRONIC,
        taxes,
        **{"czas-oczekiwania": "na", "uwagi": "Za mało krzeseł."},
    )
    return survey


def question(report, key):
    return next(q for q in [*report.questions, *report.profile] if q.key == key)


def test_figures_match_hand_computed_values(march):
    report = build_report(march.get_site(), MARCH)

    assert report.responses == 5
    assert report.by_channel == {"paper": 2, "electronic": 3}
    waiting = question(report, "czas-oczekiwania").rating
    assert waiting.counts == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert waiting.not_applicable == 1
    assert waiting.n == 4
    assert waiting.mean == pytest.approx(3.75)
    # s = sqrt(((5-3.75)² + 2·(4-3.75)² + (2-3.75)²) / 3) = sqrt(4.75/3); t(3) = 3.1824463
    half_width = 3.1824463 * math.sqrt(4.75 / 3) / 2
    low, high = waiting.confidence_interval
    assert low == pytest.approx(3.75 - half_width)
    assert high == pytest.approx(3.75 + half_width)
    assert waiting.satisfaction_index == pytest.approx(75.0)
    comparison = question(report, "porownanie")
    assert [(o.key, o.count) for o in comparison.options] == [
        ("lepsza", 2),
        ("podobna", 0),
        ("gorsza", 1),
        ("nie-wiem", 0),
    ]
    assert comparison.options[0].share == pytest.approx(200 / 3)
    # The areas' index counts every rated area's answer: waiting, 3 of 4 positive. The
    # overall-rating question (5 of 5 positive) is beside it, not part of it.
    assert report.overall.n == 4
    assert report.overall.satisfaction_index == pytest.approx(75.0)
    assert report.areas_index.value == pytest.approx(75.0)
    assert "ogolna-ocena" not in [q.key for q in report.rating_questions]
    overall = report.overall_question
    assert (overall.key, overall.rating.n) == ("ogolna-ocena", 5)
    assert overall.index.value == pytest.approx(100.0)
    assert [(m.month, m.electronic, m.paper) for m in report.months] == [
        (datetime.date(2026, 3, 1), 3, 2)
    ]
    assert [c.text for c in report.comments] == ["Za mało krzeseł."]
    assert report.versions == [march.current_version]


def test_departments_below_the_minimum_are_hidden(march, settings):
    report = build_report(march.get_site(), MARCH)

    rows = {row.name: row for row in report.departments}
    assert rows["Podatki i opłaty lokalne"].responses == 3
    assert rows["Urząd Stanu Cywilnego"].responses == 2
    assert rows["Podatki i opłaty lokalne"].hidden
    assert rows["Urząd Stanu Cywilnego"].hidden

    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 2
    rows = {row.name: row for row in build_report(march.get_site(), MARCH).departments}
    taxes = rows["Podatki i opłaty lokalne"]
    assert not taxes.hidden
    # waiting 4 and 2 (n/a left out); the overall rating is not an area
    assert taxes.rating.satisfaction_index == pytest.approx(50.0)
    assert taxes.index.value == pytest.approx(50.0)
    assert not rows["Urząd Stanu Cywilnego"].hidden

    # Taxes alone could be shown, but 5 − 3 would give the hidden 2 of USC away.
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3
    rows = {row.name: row for row in build_report(march.get_site(), MARCH).departments}
    assert rows["Podatki i opłaty lokalne"].hidden
    assert rows["Urząd Stanu Cywilnego"].hidden


def test_the_smallest_other_departments_are_hidden_with_a_small_one(march, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3
    usc, taxes, other = site_departments(march.get_site())
    for day in range(4, 9):
        answer(march, day, Channel.ELECTRONIC, other)

    report = build_report(march.get_site(), MARCH)

    # USC (2) is below the minimum; taxes (3), the smallest of the rest, hides with it.
    assert [(row.name, row.hidden) for row in report.departments] == [
        ("Inne", False),
        ("Podatki i opłaty lokalne", True),
        ("Urząd Stanu Cywilnego", True),
    ]
    assert report.hidden_departments == {usc.pk, taxes.pk}


def test_months_of_one_departments_report_are_cells(survey, office, settings):
    usc = site_departments(survey.get_site())[0]
    days = [(1, day) for day in range(5, 11)] + [(2, day) for day in range(3, 8)] + [(3, 4)]
    for month, day in days:
        record_response(
            survey,
            {"wydzial": usc, "uprzejmosc": "3" if month == 1 else "5"},
            submitted_on=datetime.date(2026, month, day),
        )
    quarter = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))

    months = build_report(survey.get_site(), quarter, ReportFilters(department=usc)).months
    whole_office = build_report(survey.get_site(), quarter).months

    # March's one is below 5; February's five, the smaller of the rest, hides with it, or
    # the quarter's figures minus January's would give March away.
    assert [(m.total, m.satisfaction_index) for m in months] == [(6, 0.0), (5, None), (1, None)]
    assert [m.satisfaction_index for m in whole_office] == [0.0, 100.0, 100.0]


def test_filters_narrow_every_figure(march, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 2  # paper has 2
    site = march.get_site()
    paper = build_report(site, MARCH, ReportFilters(channel=Channel.PAPER))
    taxes = build_report(site, MARCH, ReportFilters(department=site_departments(site)[1]))
    version = build_report(site, MARCH, ReportFilters(version=march.current_version))

    assert paper.responses == 2
    assert question(paper, "czas-oczekiwania").rating.counts[5] == 1
    assert question(paper, "czas-oczekiwania").rating.counts[2] == 1
    assert taxes.responses == 3
    assert question(taxes, "czas-oczekiwania").rating.n == 2
    assert version.responses == 5


def test_one_department_below_the_minimum_shows_no_results(march, settings):
    site = march.get_site()
    taxes = site_departments(site)[1]

    report = build_report(site, MARCH, ReportFilters(department=taxes))

    assert report.withheld and not report.has_data
    assert report.responses == 3
    assert report.questions == [] and report.comments == [] and report.departments == []
    assert "mniej niż 5 ankiet" in report.withheld_note
    workbook = io.BytesIO()
    write_xlsx(report, workbook)
    sheets = openpyxl.load_workbook(workbook, read_only=True)
    summary = {row[0]: (row + (None,))[1] for row in sheets["Podsumowanie"].values}
    assert summary["Ankiety"] is None and summary["papierowa"] is None
    header, blank, note = sheets["Odpowiedzi"].values  # the header, and the note below
    assert header[0] == "Data" and set(blank) == {None}
    assert note[0] == NONE_LISTED % {"minimum": 5}
    assert len(list(sheets["Uwagi"].values)) == 1
    pdf_text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(render_report_pdf(report))).pages
    )
    assert "mniej niż 5 ankiet" in " ".join(pdf_text.split())
    assert "Za mało krzeseł" not in pdf_text

    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3
    report = build_report(site, MARCH, ReportFilters(department=taxes))
    assert not report.withheld
    # February had no responses of the department: nothing to compare with.
    assert question(report, "czas-oczekiwania").previous is None


def test_one_departments_previous_period_below_the_minimum_is_not_compared(march, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3
    site = march.get_site()
    usc = site_departments(site)[0]
    for day in (3, 4):
        answer(march, day, department=usc, **{"czas-oczekiwania": "1"})
    previous = Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    for day in (2, 3):
        record_response(
            march,
            {"wydzial": usc, "czas-oczekiwania": "5"},
            submitted_on=datetime.date(2026, 2, day),
        )

    report = build_report(site, MARCH, ReportFilters(department=usc))

    assert report.previous_period == previous and report.previous_responses == 2
    assert question(report, "czas-oczekiwania").previous is None
    assert report.areas_index_change == NO_COMPARISON and not report.comparable
    # Nor is the office's, below the minimum as a whole.
    office_wide = build_report(site, MARCH)
    assert office_wide.previous_responses == 2
    assert question(office_wide, "czas-oczekiwania").previous is None
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 2
    office_wide = build_report(site, MARCH)
    assert question(office_wide, "czas-oczekiwania").previous.n == 2


def test_a_period_without_responses_is_a_valid_report(march):
    report = build_report(
        march.get_site(), Period(datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
    )

    assert report.responses == 0
    assert not report.has_data
    assert report.overall is None or report.overall.n == 0


def test_previous_period_comparison_marks_significant_changes(survey, office):
    for day in range(1, 29):
        for _twice in range(2):  # 56 responses: enough to compare with
            record_response(
                survey,
                {"czas-oczekiwania": "1", "ogolna-ocena": "2"},
                submitted_on=datetime.date(2026, 2, day),
            )
            record_response(
                survey,
                {"czas-oczekiwania": "5", "ogolna-ocena": "4"},
                submitted_on=datetime.date(2026, 3, day),
            )

    report = build_report(
        survey.get_site(), Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 28))
    )

    waiting = question(report, "czas-oczekiwania")
    assert report.previous_period == Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert report.previous_responses == 56
    assert report.comparable
    assert waiting.previous.mean == 1
    assert waiting.index_change.difference == pytest.approx(100.0)
    assert waiting.significant
    assert report.improved_areas == [waiting]
    assert report.declined_areas == []
    overall = report.overall_question
    assert overall.index_change.difference == pytest.approx(100.0)
    assert overall.index_change.significant
    assert overall not in report.rating_questions


def test_a_thin_previous_period_is_not_compared_with(survey, office):
    # The previous period has 40 responses on 4 of its 28 days: less than half.
    for day in range(1, 5):
        for _time in range(10):
            record_response(
                survey, {"czas-oczekiwania": "1"}, submitted_on=datetime.date(2026, 2, day)
            )
    for day in range(1, 29):
        record_response(survey, {"czas-oczekiwania": "5"}, submitted_on=datetime.date(2026, 3, day))

    report = build_report(
        survey.get_site(), Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 28))
    )

    assert report.previous_coverage.days_with_responses == 4
    assert not report.comparable
    waiting = question(report, "czas-oczekiwania")
    assert waiting.index_change.difference is None and not waiting.significant
    assert report.areas_index_change.difference is None
    html = render_to_string("wagtail_ocena/reports/report_body.html", {"report": report})
    assert "brak porównywalnych danych" in html


def test_questions_are_matched_across_versions_by_key(survey, office, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    first = survey.current_version
    record_response(
        survey,
        {"czas-oczekiwania": "2", "porownanie": "gorsza"},
        submitted_on=datetime.date(2026, 3, 2),
    )
    questions = survey.questions.raw_data
    for item in questions:
        if item["value"]["key"] == "czas-oczekiwania":
            item["value"]["text"] = "Jak długo czekał(a) Pan/Pani na obsługę?"
        if item["value"]["key"] == "porownanie":
            for option in item["value"]["options"]:
                if option["key"] == "gorsza":
                    option["label"] = "gorsza niż gdzie indziej"
    survey.questions = questions
    survey.save_revision().publish()
    survey = SurveyPage.objects.get(pk=survey.pk)
    second = survey.current_version
    record_response(
        survey,
        {"czas-oczekiwania": "4", "porownanie": "gorsza"},
        submitted_on=datetime.date(2026, 3, 20),
    )

    report = build_report(survey.get_site(), MARCH)

    waiting = question(report, "czas-oczekiwania")
    assert waiting.text == "Jak długo czekał(a) Pan/Pani na obsługę?"
    assert waiting.rating.counts[2] == 1 and waiting.rating.counts[4] == 1
    assert waiting.versions == sorted([first.code, second.code])
    comparison = question(report, "porownanie")
    worse = next(o for o in comparison.options if o.key == "gorsza")
    assert (worse.label, worse.count) == ("gorsza niż gdzie indziej", 2)
    assert [v.code for v in report.versions] == [first.code, second.code]


def test_period_presets():
    today = datetime.date(2026, 11, 29)

    assert preset_period("last_year", today) == Period(
        datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    )
    assert preset_period("this_year", today) == Period(datetime.date(2026, 1, 1), today)
    assert preset_period("last_half_year", today) == Period(
        datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
    )
    assert preset_period("last_quarter", today) == Period(
        datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)
    )
    assert preset_period("last_month", today) == Period(
        datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
    )
    assert preset_period("last_half_year", datetime.date(2026, 3, 5)) == Period(
        datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)
    )


def test_the_report_shows_the_newest_comments_within_the_limit(
    survey, office, monkeypatch, settings
):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    monkeypatch.setattr("wagtail_ocena.reports.comments.COMMENT_LIMIT", 2)
    for day, channel in ((5, Channel.ELECTRONIC), (12, Channel.ELECTRONIC), (25, Channel.PAPER)):
        answer(survey, day, channel, uwagi=f"Uwaga z dnia {day}.")
    answer(survey, 28)

    report = build_report(survey.get_site(), MARCH)
    electronic = build_report(survey.get_site(), MARCH, ReportFilters(channel=Channel.ELECTRONIC))

    assert report.comments_total == 3
    assert [c.text for c in report.comments] == ["Uwaga z dnia 25.", "Uwaga z dnia 12."]
    assert electronic.comments_total == 2
    assert [c.text for c in electronic.comments] == ["Uwaga z dnia 12.", "Uwaga z dnia 5."]


@pytest.mark.parametrize(
    "period, previous",
    [
        # Whole months are compared with as many calendar months before them.
        (("2025-01-01", "2025-12-31"), ("2024-01-01", "2024-12-31")),  # 2024 has 366 days
        (("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28")),
        (("2026-02-01", "2026-02-28"), ("2026-01-01", "2026-01-31")),
        (("2026-07-01", "2026-09-30"), ("2026-04-01", "2026-06-30")),
        (("2026-01-01", "2026-06-30"), ("2025-07-01", "2025-12-31")),
        # Anything else with as many days before it.
        (("2026-03-05", "2026-03-14"), ("2026-02-23", "2026-03-04")),
        (("2026-01-01", "2026-01-10"), ("2025-12-22", "2025-12-31")),
    ],
)
def test_the_previous_period(period, previous):
    def parse(pair):
        return Period(*(datetime.date.fromisoformat(day) for day in pair))

    assert parse(period).previous() == parse(previous)


def test_the_trend_keeps_months_without_responses(survey, office, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    for day in (datetime.date(2026, 1, 10), datetime.date(2026, 3, 10)):
        record_response(survey, {"czas-oczekiwania": "4"}, submitted_on=day)

    report = build_report(
        survey.get_site(), Period(datetime.date(2026, 1, 1), datetime.date(2026, 4, 15))
    )

    assert [(m.month.month, m.total) for m in report.months] == [(1, 1), (2, 0), (3, 1), (4, 0)]
    assert report.months[1].rating.satisfaction_index is None


@pytest.mark.parametrize(
    "degrees, expected",
    # Student's t tables, two-sided 95 %.
    [(1, 12.706), (30, 2.042), (40, 2.021), (60, 2.000), (120, 1.980), (1000, 1.962)],
)
def test_t_critical_values(degrees, expected):
    from wagtail_ocena.reports.statistics import t_critical

    assert t_critical(degrees) == pytest.approx(expected, abs=0.0006)


# --- the admin views -------------------------------------------------------------------


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    """Ask for an archived report, running its background task as the default backend does."""

    def request(client, site, file_format="pdf", **params):
        data = {"preset": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"}
        data.update({"include_comments": "on", "format": file_format, **params})
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/admin/ocena/reports/{site.pk}/archive/", data)

    return request


def report_url(site, **params):
    from urllib.parse import urlencode

    query = {
        "preset": "custom",
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
        "include_comments": "on",
    }
    query.update(params)
    return f"/admin/ocena/reports/{site.pk}/?{urlencode(query)}"


def test_the_report_is_shown_in_the_admin(clerk_client, march, site):
    html = clerk_client.get(report_url(site)).content.decode()

    assert "Raport z badania satysfakcji klientów" in html
    assert "Czas oczekiwania na obsługę" in html
    # Four answers: too few for an interval.
    assert "3,75 (za mało odpowiedzi)" in html
    assert "75,0%" in html
    assert "Ocena ogólna" in html and "100,0%" in html
    # The waiting time's distribution, in counts and shares of the 4 answers on the scale.
    assert "1: 0 (0%) · 2: 1 (25%) · 3: 0 (0%) · 4: 2 (50%) · 5: 1 (25%)" in html
    assert "<svg" in html and 'role="img"' in html
    assert "Za mało krzeseł." in html


def test_a_withheld_department_report_in_the_admin(clerk_client, march, site):
    taxes = site_departments(site)[1]

    html = clerk_client.get(report_url(site, department=taxes.pk)).content.decode()

    assert "ma w tym okresie mniej niż 5 ankiet" in html
    assert "Za mało krzeseł." not in html
    assert "3,75 [" not in html


def test_comments_are_escaped_and_can_be_left_out(clerk_client, survey, site, office, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    nasty = '<script>alert("x")</script> ' + "a" * 300 + ' =HYPERLINK("http://evil.example")'
    record_response(survey, {"uwagi": nasty}, submitted_on=datetime.date(2026, 3, 5))

    html = clerk_client.get(report_url(site)).content.decode()
    without = clerk_client.get(report_url(site, include_comments="")).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "a" * 300 in html
    assert "&lt;script&gt;" not in without


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"date_from": "2026-04-01", "date_to": "2026-03-01"},
            "Okres nie może kończyć się przed początkiem.",
        ),
        (
            {"date_from": "2099-01-01", "date_to": "2099-02-01"},
            "Odpowiedzi bieżącego dnia trafiają do raportu po jego zakończeniu",
        ),
        (
            {"date_from": "2001-01-01", "date_to": "2026-01-01"},
            "Raport może obejmować najwyżej 1830 dni.",
        ),
        ({"date_from": "", "date_to": ""}, "Podaj obie daty okresu."),
        (
            {"date_from": "0001-01-01", "date_to": "0001-12-31"},
            "Okres nie może zaczynać się przed 1 stycznia 2000.",
        ),
        ({"department": "999999"}, "Wybierz jeden z wydziałów tego urzędu."),
        ({"version": "999999"}, "Wybierz wersję ankiety tego urzędu."),
    ],
)
def test_bad_report_requests_get_a_message(clerk_client, march, site, params, message):
    html = clerk_client.get(report_url(site, **params)).content.decode()

    assert message in html
    assert "Raport z badania satysfakcji klientów" not in html


def test_department_and_version_of_another_office_are_refused(
    clerk_client, march, site, other_office_survey
):
    from wagtail_ocena.models import Department

    foreign_department = Department.objects.get(name="Referat Podatków")
    html = clerk_client.get(
        report_url(
            site, department=foreign_department.pk, version=other_office_survey.current_version.pk
        )
    ).content.decode()

    assert "Wybierz jeden z wydziałów tego urzędu." in html
    assert "Wybierz wersję ankiety tego urzędu." in html


def test_archived_pdf_is_stored_with_its_checksum(clerk_client, clerk, march, site, archive):
    import hashlib

    response = archive(clerk_client, site, "pdf")

    record = GeneratedReport.objects.get()
    assert response["Location"] == f"/admin/ocena/archive/{record.pk}/"
    assert record.status == "done"
    assert record.created_by == clerk
    assert (record.period_start, record.period_end) == (MARCH.start, MARCH.end)
    download = clerk_client.get(f"/admin/ocena/archive/{record.pk}/file/")
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == record.sha256
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "Urząd Miejski w Koronowie" in " ".join(text.split())
    assert "Strona 1 /" in text
    with pytest.raises(TypeError, match="archived"):
        record.save()


def test_archived_files_are_private_with_random_names(clerk_client, march, site, archive, settings):
    import pathlib

    archive(clerk_client, site, "pdf")

    record = GeneratedReport.objects.get()
    path = pathlib.Path(record.file.path)
    assert path.is_relative_to(settings.WAGTAIL_OCENA_REPORTS_ROOT)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert "raport" not in path.name and len(path.stem) == 32
    with pytest.raises(ValueError, match="no public URL"):
        _ = record.file.url


@pytest.mark.parametrize(
    "root, problem",
    [
        (None, "is not set"),
        ("private/reports", "must be an absolute path"),
        ("{tmp}/media/reports", "inside MEDIA_ROOT"),
    ],
)
def test_the_system_check_asks_for_private_report_storage(settings, tmp_path, root, problem):
    from wagtail_ocena.checks import check_report_storage

    settings.WAGTAIL_OCENA_REPORTS_ROOT = root and root.format(tmp=tmp_path)

    [error] = check_report_storage(None)

    assert error.id == "wagtail_ocena.E001"
    assert problem in error.msg
    settings.STORAGES = {
        **settings.STORAGES,
        "wagtail_ocena_reports": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert check_report_storage(None) == []


def test_archived_xlsx_has_numbers_as_numbers_and_neutralised_text(
    clerk_client, march, site, survey, archive
):
    record_response(survey, {"uwagi": "=1+1"}, submitted_on=datetime.date(2026, 3, 6))
    # Stored before control characters were dropped on input; XLSX cannot hold them.
    pasted = record_response(survey, {"uwagi": "x"}, submitted_on=datetime.date(2026, 3, 7))
    pasted.answers.filter(question__key="uwagi").update(text="Za\x0bmało\x1bmiejsca")
    hidden = record_response(survey, {"uwagi": "x"}, submitted_on=datetime.date(2026, 3, 8))
    hidden.answers.filter(question__key="uwagi").update(text="\x01=HYPERLINK(1)")
    other = site_departments(site)[2]
    for day in range(10, 16):
        answer(survey, day, Channel.ELECTRONIC, other)
    archive(clerk_client, site, "xlsx")
    record = GeneratedReport.objects.get()
    workbook = openpyxl.load_workbook(record.file.path)

    assert workbook.sheetnames == [
        "Podsumowanie",
        "Miesiące",
        "Oceniane obszary",
        "Pozostałe pytania",
        "Metryczka",
        "Wydziały",
        "Wydziały według obszarów",
        "Forma ankiety",
        "Obszary do poprawy",
        "Uwagi",
        "Metodologia",
        gettext("Explanations"),
        "Odpowiedzi",
    ]

    areas = workbook["Oceniane obszary"]
    header = [cell.value for cell in areas[1]]
    waiting = next(
        row for row in areas.iter_rows(min_row=2, values_only=True) if row[0] == "czas-oczekiwania"
    )
    row = dict(zip(header, waiting, strict=True))
    assert row["Średnia"] == pytest.approx(3.75, abs=0.001)
    assert (row["2"], row["2 (%)"], row["4 (%)"]) == (1, 25.0, 50.0)
    summary = dict(workbook["Podsumowanie"].iter_rows(min_row=2, values_only=True))
    assert summary["Adres"] == "ul. Testowa 1"
    assert summary["Autor"] == "Anna Nowak"
    assert 1 <= summary["Średnia ocen obszarów, średnia ocena"] <= 5
    # Fewer than 30 questionnaires: no interval, as the PDF says “za mało odpowiedzi”.
    assert summary["Średnia ocen obszarów, średnia ocena: przedział 95%, od"] is None
    assert isinstance(row["Odpowiedzi"], int)
    comments = [row[2] for row in workbook["Uwagi"].iter_rows(min_row=2, values_only=True)]
    assert "'=1+1" in comments
    assert "Zamałomiejsca" in comments
    assert "'=HYPERLINK(1)" in comments
    raw = list(workbook["Odpowiedzi"].iter_rows(values_only=True))
    # Taxes (3) is below 5 and USC (5) hides with it: their 8 rows are left out, and a note
    # below the others says so.
    assert len(raw) == 1 + 6 + 2
    assert [row[2] for row in raw[1:7]] == ["Inne"] * 6
    assert raw[8][0] == DEPARTMENTS_LEFT_OUT % {"count": 8, "minimum": 5}


def test_csv_export_of_raw_responses(clerk_client, march, site, survey, archive, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 3  # USC and taxes have 3 each: none hidden
    record_response(survey, {"uwagi": "@SUM(A1)"}, submitted_on=datetime.date(2026, 3, 6))

    requested = archive(clerk_client, site, "csv")
    record = GeneratedReport.objects.get()
    response = clerk_client.get(requested["Location"] + "file/")

    assert (record.format, record.status, record.filename()) == (
        "csv",
        "done",
        "ankiety-20260301-20260331.csv",
    )
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == record.sha256
    content = content.decode("utf-8-sig")
    lines = content.strip().splitlines()
    assert len(lines) == 1 + 6
    assert lines[0].startswith("Data;Kanał;Wydział;Wersja ankiety;")
    assert "'@SUM(A1)" in content


def test_a_report_whose_worker_died_is_shown_as_failed(clerk_client, march, site, settings):
    from wagtail_ocena.reports.archive import claim

    record = GeneratedReport.objects.create(
        site=site, period_start=MARCH.start, period_end=MARCH.end, format="pdf"
    )
    assert claim(record.pk) is not None
    assert claim(record.pk) is None  # a second worker does not take it too
    GeneratedReport.objects.filter(pk=record.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=2)
    )

    never_picked_up = GeneratedReport.objects.create(
        site=site, period_start=MARCH.start, period_end=MARCH.end, format="xlsx"
    )
    GeneratedReport.objects.filter(pk=never_picked_up.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    fresh = GeneratedReport.objects.create(
        site=site, period_start=MARCH.start, period_end=MARCH.end, format="xlsx"
    )

    html = clerk_client.get(f"/admin/ocena/archive/{record.pk}/").content.decode()
    clerk_client.get("/admin/wagtail_ocena/generatedreport/")

    assert "Raport nie został ukończony w wyznaczonym czasie" in html
    statuses = dict(GeneratedReport.objects.values_list("pk", "status"))
    assert statuses == {record.pk: "failed", never_picked_up.pk: "failed", fresh.pk: "pending"}


def test_deleting_an_archived_report_takes_its_own_permission(
    clerk_client, clerk, march, site, django_user_model, archive
):
    from django.contrib.auth.models import Permission

    archive(clerk_client, site, "pdf")
    record = GeneratedReport.objects.get()
    url = f"/admin/ocena/archive/{record.pk}/delete/"

    assert clerk_client.post(url).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="delete_generatedreport"))
    response = logged_in(clerk).post(url)

    assert response.status_code == 302
    assert not GeneratedReport.objects.exists()
    entry = ModelLogEntry.objects.get(action="wagtail_ocena.report.delete")
    assert entry.user == clerk
    assert entry.data["sha256"] == record.sha256


REPORT_URLS = [
    "/admin/ocena/reports/",
    "/admin/ocena/reports/{site}/?preset=last_year",
    "/admin/ocena/archive/{report}/",
    "/admin/ocena/archive/{report}/file/",
    "/admin/ocena/archive/{report}/delete/",
    "/admin/wagtail_ocena/generatedreport/",
    # A report that does not exist: refused as well, not "not found".
    "/admin/ocena/archive/{unknown}/",
    "/admin/ocena/archive/{unknown}/file/",
    "/admin/ocena/archive/{unknown}/delete/",
    "/admin/wagtail_ocena/generatedreport/history/{unknown}/",
]


@pytest.mark.parametrize("url", REPORT_URLS)
def test_users_without_report_permission_are_refused(
    editor_client, clerk_client, march, site, url, archive
):
    archive(clerk_client, site, "pdf")
    url = url.format(site=site.pk, report=GeneratedReport.objects.get().pk, unknown=uuid.uuid4())

    response = editor_client.get(url)

    assert response.status_code == 403
    assert (
        editor_client.post(
            f"/admin/ocena/reports/{site.pk}/archive/", {"format": "pdf"}
        ).status_code
        == 403
    )


def test_whoever_generates_a_report_gets_its_file(
    clerk_client, march, site, django_user_model, archive
):
    from django.contrib.auth.models import Permission

    archive(clerk_client, site, "pdf")
    someone_elses = GeneratedReport.objects.get()
    user = django_user_model.objects.create_user("generuje", password="x")
    for codename in ("access_admin", "generate_generatedreport"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = logged_in(user)

    response = archive(client, site, "pdf")
    mine = GeneratedReport.objects.get(created_by=user)

    assert response["Location"] == f"/admin/ocena/archive/{mine.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"/admin/ocena/archive/{mine.pk}/file/" in page
    # No link to the archive listing, which takes the right to read archived reports.
    assert "/admin/wagtail_ocena/generatedreport/" not in page
    pdf = client.get(f"/admin/ocena/archive/{mine.pk}/file/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # Someone else's report is answered as one that does not exist.
    assert client.get(f"/admin/ocena/archive/{someone_elses.pk}/").status_code == 404
    assert client.get(f"/admin/ocena/archive/{someone_elses.pk}/file/").status_code == 404
    assert client.get("/admin/wagtail_ocena/generatedreport/").status_code == 403


def test_a_clerk_of_one_office_gets_no_report_of_another(
    clerk_client, march, site, other_office_survey, django_user_model, archive
):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupSitePermission

    other_site = other_office_survey.get_site()
    record_response(other_office_survey, {"ogolna-ocena": "5"})
    archive(clerk_client, other_site, "pdf")
    foreign = GeneratedReport.objects.get()
    user = django_user_model.objects.create_user("raporty-koronowo", password="x")
    group = Group.objects.create(name="Raporty Koronowo")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("generate_generatedreport", "view_generatedreport", "delete_generatedreport"):
        GroupSitePermission.objects.create(
            group=group, site=site, permission=Permission.objects.get(codename=codename)
        )
    user.groups.add(group)
    client = logged_in(user)

    assert client.get(report_url(site)).status_code == 200
    for url in (
        report_url(other_site),
        f"/admin/ocena/archive/{foreign.pk}/",
        f"/admin/ocena/archive/{foreign.pk}/file/",
        f"/admin/ocena/archive/{foreign.pk}/delete/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/admin/ocena/archive/{foreign.pk}/delete/").status_code == 404
    assert (
        client.post(
            f"/admin/ocena/reports/{other_site.pk}/archive/",
            {"preset": "last_year", "format": "pdf"},
        ).status_code
        == 404
    )
    listing = client.get("/admin/wagtail_ocena/generatedreport/").content.decode()
    assert str(foreign.pk) not in listing
    assert GeneratedReport.objects.count() == 1


def test_the_secretary_reads_archived_reports_only(
    clerk_client, march, site, django_user_model, archive
):
    from django.contrib.auth.models import Group

    archive(clerk_client, site, "pdf")
    record = GeneratedReport.objects.get()
    secretary = django_user_model.objects.create_user("sekretarz", password="x")
    secretary.groups.add(Group.objects.get(name="Ocena Urzędu — nadzór"))
    client = logged_in(secretary)

    assert client.get(f"/admin/ocena/archive/{record.pk}/file/").status_code == 200
    assert client.get("/admin/wagtail_ocena/generatedreport/").status_code == 200
    assert client.get(f"/admin/ocena/reports/{site.pk}/?preset=last_year").status_code == 403
    assert client.get(f"/admin/ocena/paper/{site.pk}/").status_code == 403
    assert client.get("/admin/wagtail_ocena/surveyresponse/").status_code == 403


# --- §5: the report before the questions change ------------------------------------------


def publish_changed_questions(admin_client, survey, **fields):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    data = nested_form_data(
        {
            "title": survey.title,
            "slug": survey.slug,
            "intro": rich_text(""),
            "thank_you_text": rich_text("<p>Dziękujemy</p>"),
            "privacy_notice": rich_text(""),
            "questions": streamfield(
                [
                    (
                        "open_text",
                        {
                            "text": "Co poprawić?",
                            "help_text": "",
                            "key": "co-poprawic",
                            "max_length": "500",
                        },
                    )
                ]
            ),
            "action-publish": "publish",
            **fields,
        }
    )
    return admin_client.post(f"/admin/pages/{survey.pk}/edit/", data, follow=True)


def test_publishing_changed_questions_archives_the_report_first(
    admin_client, march, django_capture_on_commit_callbacks
):
    old_version = march.current_version

    with django_capture_on_commit_callbacks(execute=True):
        response = publish_changed_questions(admin_client, march)

    record = GeneratedReport.objects.get()
    assert record.reason == "before_change"
    assert record.replaced_version == old_version
    # Frozen in the publication, its file made by the task queued when it committed.
    assert record.frozen["format"] == 1
    assert record.status == "done"
    # The version was made today, and a report ends yesterday at the latest.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert timezone.localtime(old_version.created_at).date() == yesterday + datetime.timedelta(1)
    assert (record.period_start, record.period_end) == (yesterday, yesterday)
    assert record.filters["version"] == old_version.pk
    assert "zarchiwizowano raport wyników wersji" in response.content.decode()
    assert SurveyPage.objects.get(pk=march.pk).current_version.number == 2
    # Publishing the same questions again needs no new report.
    publish_changed_questions(admin_client, SurveyPage.objects.get(pk=march.pk))
    assert GeneratedReport.objects.count() == 1


def test_if_the_report_fails_the_questions_are_not_published(admin_client, march, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no counts")

    monkeypatch.setattr("wagtail_ocena.before_change.build_report", broken)

    response = publish_changed_questions(admin_client, march)

    assert "nie została opublikowana" in response.content.decode()
    survey = SurveyPage.objects.get(pk=march.pk)
    assert survey.current_version.number == 1
    assert SurveyVersion.objects.filter(page=survey).count() == 1
    assert [q["value"]["key"] for q in survey.questions.raw_data][:1] == ["wydzial"]
    failed = GeneratedReport.objects.get()
    assert (failed.status, failed.error) == ("failed", "RuntimeError: no counts")
    assert failed.frozen is None  # nothing to render: the report is made again on publishing


def test_text_only_changes_need_no_report(admin_client, march):
    march.intro = "<p>Nowy wstęp</p>"
    march.save_revision().publish()

    assert not GeneratedReport.objects.exists()


def test_comments_are_harmless_in_the_pdf(survey, office, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1

    record_response(
        survey,
        {"uwagi": '<script>alert("x")</script> <b>pogrubione</b> ' + "ż" * 200},
        submitted_on=datetime.date(2026, 3, 5),
    )

    pdf = render_report_pdf(build_report(survey.get_site(), MARCH, group_comments=True))

    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert '<script>alert("x")</script>' in text
    assert "<b>pogrubione</b>" in text


def changed_questions_revision(survey, **fields):
    survey = SurveyPage.objects.get(pk=survey.pk)
    questions = survey.questions.raw_data
    survey.questions = [q for q in questions if q["value"]["key"] != "uwagi"]
    for name, value in fields.items():
        setattr(survey, name, value)
    return survey.save_revision()


def test_other_ways_of_publishing_freeze_the_questions_only_after_the_report(
    admin_client, march, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("no counts")

    # Workflow approval, bulk and scheduled publishing all publish the revision like this.
    monkeypatch.setattr("wagtail_ocena.before_change.build_report", broken)
    changed_questions_revision(march).publish()

    survey = SurveyPage.objects.get(pk=march.pk)
    assert survey.live and "uwagi" not in [q["value"]["key"] for q in survey.questions.raw_data]
    assert survey.current_version.number == 1  # residents still answer the old questions
    assert GeneratedReport.objects.get().status == "failed"
    edit_page = admin_client.get(f"/admin/pages/{march.pk}/edit/").content.decode()
    assert "Opublikowane pytania jeszcze nie obowiązują" in edit_page

    monkeypatch.undo()
    survey.get_latest_revision().publish()

    survey = SurveyPage.objects.get(pk=march.pk)
    assert survey.current_version.number == 2
    assert GeneratedReport.objects.filter(status="pending", reason="before_change").count() == 1
    edit_page = admin_client.get(f"/admin/pages/{march.pk}/edit/").content.decode()
    assert "Opublikowane pytania jeszcze nie obowiązują" not in edit_page


def test_a_database_error_in_the_report_inside_a_workflow_transaction(march, monkeypatch):
    from django.db import connection, transaction

    def failing_query(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr("wagtail_ocena.before_change.build_report", failing_query)

    # A workflow's approval publishes inside its own transaction.
    with transaction.atomic():
        changed_questions_revision(march).publish()
        assert SurveyPage.objects.get(pk=march.pk).live

    assert GeneratedReport.objects.get().status == "failed"
    assert SurveyPage.objects.get(pk=march.pk).current_version.number == 1


def test_a_scheduled_change_archives_the_report_when_it_goes_live(
    admin_client, march, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    old_version = march.current_version
    go_live = timezone.localtime() + datetime.timedelta(days=1)

    response = publish_changed_questions(
        admin_client, march, go_live_at=go_live.strftime("%Y-%m-%d %H:%M")
    )

    assert "zostanie zarchiwizowany, gdy nowe pytania zaczną obowiązywać" in (
        response.content.decode()
    )
    assert not GeneratedReport.objects.exists()
    assert SurveyPage.objects.get(pk=march.pk).current_version == old_version
    revision = SurveyPage.objects.get(pk=march.pk).get_latest_revision()
    assert revision.approved_go_live_at is not None

    # The go-live time comes.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")

    record = GeneratedReport.objects.get()
    assert (record.status, record.replaced_version) == ("done", old_version)
    assert SurveyPage.objects.get(pk=march.pk).current_version.number == 2


def test_every_office_answering_through_an_alias_gets_its_report(
    admin_client, march, other_office_survey
):
    other_site = other_office_survey.get_site()
    alias = march.create_alias(parent=other_site.root_page, update_slug="ankieta-koronowo")
    record_response(SurveyPage.objects.get(pk=alias.pk), {"ogolna-ocena": "5"})
    old_version = march.current_version

    response = publish_changed_questions(admin_client, march)

    records = GeneratedReport.objects.order_by("site_id")
    assert [r.site for r in records] == [march.get_site(), other_site]
    assert {r.replaced_version for r in records} == {old_version}
    html = response.content.decode()
    assert html.count("Otwórz raport") == 2
    assert "w urzędzie Urząd Gminy Sicienko." in html


def test_if_one_offices_report_fails_no_office_gets_one(
    admin_client,
    march,
    other_office_survey,
    monkeypatch,
    settings,
    django_capture_on_commit_callbacks,
):
    from wagtail_ocena import before_change

    other_site = other_office_survey.get_site()
    alias = march.create_alias(parent=other_site.root_page, update_slug="ankieta-koronowo")
    record_response(SurveyPage.objects.get(pk=alias.pk), {"ogolna-ocena": "5"})
    compute = before_change.build_report

    def fails_for_the_second_office(site, *args, **options):
        if site == other_site:
            raise RuntimeError("no counts")
        return compute(site, *args, **options)

    monkeypatch.setattr(before_change, "build_report", fails_for_the_second_office)

    response = publish_changed_questions(admin_client, march)

    assert "nie została opublikowana" in response.content.decode()
    # Koronowo's report was made, and went with the failed attempt; the failure stays on record.
    failed = GeneratedReport.objects.get()
    assert (failed.site, failed.status) == (other_site, "failed")
    assert [p for p in settings.WAGTAIL_OCENA_REPORTS_ROOT.rglob("*") if p.is_file()] == []
    assert SurveyPage.objects.get(pk=march.pk).current_version.number == 1

    # Once it works, one report per office, as if the failed attempt never happened.
    monkeypatch.setattr(before_change, "build_report", compute)
    with django_capture_on_commit_callbacks(execute=True):
        publish_changed_questions(admin_client, SurveyPage.objects.get(pk=march.pk))

    done = GeneratedReport.objects.filter(status="done")
    assert sorted(done.values_list("site_id", flat=True)) == sorted(
        [march.get_site().pk, other_site.pk]
    )
    assert SurveyPage.objects.get(pk=march.pk).current_version.number == 2


def test_an_editor_without_report_permission_gets_no_link(march, django_user_model):
    # The report is frozen as the questions are published; its file is made afterwards.
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("redaktorka", password="x")
    editor.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Moderators"))

    response = publish_changed_questions(logged_in(editor), march)

    html = response.content.decode()
    assert "zarchiwizowano raport wyników wersji" in html
    assert "Otwórz raport" not in html
    assert GeneratedReport.objects.get().status == "pending"


def test_the_command_archives_a_report(march, site, tmp_path):
    from django.core.management import CommandError, call_command

    output = tmp_path / "raport.pdf"
    call_command(
        "generate_survey_report",
        site=site.pk,
        preset="custom",
        date_from="2026-03-01",
        date_to="2026-03-31",
        output=str(output),
    )

    record = GeneratedReport.objects.get()
    assert (record.status, record.period_start, record.format) == ("done", MARCH.start, "pdf")
    assert output.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="nie może kończyć się przed początkiem"):
        call_command(
            "generate_survey_report",
            site=site.pk,
            preset="custom",
            date_from="2026-03-31",
            date_to="2026-03-01",
        )
    assert GeneratedReport.objects.count() == 1


def test_comments_of_one_day_do_not_show_the_order_they_came_in(survey, office):
    sent = [
        record_response(survey, {"uwagi": f"Uwaga {n}"}, submitted_on=datetime.date(2026, 3, 5))
        for n in range(8)
    ]

    report = build_report(survey.get_site(), MARCH)

    by_random_id = sorted(range(8), key=lambda n: sent[n].pk)
    assert [c.text for c in report.comments] == [f"Uwaga {n}" for n in by_random_id]


def test_the_version_filter_keeps_one_versions_responses(march, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 2  # the second version has 2
    first = march.current_version
    changed_questions_revision(march).publish()
    survey = SurveyPage.objects.get(pk=march.pk)
    second = survey.current_version
    for day in (21, 22):
        answer(survey, day, **{"ogolna-ocena": "1"})
    site = survey.get_site()

    both = build_report(site, MARCH)
    only_first = build_report(site, MARCH, ReportFilters(version=first))
    only_second = build_report(site, MARCH, ReportFilters(version=second))

    assert (both.responses, only_first.responses, only_second.responses) == (7, 5, 2)
    assert only_first.versions == [first] and only_second.versions == [second]
    overall = question(only_second, "ogolna-ocena").rating
    assert (overall.counts[1], overall.n) == (2, 2)
    # "uwagi" was removed in the second version: its comment belongs to the first only.
    assert [c.text for c in only_first.comments] == ["Za mało krzeseł."]
    assert only_second.comments == []


def test_an_archived_file_changed_in_the_storage_is_not_sent(clerk_client, march, site, archive):
    requested = archive(clerk_client, site, "pdf")
    record = GeneratedReport.objects.get()
    assert record.is_intact()
    with open(record.file.path, "ab") as stored:
        stored.write(b"%% changed afterwards")

    response = clerk_client.get(requested["Location"] + "file/", follow=True)

    assert not GeneratedReport.objects.get().is_intact()
    assert response.redirect_chain[-1][0] == requested["Location"]
    assert "nie zgadza się z sumą kontrolną" in response.content.decode()


RATED = {"czas-oczekiwania": "4"}


def test_a_channel_of_hidden_cells_only_hides_its_index(survey, office, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 5
    usc, taxes, other = site_departments(survey.get_site())
    for day in range(1, 11):
        answer(survey, day, Channel.ELECTRONIC, usc, **RATED)
        if day <= 6:
            answer(survey, day, Channel.ELECTRONIC, other, **RATED)  # hidden with taxes
    for day in range(1, 4):  # every paper sheet is of taxes, hidden with its 3
        answer(survey, day, Channel.PAPER, taxes, **RATED)

    report = build_report(survey.get_site(), MARCH)

    assert taxes.pk in report.hidden_departments
    channels = {row.channel: row for row in report.channels}
    assert channels["paper"].hidden and channels["paper"].index is None
    assert not channels["electronic"].hidden and channels["electronic"].index is not None
    assert report.channel_difference.difference is None
