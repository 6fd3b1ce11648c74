"""The approved yearly report: one archived PDF of the whole office per office and period,
marked by whoever may approve there (the Secretary's group), audit-logged, and kept."""

import datetime

import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from wagtail_ocena.models import GeneratedReport, ReportApproval
from wagtail_ocena.reports.archive import generate
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period

from .conftest import logged_in, record_response
from .test_permissions import office_user

pytestmark = pytest.mark.django_db

YEAR = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
SUPERVISORS = "Ocena Urzędu — nadzór"


def archived(site, file_format="pdf", filters=None):
    return generate(
        GeneratedReport.objects.request(
            site, YEAR, filters or ReportFilters(), file_format, None, at_once=True
        )
    )


def approval_url(record):
    return f"/admin/ocena/archive/{record.pk}/approval/"


@pytest.fixture
def secretary(django_user_model):
    user = django_user_model.objects.create_user("sekretarz", password="x", last_name="Wiśniewska")
    user.groups.add(Group.objects.get(name=SUPERVISORS))
    return user


@pytest.fixture
def yearly(survey, site):
    record_response(survey)
    return archived(site)


def test_the_secretary_marks_the_yearly_report_and_the_archive_shows_it(yearly, secretary):
    client = logged_in(secretary)
    page = client.get(f"/admin/ocena/archive/{yearly.pk}/").content.decode()
    assert "Oznacz jako zatwierdzony raport roczny" in page

    response = client.post(approval_url(yearly), {"action": "approve"})

    assert response.status_code == 302
    approval = ReportApproval.objects.get()
    assert (approval.report, approval.approved_by) == (yearly, secretary)
    assert (approval.period_start, approval.period_end) == (YEAR.start, YEAR.end)
    entry = ModelLogEntry.objects.get(action="wagtail_ocena.report.approve")
    assert entry.user == secretary and entry.object_id == str(yearly.pk)
    page = client.get(f"/admin/ocena/archive/{yearly.pk}/").content.decode()
    assert "Wycofaj zatwierdzenie" in page and "Wiśniewska" in page
    listing = client.get("/admin/wagtail_ocena/generatedreport/").content.decode()
    assert "Zatwierdzony raport roczny" in listing


def test_one_approved_report_per_office_and_period(yearly, secretary, site):
    again = archived(site)
    client = logged_in(secretary)
    client.post(approval_url(yearly), {"action": "approve"})

    refused = client.post(approval_url(again), {"action": "approve"}, follow=True)

    assert ReportApproval.objects.get().report == yearly
    assert "jest już zatwierdzonym raportem rocznym" in refused.content.decode()
    assert (
        "inny raport z archiwum" in client.get(f"/admin/ocena/archive/{again.pk}/").content.decode()
    )

    client.post(approval_url(yearly), {"action": "withdraw"})
    client.post(approval_url(again), {"action": "approve"})
    assert ReportApproval.objects.get().report == again
    assert (
        ModelLogEntry.objects.filter(action="wagtail_ocena.report.withdraw_approval").count() == 1
    )


@pytest.mark.parametrize(
    "file_format, filters", [("xlsx", None), ("csv", None), ("pdf", {"channel": "paper"})]
)
def test_only_a_pdf_of_the_whole_office_is_approved(survey, site, secretary, file_format, filters):
    record_response(survey)
    record = archived(site, file_format, ReportFilters(**(filters or {})))

    client = logged_in(secretary)
    response = client.post(approval_url(record), {"action": "approve"}, follow=True)

    assert not ReportApproval.objects.exists()
    assert "Zatwierdzić można tylko gotowy raport PDF całego urzędu" in response.content.decode()
    assert "Oznacz jako" not in client.get(f"/admin/ocena/archive/{record.pk}/").content.decode()


def test_the_approved_report_is_not_deleted(yearly, secretary, django_user_model, site):
    ReportApproval.approve(yearly, secretary)
    deleter = office_user(
        django_user_model, "kasujacy", site, "view_generatedreport", "delete_generatedreport"
    )

    response = logged_in(deleter).post(f"/admin/ocena/archive/{yearly.pk}/delete/", follow=True)

    assert GeneratedReport.objects.filter(pk=yearly.pk).exists()
    assert not ModelLogEntry.objects.filter(action="wagtail_ocena.report.delete").exists()
    assert "Najpierw wycofaj" in response.content.decode()


def test_who_may_not_approve_is_refused(yearly, django_user_model, site, other_office_survey):
    reader = office_user(django_user_model, "czytelnik", site, "view_generatedreport")
    elsewhere = office_user(
        django_user_model,
        "inny-urzad",
        other_office_survey.get_site(),
        "view_generatedreport",
        "approve_generatedreport",
    )
    for user, status in ((reader, 403), (elsewhere, 404)):
        client = logged_in(user)
        assert client.post(approval_url(yearly), {"action": "approve"}).status_code == status
    assert (
        "Oznacz jako"
        not in logged_in(reader).get(f"/admin/ocena/archive/{yearly.pk}/").content.decode()
    )
    assert not ReportApproval.objects.exists()


def test_an_approval_whose_approver_is_gone_still_shows(yearly, secretary, django_user_model):
    ReportApproval.approve(yearly, secretary)
    reader = django_user_model.objects.create_user("czytelnik", password="x")
    reader.groups.add(Group.objects.get(name=SUPERVISORS))
    secretary.delete()

    page = logged_in(reader).get(f"/admin/ocena/archive/{yearly.pk}/")

    assert page.status_code == 200
    assert "zatwierdzający: –" in page.content.decode()
