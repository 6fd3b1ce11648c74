"""No existence oracle: every admin URL of the app that takes an id answers another office's id
exactly as it answers an id that exists nowhere.

The URLs are walked from the resolver, so that a URL added later without a way to fill it here
fails ``test_every_id_taking_url_is_walked`` instead of going unchecked.
"""

import datetime
import re
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from wagtail.models import GroupSitePermission

from tests.conftest import logged_in, record_response
from wagtail_ocena.choices import Channel
from wagtail_ocena.models import GeneratedReport, ImprovementAction, SurveyBanner, SurveyResponse
from wagtail_ocena.permissions import OFFICE_PERMISSIONS, codename
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.period import Period

MISSING_INT = 2_000_000_000


def walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def of_the_app(name, pattern):
    view = pattern.callback
    module = getattr(view, "view_class", view).__module__
    return module.startswith("wagtail_ocena") or "wagtail_ocena" in name


def id_taking_urls():
    """``{name: [argument names]}`` of the app's URLs whose path carries an id."""
    found = {}
    for name, pattern in walk(get_resolver().url_patterns):
        arguments = list(pattern.pattern.regex.groupindex)
        if arguments and of_the_app(name, pattern):
            found[name] = arguments
    return found


# How to fill each id-taking URL: the kind of object its id names (one of office B's in the
# ``world`` fixture). Each is fetched with GET and POST.
# Views of Wagtail's (banners, office data) refuse with Wagtail's redirect, not a plain 403.
WAGTAILS = {"banner", "office_data", "improvement_action"}
MODELADMIN = "wagtail_ocena_{model}_modeladmin_{action}"
SNIPPETS = "wagtailsnippets_wagtail_ocena_surveybanner:{}"
ACTIONS = "wagtailsnippets_wagtail_ocena_improvementaction:{}"
FILLED = {
    "wagtail_ocena_admin:paper_entry": "site",
    "wagtail_ocena_admin:paper_correct": "paper_response",
    "wagtail_ocena_admin:response_delete": "response",
    "wagtail_ocena_admin:answer_redact": "comment",
    "wagtail_ocena_admin:printable_pdf": "survey",
    "wagtail_ocena_admin:report": "site",
    "wagtail_ocena_admin:report_export": "site",
    "wagtail_ocena_admin:archived_report": "report",
    "wagtail_ocena_admin:archived_report_file": "report",
    "wagtail_ocena_admin:archived_report_delete": "report",
    "wagtail_ocena_admin:archived_report_approval": "report",
    "wagtail_ocena_admin:archived_report_render": "report",
    "wagtail_ocena_officesettings_edit": "office_data",
    "wagtail_ocena_officesettings_preview": "office_data",
    **{
        MODELADMIN.format(model="surveyresponse", action=action): "response"
        for action in ("edit", "delete", "inspect", "history")
    },
    **{
        MODELADMIN.format(model="generatedreport", action=action): "report"
        for action in ("edit", "delete", "history")
    },
    **{
        SNIPPETS.format(action): "banner"
        for action in ("edit", "delete", "usage", "history", "history_results", "copy")
    },
    **{
        ACTIONS.format(action): "improvement_action"
        for action in (
            "edit",
            "delete",
            "usage",
            "history",
            "history_results",
            "copy",
            "inspect",
            "revisions_compare",
            "revisions_revert",
        )
    },
}
# Open to every editor by Wagtail's design: choosing a banner for a page takes no banner
# permission, and a banner is public content, shown on the office's pages.
OPEN_TO_EDITORS = {"wagtailsnippetchoosers_wagtail_ocena_surveybanner:chosen"}
# Public: where residents send a questionnaire (tests/test_serving.py holds that it takes
# answers only for a live survey of the site it is posted to).
PUBLIC = {"wagtail_ocena:submit"}


def test_every_id_taking_url_is_walked(db):
    assert set(id_taking_urls()) == set(FILLED) | OPEN_TO_EDITORS | PUBLIC


@pytest.fixture
def world(survey, other_office_survey, django_user_model):
    """Office A (``survey``'s) with a user who has every office permission there, and office
    B's objects of every kind an admin URL takes."""
    site_b = other_office_survey.get_site()
    user = django_user_model.objects.create_user("urzad-a", password="x")
    group = Group.objects.create(name="Urząd A")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    codenames = [codename(model, action) for model, action, _label in OFFICE_PERMISSIONS]
    for name in [*codenames, "change_officesettings"]:
        GroupSitePermission.objects.create(
            group=group, site=survey.get_site(), permission=Permission.objects.get(codename=name)
        )
    user.groups.add(group)
    march = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    paper = record_response(other_office_survey, channel=Channel.PAPER, batch="b", sheet_number=1)
    objects = {
        "site": site_b.pk,
        "office_data": site_b.pk,
        "survey": other_office_survey.pk,
        "paper_response": paper.pk,
        "response": record_response(other_office_survey).pk,
        "comment": record_response(other_office_survey, {"uwagi": "Pani Kowalska, tel. 600"})
        .answers.get(question__key="uwagi")
        .pk,
        "report": GeneratedReport.objects.request(
            site_b, march, ReportFilters(), "pdf", None, at_once=True
        ).pk,
        "banner": SurveyBanner.objects.create(survey_page=other_office_survey).pk,
        "improvement_action": ImprovementAction.objects.create(
            site=site_b,
            problem="Kolejka",
            description="Drugie stanowisko",
            responsible_person="Jan Kowalski",
            deadline=datetime.date(2030, 1, 1),
        ).pk,
    }
    return user, objects


def missing_ids(name, arguments, kind, objects):
    """An id of the right form that exists nowhere, and a malformed one where the URL takes it."""
    ids = [uuid.uuid4() if isinstance(objects[kind], uuid.UUID) else MISSING_INT]
    try:
        url_for(name, arguments, "not-an-id")
    except NoReverseMatch:
        return ids
    return [*ids, "not-an-id"]


def url_for(name, arguments, value):
    return reverse(name, kwargs=dict.fromkeys(arguments, value))


TOKEN = re.compile(r"[A-Za-z0-9]{32,}")


def fetch(method, name, arguments, value):
    """Status and page of the URL with ``value`` for its id, without what differs by the id
    and by request (CSRF tokens)."""
    url = url_for(name, arguments, value)
    response = method(url)
    body = response.content.decode(errors="replace").replace(url, "URL")
    if isinstance(value, uuid.UUID):
        body = body.replace(str(value), "ID")
    return response.status_code, TOKEN.sub("TOKEN", body)


def counts():
    return SurveyResponse.objects.count(), GeneratedReport.objects.count()


def wagtails_refusal(status_and_page):
    # Wagtail's snippet views refuse with a redirect to the dashboard and a message.
    return status_and_page == (302, "")


@pytest.mark.parametrize("name", sorted(FILLED))
def test_another_offices_id_is_answered_as_a_missing_one(world, name):
    user, objects = world
    kind = FILLED[name]
    arguments = id_taking_urls()[name]
    client = logged_in(user)
    not_found = (404, TOKEN.sub("TOKEN", client.get("/admin/ocena/no-such-page/").content.decode()))
    before = counts()

    for method in (client.get, client.post):
        theirs = fetch(method, name, arguments, objects[kind])
        for nowhere in missing_ids(name, arguments, kind, objects):
            assert fetch(method, name, arguments, nowhere) == theirs, (name, method, nowhere)
        if kind == "banner":
            # Banners are CMS content, not an office's: no permission on them is given per
            # office, so the user of office A, like any editor without one, is refused.
            assert wagtails_refusal(theirs)
        else:
            assert theirs == not_found
    assert counts() == before


@pytest.mark.parametrize("name", sorted(FILLED))
def test_without_the_permission_anywhere_an_id_is_refused_not_looked_up(world, editor_client, name):
    _user, objects = world
    kind = FILLED[name]
    arguments = id_taking_urls()[name]

    for method in (editor_client.get, editor_client.post):
        theirs = fetch(method, name, arguments, objects[kind])
        for nowhere in missing_ids(name, arguments, kind, objects):
            assert fetch(method, name, arguments, nowhere) == theirs, (name, method, nowhere)
        assert wagtails_refusal(theirs) if kind in WAGTAILS else theirs[0] == 403


def test_the_user_of_office_a_still_works_in_office_a(world, survey):
    user, _objects = world
    client = logged_in(user)
    site = survey.get_site()

    for name in ("wagtail_ocena_officesettings_edit", "wagtail_ocena_admin:paper_entry"):
        response = client.get(url_for(name, id_taking_urls()[name], site.pk))
        assert response.status_code == 200, name
