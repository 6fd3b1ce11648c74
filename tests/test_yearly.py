"""The yearly report kept going (§4): archived on its day each year, once, with an e-mail to
the office's survey administrators that carries a link and nothing of the responses."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from wagtail_ocena.models import GeneratedReport
from wagtail_ocena.tasks import archive_yearly_reports
from wagtail_ocena.yearly import archive_due_reports

from .conftest import record_response

pytestmark = pytest.mark.django_db

COMMENT = "Pani Kowalska z pokoju 12, tel. 600 100 200, była bardzo miła."


@pytest.fixture
def answered(survey, clerk):
    clerk.email = "organizacyjny@koronowo.example"
    clerk.save()
    record_response(
        survey, {"czas-oczekiwania": "4", "uwagi": COMMENT}, submitted_on=datetime.date(2025, 5, 6)
    )
    return survey


def test_on_its_day_each_office_gets_last_years_report_once(
    answered, other_office_survey, django_capture_on_commit_callbacks
):
    assert archive_due_reports(datetime.date(2026, 1, 14)) == []

    with django_capture_on_commit_callbacks(execute=True):
        made = archive_due_reports(datetime.date(2026, 1, 15))

    assert {record.site for record in made} == {answered.get_site(), other_office_survey.get_site()}
    for record in made:
        record.refresh_from_db()
        assert (record.reason, record.format) == ("yearly", "pdf")
        assert (record.period_start, record.period_end) == (
            datetime.date(2025, 1, 1),
            datetime.date(2025, 12, 31),
        )
        assert record.status == "done"  # the immediate backend rendered it on commit
    # A later day of the same year, a second run: nothing more.
    assert archive_due_reports(datetime.date(2026, 3, 1)) == []
    assert GeneratedReport.objects.filter(reason="yearly").count() == 2


def test_the_email_carries_a_link_and_nothing_of_the_responses(
    answered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (record,) = archive_due_reports(datetime.date(2026, 2, 1))

    (message,) = mail.outbox
    assert message.to == ["organizacyjny@koronowo.example"]
    assert "2025" in message.subject and "Urząd Miejski w Koronowie" in message.subject
    assert f"http://testserver/admin/ocena/archive/{record.pk}/" in message.body
    for text in (message.subject, message.body):
        assert "Kowalska" not in text and "600" not in text
    assert not message.attachments


def test_switched_off_nothing_is_archived(answered, settings):
    settings.WAGTAIL_OCENA_YEARLY_REPORT_DAY = None
    assert archive_due_reports(datetime.date(2026, 6, 1)) == []


def test_the_command_and_the_task_run_it(answered, django_capture_on_commit_callbacks, capsys):
    call_command("archive_yearly_reports", "--today", "2026-01-10")
    assert "No yearly report is due." in capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("archive_yearly_reports", "--today", "2026-01-20")
    assert GeneratedReport.objects.filter(reason="yearly").count() == 1
    with pytest.raises(Exception, match="--today"):
        call_command("archive_yearly_reports", "--today", "20.01.2026")
    # The task does the same for today (a run in 2026 finds 2025's report archived already).
    archive_yearly_reports.enqueue()
    assert GeneratedReport.objects.filter(reason="yearly").count() == 1
