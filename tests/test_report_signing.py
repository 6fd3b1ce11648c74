"""The yearly report as the Secretary signs it: the administrator's conclusions and actions,
the approval block at the end of the PDF, the warning when the office data give no legal
basis, and an identical request offered the file archived already instead of another copy."""

import datetime
import io
import re

import openpyxl
import pypdf
import pytest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import (
    Answer,
    Department,
    GeneratedReport,
    ReportReason,
    SurveyResponse,
)
from wagtail_ocena.reports.archive import data_sums, fingerprint, generate
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.pdf import render_report_pdf
from wagtail_ocena.reports.period import Period

from .conftest import logged_in, record_response
from .test_pdf_accessibility import YEAR, assert_accessible, year_of_answers  # noqa: F401 (a fixture)
from .test_permissions import office_user

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
CONCLUSIONS = (
    "Wydłużyć godziny pracy BOI w czwartki.\r\n\r\n"
    "Dodać krzesła w poczekalni USC;   \r\nodpowiada Wydział Organizacyjny.  "
)
STORED = (
    "Wydłużyć godziny pracy BOI w czwartki.\n\n"
    "Dodać krzesła w poczekalni USC;\nodpowiada Wydział Organizacyjny."
)


def polish(message):
    """``message`` as the Polish admin shows it (in English until the catalog has it)."""
    with translation.override("pl"):
        return gettext(message)


def pdf_text(content):
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


ANSWERS = {"uwagi": "Za mało krzeseł.", "cel-wizyty": "informacja"}


@pytest.fixture
def march(survey, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    for rating in ("3", "4", "5"):
        record_response(survey, {**ANSWERS, "ogolna-ocena": rating})
    return survey


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    """POST the archive request of March, running its background task as the default
    backend does."""

    def request(client, site, file_format="pdf", **params):
        data = {"preset": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"}
        data.update({"include_comments": "on", "format": file_format, **params})
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/admin/ocena/reports/{site.pk}/archive/", data)

    return request


def download(client, record):
    return b"".join(client.get(f"/admin/ocena/archive/{record.pk}/file/").streaming_content)


def report_page(client, site):
    return client.get(
        f"/admin/ocena/reports/{site.pk}/",
        {"preset": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"},
    ).content.decode()


# --- Conclusions and actions -------------------------------------------------------------


def test_the_conclusions_are_archived_with_the_report_and_printed(
    clerk_client, march, site, archive
):
    form = report_page(clerk_client, site)
    assert 'name="conclusions"' in form and "<textarea" in form

    response = archive(clerk_client, site, "pdf", conclusions=CONCLUSIONS)

    record = GeneratedReport.objects.get()
    assert response["Location"] == f"/admin/ocena/archive/{record.pk}/"
    assert record.status == "done"
    assert record.conclusions == STORED
    text = pdf_text(download(clerk_client, record))
    assert polish("Conclusions and actions") in text
    assert "Wydłużyć godziny pracy BOI w czwartki." in text
    assert "odpowiada Wydział Organizacyjny." in text
    page = clerk_client.get(response["Location"]).content.decode()
    assert "<p>Wydłużyć godziny pracy BOI w czwartki.</p>" in page
    assert "poczekalni USC;<br>odpowiada" in page


def test_a_report_without_conclusions_says_so(clerk_client, march, site, archive):
    archive(clerk_client, site, "pdf")

    record = GeneratedReport.objects.get()
    assert record.conclusions == ""
    none_written = polish("None were written when the report was archived.")
    assert none_written in pdf_text(download(clerk_client, record))
    assert none_written in clerk_client.get(f"/admin/ocena/archive/{record.pk}/").content.decode()


def test_the_xlsx_has_a_sheet_of_the_conclusions(clerk_client, march, site, archive):
    archive(clerk_client, site, "xlsx", conclusions=CONCLUSIONS)
    archive(clerk_client, site, "xlsx")
    with_them, without = GeneratedReport.objects.order_by("created_at")

    workbook = openpyxl.load_workbook(io.BytesIO(download(clerk_client, with_them)))
    sheet = workbook[polish("Conclusions and actions")[:31]]
    assert list(sheet.iter_rows(values_only=True)) == [
        (polish("Conclusions and actions"),),
        ("Wydłużyć godziny pracy BOI w czwartki.",),
        ("Dodać krzesła w poczekalni USC;\nodpowiada Wydział Organizacyjny.",),
    ]
    explained = [row[0] for row in workbook[polish("Explanations")].iter_rows(values_only=True)]
    assert polish("Conclusions and actions") in explained
    names = openpyxl.load_workbook(io.BytesIO(download(clerk_client, without))).sheetnames
    assert polish("Conclusions and actions")[:31] not in names


def test_a_csv_keeps_no_conclusions(clerk_client, march, site, archive):
    archive(clerk_client, site, "csv", conclusions=CONCLUSIONS)

    record = GeneratedReport.objects.get()
    assert record.conclusions == ""
    page = clerk_client.get(f"/admin/ocena/archive/{record.pk}/").content.decode()
    assert polish("Conclusions and actions") not in page


def test_too_long_conclusions_are_refused(clerk_client, march, site, archive):
    response = archive(clerk_client, site, "pdf", conclusions="a" * 20_001)

    assert not GeneratedReport.objects.exists()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/admin/ocena/reports/{site.pk}/?")
    assert "aaaa" not in response["Location"]
    page = clerk_client.get(response["Location"]).content.decode()
    assert "20000" in page.replace("\xa0", "").replace(" ", "")


# --- The approval block ------------------------------------------------------------------


def test_the_pdf_ends_with_the_block_it_is_approved_on(clerk_client, march, site, archive):
    archive(clerk_client, site, "pdf")
    record = GeneratedReport.objects.get()

    text = pdf_text(download(clerk_client, record))

    approval = text[text.rindex(polish("Approval")) :]  # the section, not the contents
    for label in ("Prepared by", "Approved by (the Secretary)", "name and position", "signature"):
        assert polish(label) in approval, label
    assert "Anna Nowak" in approval  # the clerk who generated it
    with translation.override("pl"):
        assert formats.date_format(timezone.localdate(), "DATE_FORMAT") in approval
    assert len(re.findall(rf"\b{polish('signature')}\b", approval)) == 2
    assert "Urząd Miejski w Koronowie" in approval


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("legal_basis", ["", "Zarządzenie nr 12/2026 Burmistrza Koronowa"])
@pytest.mark.usefixtures("year_of_answers")
def test_the_signing_sections_keep_the_pdf_accessible(
    site, office, clerk, language, legal_basis, tmp_path
):
    office.legal_basis = legal_basis
    office.save()
    with translation.override(language):
        report = build_report(site, YEAR, ReportFilters(), user=clerk, group_comments=True)
        pdf = render_report_pdf(report, language=language, conclusions=STORED)

    elements = assert_accessible(pdf, language, tmp_path)

    roles = [element["/S"] for element in elements]
    assert roles.count("/H3") >= 2  # prepared by, approved by
    with translation.override(language):
        headings = [
            gettext("Conclusions and actions"),
            gettext("Approval"),
            gettext("Prepared by"),
            gettext("Approved by (the Secretary)"),
        ]
        note = gettext("Note:")
    text = pdf_text(pdf)
    positions = [text.rindex(heading) for heading in headings]
    assert positions == sorted(positions)  # in this order, at the end
    assert (note in text[positions[1] :]) == (not legal_basis)


# --- The legal basis ----------------------------------------------------------------------


LEGAL_BASIS_WARNING = (
    "The office data give no legal basis (the ordinance the survey is run under): reports "
    "say “not given in the office data” where they would name it. Fill it in before "
    "archiving the report to be signed."
)
ARCHIVED_WARNING = (
    "The office data give no legal basis (the ordinance the survey is run under): the "
    "report says “not given in the office data” where it would name it. Before a report is "
    "signed, fill it in and archive the report again."
)


def test_an_empty_legal_basis_is_warned_of_before_and_after_archiving(
    clerk_client, march, site, office, archive
):
    office.legal_basis = "   "
    office.save()
    page = report_page(clerk_client, site)
    assert polish(LEGAL_BASIS_WARNING) in page
    assert f"/admin/settings/wagtail_ocena/officesettings/{site.pk}/" in page

    archive(clerk_client, site, "pdf")
    record = GeneratedReport.objects.get()
    archived_page = clerk_client.get(f"/admin/ocena/archive/{record.pk}/").content.decode()
    assert polish(ARCHIVED_WARNING) in archived_page
    assert polish("Note:") in pdf_text(download(clerk_client, record))

    office.legal_basis = "Zarządzenie nr 12/2026 Burmistrza Koronowa"
    office.save()
    assert polish(LEGAL_BASIS_WARNING) not in report_page(clerk_client, site)
    archived_page = clerk_client.get(f"/admin/ocena/archive/{record.pk}/").content.decode()
    assert polish(ARCHIVED_WARNING) not in archived_page


def test_the_warning_links_to_the_office_data_only_for_who_may_edit_them(
    march, site, django_user_model
):
    reporter = office_user(django_user_model, "raporty", site, "generate_generatedreport")

    page = report_page(logged_in(reporter), site)

    assert polish(LEGAL_BASIS_WARNING) in page
    assert "/officesettings/" not in page


# --- The same report asked for again ------------------------------------------------------


def test_an_identical_request_is_offered_the_archived_file(clerk_client, march, site, archive):
    archive(clerk_client, site, "pdf", conclusions=CONCLUSIONS)
    first = GeneratedReport.objects.get()

    offer = archive(clerk_client, site, "pdf", conclusions=CONCLUSIONS)

    assert offer.status_code == 200
    assert GeneratedReport.objects.count() == 1
    html = offer.content.decode()
    assert f'href="/admin/ocena/archive/{first.pk}/file/"' in html
    assert f'href="/admin/ocena/archive/{first.pk}/"' in html
    assert "Anna Nowak" in html
    assert 'name="again"' in html
    assert "Wydłużyć godziny pracy BOI w czwartki." in html  # kept for another copy

    another = archive(clerk_client, site, "pdf", conclusions=CONCLUSIONS, again="on")

    assert another.status_code == 302
    second = GeneratedReport.objects.exclude(pk=first.pk).get()
    assert another["Location"] == f"/admin/ocena/archive/{second.pk}/"
    assert second.conclusions == first.conclusions
    assert second.fingerprint == first.fingerprint


@pytest.mark.parametrize(
    "change",
    [
        {"format": "xlsx"},
        {"conclusions": "Inne wnioski."},
        {"include_comments": ""},
        {"channel": "paper"},
        {"date_to": "2026-03-30"},
    ],
)
def test_a_different_request_makes_another_copy(clerk_client, march, site, archive, change):
    archive(clerk_client, site, "pdf")

    response = archive(clerk_client, site, **{"file_format": "pdf", **change})

    assert response.status_code == 302
    assert GeneratedReport.objects.count() == 2


def changed_comment(survey):
    answer = Answer.objects.filter(question__key="uwagi").first()
    assert Answer.objects.filter(pk=answer.pk).redact() == 1


def corrected(**changes):
    """Correct one of March's responses: its answers as given, with ``changes``."""

    def correct(survey):
        response = SurveyResponse.objects.get(
            answers__question__key="ogolna-ocena", answers__rating=3
        )
        answers = {"wydzial": response.department, **ANSWERS, "ogolna-ocena": "3"}
        response.correct({**answers, **changes})

    return correct


def renamed_department(survey):
    department = Department.objects.for_site(survey.get_site()).first()
    department.name = "Urząd Stanu Cywilnego (USC)"
    department.save()


DATA_CHANGES = {
    "an electronic response": lambda survey: record_response(survey),
    "a paper entry": lambda survey: record_response(
        survey, channel=Channel.PAPER, batch="BOI", sheet_number=1
    ),
    "a paper entry in the period compared with": lambda survey: record_response(
        survey, channel=Channel.PAPER, submitted_on=datetime.date(2026, 2, 10)
    ),
    "a deleted response": lambda survey: SurveyResponse.objects.order_by("pk").first().delete(),
    "a redacted comment": changed_comment,
    "a corrected rating": corrected(**{"ogolna-ocena": "1"}),
    "a corrected choice": corrected(**{"cel-wizyty": "wniosek"}),
    "a corrected department": lambda survey: corrected(
        wydzial=Department.objects.for_site(survey.get_site()).last()
    )(survey),
    "a renamed department": renamed_department,
}


@pytest.mark.parametrize("change", DATA_CHANGES.values(), ids=DATA_CHANGES.keys())
def test_changed_data_make_another_copy(clerk_client, march, site, archive, change):
    archive(clerk_client, site, "pdf")
    first = GeneratedReport.objects.get()
    before = fingerprint(site, MARCH, ReportFilters(), "pdf")
    assert first.fingerprint == before

    change(march)

    assert fingerprint(site, MARCH, ReportFilters(), "pdf") != before
    response = archive(clerk_client, site, "pdf")
    assert response.status_code == 302
    assert GeneratedReport.objects.count() == 2


def test_the_fingerprint_ignores_what_the_report_does_not_read(march, site, other_office_survey):
    before = fingerprint(site, MARCH, ReportFilters(), "pdf")
    without_comments = fingerprint(site, MARCH, ReportFilters(include_comments=False), "pdf")

    record_response(other_office_survey)  # another office
    record_response(march, submitted_on=datetime.date(2026, 4, 2))  # after the period
    record_response(march, submitted_on=datetime.date(2025, 12, 31))  # before the one compared
    changed_comment(march)

    assert fingerprint(site, MARCH, ReportFilters(), "pdf") != before  # the comment
    assert fingerprint(site, MARCH, ReportFilters(include_comments=False), "pdf") == (
        without_comments
    )


def test_the_data_are_summed_in_one_query(march, site, django_assert_num_queries):
    record_response(march, {"czas-oczekiwania": "4"})  # a rated area: department ratings
    with django_assert_num_queries(1):
        sums = data_sums(site, MARCH, ReportFilters())
    assert len(sums) == 4 and all(sums)


def test_the_fingerprint_is_of_the_data_the_file_was_made_from(
    clerk_client, march, site, django_capture_on_commit_callbacks
):
    # Requested, then a sheet typed in before the background task runs.
    record = GeneratedReport.objects.request(site, MARCH, ReportFilters(), "pdf", None)
    record_response(march, channel=Channel.PAPER)
    generate(GeneratedReport.objects.get(pk=record.pk))

    record.refresh_from_db()
    assert record.fingerprint == fingerprint(site, MARCH, ReportFilters(), "pdf")


def test_a_damaged_or_unfinished_file_is_not_offered(clerk_client, march, site, archive):
    archive(clerk_client, site, "pdf")
    damaged = GeneratedReport.objects.get()
    with open(damaged.file.path, "ab") as content:
        content.write(b"changed")

    assert archive(clerk_client, site, "pdf").status_code == 302
    assert GeneratedReport.objects.count() == 2


def test_a_report_made_before_a_change_is_not_offered(clerk_client, march, site, archive):
    before_change = generate(
        GeneratedReport.objects.request(
            site,
            MARCH,
            ReportFilters(),
            "pdf",
            None,
            at_once=True,
            reason=ReportReason.BEFORE_CHANGE,
            replaced_version=march.current_version,
        )
    )
    assert before_change.fingerprint == fingerprint(site, MARCH, ReportFilters(), "pdf")

    assert archive(clerk_client, site, "pdf").status_code == 302
    assert GeneratedReport.objects.count() == 2


# --- Permissions --------------------------------------------------------------------------


def test_without_the_permission_to_generate_no_report_is_offered_or_made(
    clerk_client, editor_client, march, site, archive, django_user_model
):
    archive(clerk_client, site, "pdf")
    reader = office_user(django_user_model, "czytelnik", site, "view_generatedreport")

    for client in (editor_client, logged_in(reader)):
        assert archive(client, site, "pdf").status_code == 403
        assert archive(client, site, "pdf", again="on").status_code == 403
    assert GeneratedReport.objects.count() == 1


def test_only_a_report_the_user_may_open_is_offered(
    clerk_client, march, site, archive, django_user_model
):
    archive(clerk_client, site, "pdf")
    colleagues = GeneratedReport.objects.get()
    author = office_user(django_user_model, "autor", site, "generate_generatedreport")
    reader = office_user(
        django_user_model, "czyta", site, "generate_generatedreport", "view_generatedreport"
    )

    # May not open a colleague's report: gets a copy of their own, told nothing of the other.
    response = archive(logged_in(author), site, "pdf")
    assert response.status_code == 302
    mine = GeneratedReport.objects.get(created_by=author)
    assert str(colleagues.pk) not in response["Location"]
    # Their own is offered to them next time.
    assert archive(logged_in(author), site, "pdf").status_code == 200
    # Whoever may read the archive is offered the newest.
    offer = archive(logged_in(reader), site, "pdf")
    assert offer.status_code == 200
    assert f"/admin/ocena/archive/{mine.pk}/file/" in offer.content.decode()
    assert GeneratedReport.objects.count() == 2
