"""The dashboard keeps the yearly cycle in view (§4): the last approved yearly report of each
office the user may see, and the improvement actions past their deadline."""

import datetime

import pytest
from django.utils import timezone

from wagtail_ocena.models import GeneratedReport, ImprovementAction, ReportApproval

pytestmark = pytest.mark.django_db


def approve(site, user, end):
    report = GeneratedReport.objects.create(
        site=site, period_start=end - datetime.timedelta(days=364), period_end=end,
        format="pdf", status="done",
    )  # fmt: skip
    ReportApproval.objects.create(
        report=report, site=site, period_start=report.period_start, period_end=end,
        approved_by=user,
    )  # fmt: skip


def panel(client):
    html = client.get("/admin/").content.decode()
    start = html.find('id="ocena-cycle')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_without_an_approved_report_the_dashboard_warns(clerk_client, site, survey):
    text = panel(clerk_client)
    assert "nie zatwierdzono jeszcze żadnego raportu rocznego" in text


def test_a_report_approved_over_a_year_ago_is_due_again(clerk_client, clerk, site, survey):
    today = timezone.localdate()
    approve(site, clerk, today - datetime.timedelta(days=400))
    assert "następny jest już wymagany" in panel(clerk_client)
    approve(site, clerk, today - datetime.timedelta(days=30))
    text = panel(clerk_client)
    assert "następny jest już wymagany" not in text
    assert "ostatni zatwierdzony raport roczny obejmuje okres do" in text


def test_overdue_actions_are_listed_with_a_link(clerk_client, site, survey):
    today = timezone.localdate()
    late = ImprovementAction.objects.create(
        site=site, problem="p", description="Zaległe działanie", responsible_person="Jan Kowalski",
        deadline=today - datetime.timedelta(days=2), status="in_progress",
    )  # fmt: skip
    ImprovementAction.objects.create(
        site=site, problem="p", description="Zrobione po terminie", responsible_person="x",
        deadline=today - datetime.timedelta(days=2), status="done",
    )  # fmt: skip
    text = panel(clerk_client)
    assert "1 działanie naprawcze po terminie" in text
    assert f"/admin/snippets/wagtail_ocena/improvementaction/edit/{late.pk}/" in text
    assert "Zrobione po terminie" not in text


def test_an_editor_without_survey_permissions_sees_no_panel(editor_client, site, survey):
    assert panel(editor_client) == ""


def test_another_offices_actions_are_not_shown(local_clerk_client, other_office_survey, survey):
    ImprovementAction.objects.create(
        site=other_office_survey.get_site(), problem="p", description="Działanie Sicienka",
        responsible_person="x", deadline=timezone.localdate() - datetime.timedelta(days=5),
    )  # fmt: skip
    assert "Działanie Sicienka" not in local_clerk_client.get("/admin/").content.decode()
