"""One policy answers for the menu, the listings' buttons and the views.

``ReportPermissionPolicy``'s ``open``: a report's author who may generate reports in its
office may open that report (and no other) without the right to read the archive; the
menu item and the view read the same permission, so they cannot disagree.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupSitePermission

from tests.conftest import logged_in
from wagtail_ocena.menu import required_permission
from wagtail_ocena.models import GeneratedReport, SurveyResponse
from wagtail_ocena.permissions import DELETE, ENTER_PAPER, GENERATE, OPEN, VIEW, policy
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def office_user(django_user_model, name, site, *codenames):
    """A user whose group has ``codenames`` for ``site`` only."""
    user = django_user_model.objects.create_user(name, password="x")
    group = Group.objects.create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        GroupSitePermission.objects.create(
            group=group, site=site, permission=Permission.objects.get(codename=codename)
        )
    user.groups.add(group)
    return user


def report_of(site, user):
    # Recorded as running, as §5 does, so that no background task is queued for it.
    return GeneratedReport.objects.request(site, MARCH, ReportFilters(), "pdf", user, at_once=True)


@pytest.fixture
def people(django_user_model, site):
    return {
        "author": office_user(django_user_model, "autor", site, "generate_generatedreport"),
        "colleague": office_user(django_user_model, "kolega", site, "generate_generatedreport"),
        "reader": office_user(django_user_model, "czytelnik", site, "view_generatedreport"),
    }


def test_only_the_author_who_may_generate_opens_a_report_without_reading_the_archive(
    survey, site, other_office_survey, people
):
    reports = policy(GeneratedReport)
    author, colleague, reader = people["author"], people["colleague"], people["reader"]
    mine, colleagues = report_of(site, author), report_of(site, colleague)
    # Authorship alone gives nothing where the author may no longer generate reports.
    elsewhere = report_of(other_office_survey.get_site(), author)

    assert reports.user_has_permission_for_instance(author, OPEN, mine)
    assert not reports.user_has_permission_for_instance(author, OPEN, colleagues)
    assert not reports.user_has_permission_for_instance(author, OPEN, elsewhere)
    assert not reports.user_has_permission_for_instance(author, VIEW, mine)
    assert not reports.user_has_permission_for_instance(author, DELETE, mine)
    assert reports.user_has_permission_for_instance(reader, OPEN, colleagues)
    assert not reports.user_has_permission_for_instance(reader, OPEN, elsewhere)
    # For the model and for offices, open means view or generate.
    assert reports.user_has_permission(author, OPEN) and reports.user_has_permission(reader, OPEN)
    assert not reports.user_has_permission(author, VIEW)
    assert list(reports.sites_user_has_permission_for(author, OPEN)) == [site]
    assert list(reports.sites_user_has_permission_for(reader, GENERATE)) == []


def test_the_views_and_the_listing_buttons_follow_the_policy(survey, site, people, admin_user):
    author, reader = people["author"], people["reader"]
    mine, theirs = report_of(site, author), report_of(site, reader)

    author_client, reader_client = logged_in(author), logged_in(reader)
    assert author_client.get(f"/admin/ocena/archive/{mine.pk}/").status_code == 200
    assert author_client.get(f"/admin/ocena/archive/{theirs.pk}/").status_code == 404
    assert reader_client.get(f"/admin/ocena/archive/{mine.pk}/").status_code == 200
    assert reader_client.get(f"/admin/ocena/archive/{mine.pk}/delete/").status_code == 403

    listing = reader_client.get("/admin/wagtail_ocena/generatedreport/").content.decode()
    assert f"/admin/ocena/archive/{mine.pk}/" in listing
    assert f"/admin/ocena/archive/{mine.pk}/delete/" not in listing
    admin_listing = logged_in(admin_user).get("/admin/wagtail_ocena/generatedreport/")
    assert f"/admin/ocena/archive/{mine.pk}/delete/" in admin_listing.content.decode()


@pytest.mark.parametrize(
    ("url", "model", "action"),
    [
        ("/admin/ocena/paper/", SurveyResponse, ENTER_PAPER),
        ("/admin/ocena/printable/", SurveyResponse, "download_printable"),
        ("/admin/ocena/reports/", GeneratedReport, GENERATE),
    ],
)
def test_a_menu_item_reads_the_permission_its_view_requires(db, url, model, action):
    assert required_permission(url) == (model, action)
