"""§5 without the wait: the report before a change frozen as data in the publication, its PDF
rendered from those data afterwards."""

import datetime
import io
import json
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Answer, GeneratedReport, OfficeSettings, SurveyPage, SurveyResponse
from wagtail_ocena.reports import frozen
from wagtail_ocena.reports.compute import add_comment_groups, build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.pdf import render_report_pdf
from wagtail_ocena.tasks import generate_report_file, render_again

from .conftest import record_response
from .test_reports import MARCH, changed_questions_revision, publish_changed_questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_groups(settings):
    # A handful of responses shows its figures, so that the PDFs compared say something.
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1


def pdf_text(content):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def file_text(record):
    with record.file.open("rb") as content:
        return pdf_text(content.read())


def answers_in_march(survey):
    for day, channel, rating, comment in (
        (2, Channel.PAPER, "5", "Za mało krzeseł."),
        (3, Channel.ELECTRONIC, "4", "Miła obsługa"),
        (10, Channel.ELECTRONIC, "2", "Za mało krzeseł."),
        (20, Channel.PAPER, "na", ""),
    ):
        record_response(
            survey,
            {"czas-oczekiwania": rating, "uwagi": comment, "porownanie": "lepsza"},
            channel=channel,
            submitted_on=datetime.date(2026, 3, day),
        )


def frozen_report(site, period, filters=None, user=None):
    with translation.override("pl"):
        report = build_report(site, period, filters or ReportFilters(), user, group_comments=True)
        # As the database keeps it: JSON text, read back.
        return report, json.loads(json.dumps(frozen.freeze(report)))


def test_a_thawed_report_prints_what_the_report_itself_prints(survey, clerk):
    answers_in_march(survey)
    version = survey.current_version
    report, data = frozen_report(survey.get_site(), MARCH, ReportFilters(version=version), clerk)

    thawed = frozen.thaw(data)

    assert pdf_text(render_report_pdf(thawed)) == pdf_text(render_report_pdf(report))
    assert thawed.office.name == "Urząd Miejski w Koronowie"
    assert thawed.generated_by.get_full_name() == "Anna Nowak"
    assert [v.code for v in thawed.versions] == [version.code]
    assert thawed.filters.version.code == version.code
    assert thawed.rating_questions[0].rating.counts == report.rating_questions[0].rating.counts


def test_the_file_shows_the_data_as_they_were_when_frozen(
    survey, clerk, django_capture_on_commit_callbacks
):
    answers_in_march(survey)
    site = survey.get_site()
    report, data = frozen_report(site, MARCH, user=clerk)
    expected = pdf_text(render_report_pdf(report))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        record = GeneratedReport.objects.request(
            site, MARCH, ReportFilters(), "pdf", clerk, reason="before_change", frozen=data
        )

    # After the report was frozen: a response online, a paper sheet typed in, the office
    # renamed. The file, made now, shows none of them.
    record_response(survey, {"czas-oczekiwania": "1"}, submitted_on=datetime.date(2026, 3, 4))
    record_response(
        survey, {"czas-oczekiwania": "1"}, channel=Channel.PAPER, submitted_on=MARCH.end
    )
    OfficeSettings.objects.filter(site=site).update(name="Urząd Gminy Nowa Nazwa")
    for callback in queued:
        callback()

    record.refresh_from_db()
    assert record.status == "done"
    text = file_text(record)
    assert text == expected
    assert "Nowa Nazwa" not in text
    live = pdf_text(render_report_pdf(build_report(site, MARCH, group_comments=True)))
    assert live != expected  # the data did change


def test_publishing_freezes_the_report_and_the_file_follows(
    admin_client, survey, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for rating in ("5", "4", "2"):
        record_response(survey, {"czas-oczekiwania": rating}, submitted_on=yesterday)
    old = survey.current_version

    with django_capture_on_commit_callbacks(execute=False) as queued:
        publish_changed_questions(admin_client, survey)

    new = SurveyPage.objects.get(pk=survey.pk).current_version
    record = GeneratedReport.objects.get()
    assert (record.status, new.number) == ("pending", 2)
    assert record.change == {
        "replaced": old.code,
        "replaced_by": new.code,
        "on": timezone.localdate(),
    }
    thawed = frozen.thaw(record.frozen)
    add_comment_groups(thawed, survey.get_site(), entered_by=record.created_at)
    frozen_text = pdf_text(render_report_pdf(thawed, change=record.change))

    record_response(survey, {"czas-oczekiwania": "1"}, submitted_on=yesterday)  # version 2's
    OfficeSettings.objects.filter(site=survey.get_site()).update(name="Urząd Gminy Nowa Nazwa")
    for callback in queued:
        callback()

    record.refresh_from_db()
    assert record.status == "done"
    text = file_text(record)
    assert text == frozen_text
    assert "Urząd Miejski w Koronowie" in text and "Nowa Nazwa" not in text
    # Near the top of its first page: the version it is of, the one replacing it, the day.
    first_page = text.split("Spis treści")[0]
    assert old.code in first_page and new.code in first_page
    assert timezone.localdate().strftime("%Y") in first_page
    # The archived report's page says the same.
    html = admin_client.get(reverse("wagtail_ocena_admin:archived_report", args=[record.pk]))
    note = html.content.decode().split('class="ocena-report__before-change"')[1]
    assert old.code in note.split("</div>")[0] and new.code in note.split("</div>")[0]


def test_the_files_comments_are_those_at_the_change_less_those_redacted_since(
    admin_client, survey, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for text in ("Za mało krzeseł.", "za mało  krzeseł.", "Pan Jan Kowalski z pokoju 12 był miły."):
        record_response(survey, {"uwagi": text}, submitted_on=yesterday)
    old = survey.current_version
    with django_capture_on_commit_callbacks(execute=False) as queued:
        publish_changed_questions(admin_client, survey)
    record = GeneratedReport.objects.get()
    # The figures are frozen; the texts are not read in the publication.
    assert frozen.thaw(record.frozen).comment_groups is None
    assert frozen.thaw(record.frozen).comments_total == 3

    # Before the file is made: a sheet of the old questionnaire dated yesterday, typed in
    # after the change, and a comment's personal data removed.
    SurveyResponse.objects.record(
        old,
        {"uwagi": "Wpisana po zmianie."},
        site=survey.get_site(),
        channel=Channel.PAPER,
        submitted_on=yesterday,
        entered_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    assert Answer.objects.filter(text__startswith="Pan Jan").redact() == 1
    for callback in queued:
        callback()

    record.refresh_from_db()
    assert record.status == "done"
    text = file_text(record)
    assert re.search(r"Za mało krzeseł\.\s*2\b", text)  # the two counted as one
    assert "Kowalski" not in text
    assert "Wpisana po zmianie" not in text


def test_a_failed_file_is_rendered_again_from_the_same_data(
    survey, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    from wagtail_ocena.reports import archive

    answers_in_march(survey)
    site = survey.get_site()
    report, data = frozen_report(site, MARCH, user=clerk)
    record = GeneratedReport.objects.request(
        site, MARCH, ReportFilters(), "pdf", clerk, reason="before_change", frozen=data
    )
    render = archive.render_report_pdf

    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(archive, "render_report_pdf", broken)
    generate_report_file.enqueue(str(record.pk))  # the immediate backend runs it now

    record.refresh_from_db()
    assert (record.status, record.error) == ("failed", "RuntimeError: no fonts")
    assert not record.file

    record_response(survey, {"czas-oczekiwania": "1"}, submitted_on=datetime.date(2026, 3, 4))
    monkeypatch.setattr(archive, "render_report_pdf", render)
    with django_capture_on_commit_callbacks(execute=True):
        assert render_again(record)

    record.refresh_from_db()
    assert (record.status, record.error) == ("done", "")
    assert file_text(record) == pdf_text(render_report_pdf(report))
    assert not render_again(record)  # a finished report stays as it is


def test_a_report_not_frozen_is_not_rendered_again(survey):
    record = GeneratedReport.objects.request(
        survey.get_site(), MARCH, ReportFilters(), "pdf", status="failed", error="x"
    )
    assert not render_again(record)


def test_the_format_reads_older_data_and_refuses_newer(survey, clerk):
    answers_in_march(survey)
    _report, data = frozen_report(survey.get_site(), MARCH, user=clerk)

    # A field this code no longer knows is left out; one it added takes its default.
    data["report"]["v"]["no_longer_known"] = 1
    del data["report"]["v"]["comments_total"]
    thawed = frozen.thaw(data)
    assert thawed.comments_total == 0

    with pytest.raises(frozen.FrozenReportError):
        frozen.thaw({**data, "format": frozen.FORMAT + 1})
    with pytest.raises(frozen.FrozenReportError):
        frozen.thaw({"format": 1, "report": {"@": "Pickle", "v": {}}})


def test_a_value_of_an_unknown_type_is_not_frozen(survey):
    report = build_report(survey.get_site(), MARCH)
    report.trend = object()
    with pytest.raises(TypeError):
        frozen.freeze(report)


def test_if_freezing_fails_the_questions_are_not_published(survey, monkeypatch):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    record_response(survey, {"czas-oczekiwania": "5"}, submitted_on=yesterday)

    def unfreezable(report, change=None):
        raise TypeError("A report cannot be frozen with a value of type object.")

    monkeypatch.setattr("wagtail_ocena.before_change.freeze", unfreezable)
    changed_questions_revision(survey).publish()

    assert SurveyPage.objects.get(pk=survey.pk).current_version.number == 1
    failed = GeneratedReport.objects.get()
    assert failed.status == "failed" and failed.error.startswith("TypeError")


def test_the_archived_reports_page_renders_a_failed_file_again(
    admin_client, survey, django_capture_on_commit_callbacks
):
    answers_in_march(survey)
    site = survey.get_site()
    _report, data = frozen_report(site, MARCH)
    record = GeneratedReport.objects.request(
        site, MARCH, ReportFilters(), "pdf", status="failed", error="RuntimeError: no fonts",
        reason="before_change", frozen=data,
    )  # fmt: skip
    again = reverse("wagtail_ocena_admin:archived_report_render", args=[record.pk])
    page = admin_client.get(reverse("wagtail_ocena_admin:archived_report", args=[record.pk]))
    assert again in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(again).status_code == 302

    record.refresh_from_db()
    assert record.status == "done"
