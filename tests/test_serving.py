"""What a survey keeps between requests (``wagtail_ocena.serving``) and the endpoint
residents send it to: nothing served from the cache may differ from the database."""

import re

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import hooks
from wagtail.models import PageViewRestriction, ReferenceIndex

from wagtail_ocena import serving
from wagtail_ocena.models import Department, SurveyPage, SurveyResponse, UsedFormToken
from wagtail_ocena.names import SENT_TWICE

from .conftest import BrowserClient, valid_answers


def form_of(response):
    return response.content.decode()


def action_of(response):
    return re.search(r'<form class="ocena-form" method="post" action="([^"]*)"', form_of(response))[
        1
    ]


def department_names(response):
    return re.findall(
        r'name="q-wydzial" value="\d+"[^>]*>\s*<label[^>]*>\s*([^<]+?)\s*<', form_of(response)
    )


def test_the_form_is_sent_to_the_endpoint_and_saved(client, survey):
    page = client.get(survey.url)
    assert action_of(page) == reverse("wagtail_ocena:submit", args=[survey.pk])
    data = valid_answers(survey)

    response = client.post(action_of(page), data)

    assert response.status_code == 303
    assert response["Location"] == survey.get_thank_you_url()
    assert SurveyResponse.objects.count() == 1
    # Sent again (Back, send): saved once.
    again = client.post(action_of(page), data)
    assert SENT_TWICE in again["Location"]
    assert SurveyResponse.objects.count() == 1


def test_a_warm_post_reads_nothing_and_writes_in_one_statement_on_postgresql(
    client, survey, monkeypatch
):
    # Expired used tokens are pruned with this POST too (one in a hundred, normally).
    monkeypatch.setattr(UsedFormToken.objects, "PRUNE_ONE_IN", 1)
    url = reverse("wagtail_ocena:submit", args=[survey.pk])
    client.post(url, valid_answers(survey))  # fills the caches
    references = ReferenceIndex.objects.count()
    data = valid_answers(survey)

    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, data).status_code == 303

    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    writes = [sql for sql in statements if "INSERT" in sql.upper()]
    if connection.vendor == "postgresql":
        assert len(writes) == 1  # token, response, answers and six counts together
    else:
        assert len(writes) == 9
    assert SurveyResponse.objects.count() == 2
    # Responses, answers and counts stay out of Wagtail's reference index.
    assert ReferenceIndex.objects.count() == references


def test_cached_questions_are_the_stored_ones(survey):
    version = survey.current_version
    cached_version, cached = serving.snapshot_of(survey.pk).current()

    stored = version.load_questions()
    assert cached_version.pk == version.pk
    assert [q.pk for q in cached] == [q.pk for q in stored]
    assert [q.frozen_state() for q in cached] == [q.frozen_state() for q in stored]
    assert [[o.pk for o in q.choice_options] for q in cached] == [
        [o.pk for o in q.choice_options] for q in stored
    ]


def test_a_new_version_is_served_at_once_and_the_old_form_still_counts_for_its_own(client, survey):
    old_version = survey.current_version
    old_form = valid_answers(survey)
    client.get(survey.url)  # the snapshot is cached
    questions = survey.questions.raw_data
    questions[1]["value"]["text"] = "Jak ocenia Pan/Pani czas oczekiwania w kolejce?"
    survey.questions = questions
    survey.save_revision().publish()
    survey = SurveyPage.objects.get(pk=survey.pk)
    new_version = survey.current_version
    assert new_version != old_version

    assert "czas oczekiwania w kolejce" in form_of(client.get(survey.url))
    url = reverse("wagtail_ocena:submit", args=[survey.pk])
    assert client.post(url, old_form).status_code == 303
    assert client.post(url, valid_answers(survey)).status_code == 303
    assert sorted(SurveyResponse.objects.values_list("version_id", flat=True)) == sorted(
        [old_version.pk, new_version.pk]
    )


def test_changed_office_data_is_shown_at_once(client, survey, office):
    assert office.name in form_of(client.get(survey.url))
    office.name = "Urząd Miasta i Gminy Koronowo"
    office.save()

    assert serving.snapshot_of(survey.pk).office.name == "Urząd Miasta i Gminy Koronowo"


def test_departments_added_renamed_or_deactivated_are_offered_at_once(client, survey, office):
    client.get(survey.url)
    first, second, third = office.departments.order_by("sort_order")
    Department.objects.create(office=office, name="Wydział Komunikacji", sort_order=9)
    second.name = "Podatki"
    second.save()
    third.is_active = False
    third.save()

    names = department_names(client.get(survey.url))
    assert names == [first.name, "Podatki", "Wydział Komunikacji"]
    # A department no longer offered is refused, not saved.
    url = reverse("wagtail_ocena:submit", args=[survey.pk])
    response = client.post(url, valid_answers(survey, **{"q-wydzial": str(third.pk)}))
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_a_deleted_department_is_refused(client, survey, office):
    client.get(survey.url)
    department = Department.objects.create(office=office, name="Straż Miejska", sort_order=9)
    client.get(survey.url)
    department.delete()

    url = reverse("wagtail_ocena:submit", args=[survey.pk])
    response = client.post(url, valid_answers(survey, **{"q-wydzial": str(department.pk)}))
    assert response.status_code == 400


def test_an_unpublished_survey_takes_no_answers(client, survey):
    url = reverse("wagtail_ocena:submit", args=[survey.pk])
    data = valid_answers(survey)
    client.get(survey.url)
    survey.unpublish()

    assert client.post(url, data).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_moved_survey_redirects_to_its_new_thank_you_page(client, survey, home):
    client.get(survey.url)
    survey.slug = "ocen-urzad"
    survey.save_revision().publish()
    survey = SurveyPage.objects.get(pk=survey.pk)

    response = client.post(reverse("wagtail_ocena:submit", args=[survey.pk]), valid_answers(survey))
    assert response["Location"] == survey.get_thank_you_url()
    assert "/ocen-urzad/" in response["Location"]


def test_the_endpoint_takes_only_posts_for_a_survey_of_its_own_site(
    client, survey, other_office_survey
):
    other_url = reverse("wagtail_ocena:submit", args=[other_office_survey.pk])
    # Opened, not sent (a link back from an error page): the questionnaire's page.
    opened = client.get(reverse("wagtail_ocena:submit", args=[survey.pk]))
    assert (opened.status_code, opened["Location"]) == (302, survey.get_url_parts()[2])
    # Another gmina's survey, sent through this site's host.
    assert client.post(other_url, valid_answers(other_office_survey)).status_code == 404
    assert (
        client.post(
            other_url, valid_answers(other_office_survey), HTTP_HOST="sicienko.example"
        ).status_code
        == 303
    )
    # A page that is no survey.
    home_id = survey.get_parent().pk
    assert client.post(reverse("wagtail_ocena:submit", args=[home_id]), {}).status_code == 404
    assert SurveyResponse.objects.count() == 1


def test_a_restricted_survey_asks_for_login_at_the_endpoint_too(client, survey, clerk):
    client.get(survey.url)
    restriction = PageViewRestriction.objects.create(
        page=survey, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Mieszkańcy osiedla"))
    url = reverse("wagtail_ocena:submit", args=[survey.pk])

    response = client.post(url, valid_answers(survey))

    assert response.status_code in (302, 403)
    assert not SurveyResponse.objects.exists()
    restriction.delete()
    assert client.post(url, valid_answers(survey)).status_code == 303


def test_other_serving_hooks_run_at_the_endpoint(client, survey):
    from django.http import HttpResponse

    seen = []

    def closed_today(page, request, serve_args, serve_kwargs):
        seen.append(page.pk)
        return HttpResponse("Zamknięte", status=503)

    url = reverse("wagtail_ocena:submit", args=[survey.pk])
    with hooks.register_temporarily("before_serve_page", closed_today):
        response = client.post(url, valid_answers(survey))

    assert (response.status_code, seen) == (503, [survey.pk])
    assert not SurveyResponse.objects.exists()


def test_errors_are_shown_at_the_endpoint_with_the_page_around_them(client, survey):
    url = reverse("wagtail_ocena:submit", args=[survey.pk])

    response = client.post(url, valid_answers(survey, **{"q-ogolna-ocena": "9"}))

    assert response.status_code == 400
    assert survey.title in form_of(response)
    assert action_of(response) == url


def test_the_survey_is_served_while_its_cache_is_out_of_reach(client, survey, settings):
    # The survey's cache is a Redis that is restarting: nothing listens on its port.
    settings.CACHES = {
        **settings.CACHES,
        "survey": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        },
    }
    settings.WAGTAIL_OCENA_CACHE = "survey"
    page = client.get(survey.url)
    assert page.status_code == 200
    assert client.post(action_of(page), valid_answers(survey)).status_code == 303
    assert SurveyResponse.objects.count() == 1


def test_without_the_public_urls_the_page_takes_the_answers(client, survey, settings):
    from django.core.checks import run_checks

    assert "wagtail_ocena.W011" not in {message.id for message in run_checks()}
    settings.ROOT_URLCONF = "tests.urls_page_routing"

    page = client.get(survey.url)
    assert action_of(page) == survey.url
    assert client.post(survey.url, valid_answers(survey)).status_code == 303
    assert SurveyResponse.objects.count() == 1
    assert "wagtail_ocena.W011" in {message.id for message in run_checks()}


def test_forms_of_shared_questions_do_not_share_their_fields(survey):
    from wagtail_ocena.forms import SurveyResponseForm

    _version, questions = serving.snapshot_of(survey.pk).current()
    departments = serving.snapshot_of(survey.pk).departments
    first = SurveyResponseForm({}, questions=questions, departments=departments)
    second = SurveyResponseForm(valid_answers(survey), questions=questions, departments=departments)
    field = first.fields["q-ogolna-ocena"]
    field.widget.attrs["aria-describedby"] = "blad"
    field.error_messages["required"] = "Inny komunikat"

    assert not first.is_valid()
    assert second.is_valid(), second.errors
    assert "aria-describedby" not in second.fields["q-ogolna-ocena"].widget.attrs
    assert second.fields["q-ogolna-ocena"].error_messages["required"] != "Inny komunikat"
    assert first.fields["q-ogolna-ocena"] is not second.fields["q-ogolna-ocena"]


def test_a_refused_post_at_the_endpoint_leads_back_to_the_questionnaire(survey):
    client = BrowserClient(enforce_csrf_checks=True)
    url = reverse("wagtail_ocena:submit", args=[survey.pk])

    response = client.post(url, valid_answers(survey))

    assert response.status_code == 403
    assert f'href="{url}"' in response.content.decode()
    assert client.get(url)["Location"] == survey.url
    assert not SurveyResponse.objects.exists()
