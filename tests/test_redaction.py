"""A comment that holds personal data by accident loses its text, for good: from the answer
row, from every report, archive and export made after it; the audit log says who and when,
never what. Old comments lose their text by the office's retention period."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Answer, DailyAnswerCount, GeneratedReport
from wagtail_ocena.reports.archive import generate
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period
from wagtail_ocena.reports.spreadsheet import csv_rows, write_xlsx

from .conftest import record_response

PERSONAL = "Pani Anna Kowalska z pokoju 12, tel. 600 100 200, była bardzo pomocna."
MARKER = "[usunięte przez urząd: uwaga mogła zawierać dane osobowe]"
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def comment(survey, settings):
    # One response makes the report: below the anonymity minimum it would show no comments.
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    response = record_response(survey, {"uwagi": PERSONAL}, submitted_on=DAY)
    return response.answers.get(question__key="uwagi")


def redact_url(answer):
    return f"/admin/ocena/answers/{answer.pk}/redact/"


def test_an_administrator_removes_a_comments_text_from_the_response(clerk_client, comment):
    inspect = f"/admin/wagtail_ocena/surveyresponse/inspect/{comment.response_id}/"
    html = clerk_client.get(inspect).content.decode()
    assert f'href="{redact_url(comment)}?next=' in html

    confirm = clerk_client.get(redact_url(comment), {"next": inspect})
    assert PERSONAL in confirm.content.decode()
    done = clerk_client.post(redact_url(comment), {"next": inspect})

    assert done.status_code == 302
    assert done["Location"] == inspect
    comment.refresh_from_db()
    assert comment.text == MARKER
    assert comment.redacted
    assert PERSONAL not in clerk_client.get(inspect).content.decode()
    (entry,) = ModelLogEntry.objects.filter(action="wagtail_ocena.answer.redact")
    assert entry.user.username == "urzednik"
    assert entry.object_id == str(comment.response_id)
    assert timezone.localtime(entry.timestamp).date() == timezone.localdate()
    assert PERSONAL not in str(entry.data) and "Kowalska" not in str(entry.data)
    # The answer still counts: a comment was given that day.
    assert DailyAnswerCount.objects.filter(question=comment.question, day=DAY).get().count == 1
    # A second removal changes nothing and logs nothing.
    clerk_client.post(redact_url(comment))
    assert ModelLogEntry.objects.filter(action="wagtail_ocena.answer.redact").count() == 1


def test_the_report_links_each_comment_to_removing_its_text(clerk_client, comment, site):
    report_url = f"/admin/ocena/reports/{site.pk}/"
    query = {"preset": "custom", "date_from": DAY, "date_to": DAY, "include_comments": "on"}
    html = clerk_client.get(report_url, query).content.decode()
    assert PERSONAL in html
    assert f'href="{redact_url(comment)}?next=' in html

    clerk_client.post(redact_url(comment))

    html = clerk_client.get(report_url, query).content.decode()
    assert PERSONAL not in html
    assert MARKER in html
    assert redact_url(comment) not in html


def test_a_removed_text_is_in_no_report_archive_or_export_made_after_it(
    clerk_client, comment, site
):
    clerk_client.post(redact_url(comment))
    report = build_report(site, Period(DAY, DAY), ReportFilters(include_comments=True))

    assert [c.text for c in report.comments] == [MARKER]
    exported = "".join(csv_rows(report))
    assert PERSONAL not in exported
    assert MARKER in [
        cell for row in csv.reader(io.StringIO(exported), delimiter=";") for cell in row
    ]
    workbook = io.BytesIO()
    write_xlsx(report, workbook)
    cells = [
        cell
        for sheet in openpyxl.load_workbook(workbook, read_only=True)
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert MARKER in cells
    assert not any(isinstance(cell, str) and "Kowalska" in cell for cell in cells)
    archived = generate(
        GeneratedReport.objects.request(
            site, Period(DAY, DAY), ReportFilters(include_comments=True), "xlsx", None, at_once=True
        )
    )
    with archived.file.open("rb") as file:
        stored = openpyxl.load_workbook(file, read_only=True)
        text = [c for s in stored for r in s.iter_rows(values_only=True) for c in r]
    assert MARKER in text
    assert not any(isinstance(cell, str) and "Kowalska" in cell for cell in text)


def test_only_who_may_delete_questionnaires_may_remove_a_text(
    local_clerk_client, editor_client, comment
):
    # The office's clerk may view and enter sheets, not delete: no button, no removal.
    inspect = f"/admin/wagtail_ocena/surveyresponse/inspect/{comment.response_id}/"
    assert redact_url(comment) not in local_clerk_client.get(inspect).content.decode()
    assert local_clerk_client.post(redact_url(comment)).status_code == 403
    assert editor_client.post(redact_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.text == PERSONAL


def test_a_choice_answer_has_no_text_to_remove(clerk_client, comment):
    rating = comment.response.answers.get(question__key="ogolna-ocena")

    assert clerk_client.post(redact_url(rating)).status_code == 404
    rating.refresh_from_db()
    assert rating.rating == 4


def test_the_retention_command_removes_old_texts_only(survey, settings):
    today = timezone.localdate()
    old = record_response(
        survey, {"uwagi": "Stara uwaga."}, submitted_on=today.replace(year=today.year - 3)
    )
    kept = record_response(
        survey, {"uwagi": "Uwaga sprzed roku."}, submitted_on=today - datetime.timedelta(days=300)
    )
    paper = record_response(
        survey,
        {"uwagi": "Stara papierowa."},
        channel=Channel.PAPER,
        submitted_on=today.replace(year=today.year - 2) - datetime.timedelta(days=1),
    )

    out = io.StringIO()
    call_command("redact_old_comments", stdout=out)
    assert "nothing was removed" in out.getvalue()
    assert not Answer.objects.filter(redacted=True).exists()

    settings.WAGTAIL_OCENA_COMMENT_RETENTION_YEARS = 2
    call_command("redact_old_comments", stdout=out)

    texts = dict(Answer.objects.filter(question__key="uwagi").values_list("response_id", "text"))
    assert texts == {old.pk: MARKER, paper.pk: MARKER, kept.pk: "Uwaga sprzed roku."}
    assert Answer.objects.filter(question__key="ogolna-ocena", rating=4).count() == 3
    assert "Removed the text of 2 open answer(s)" in out.getvalue()
