import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from wagtail_ocena.models import SurveyBanner

pytestmark = pytest.mark.django_db


@pytest.fixture
def banner(survey):
    return SurveyBanner.objects.create(
        survey_page=survey, text="Powiedz nam, jak Cię obsłużyliśmy.", style="green"
    )


def banner_link(html):
    match = re.search(r'<a class="ocena-banner[^"]*" href="([^"]+)">(.*?)</a>', html, re.S)
    assert match, "no banner link in the page"
    href, inner = match.groups()
    accessible_text = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
    return href, accessible_text


def test_homepage_banner_is_a_real_link_to_the_survey(client, home, survey, banner):
    home.body = [("survey_banner", banner)]
    home.save_revision().publish()

    html = client.get("/").content.decode()

    href, text = banner_link(html)
    assert href == survey.url
    assert text.startswith("Oceń Urząd Powiedz nam, jak Cię obsłużyliśmy.")
    assert 'class="ocena-banner ocena-banner--green"' in html
    # Following the banner leads to the questionnaire.
    assert client.get(href).status_code == 200


def test_template_tag_renders_the_current_sites_banner(
    rf, home, survey, banner, other_office_survey
):
    SurveyBanner.objects.create(survey_page=other_office_survey, heading="Oceń Urząd Gminy")
    request = RequestFactory().get("/", HTTP_HOST="localhost")

    html = Template("{% load wagtail_ocena_tags %}{% ocena_banner %}").render(
        Context({"request": request})
    )

    href, text = banner_link(html)
    assert href == survey.get_url(request)
    assert "Oceń Urząd Gminy" not in html


def test_template_tag_takes_a_given_banner(home, survey, banner):
    html = Template("{% load wagtail_ocena_tags %}{% ocena_banner banner %}").render(
        Context({"banner": banner})
    )

    assert banner_link(html)[0] == survey.url


def test_banner_disappears_while_the_survey_is_unpublished(client, home, survey, banner):
    home.body = [("survey_banner", banner)]
    home.save_revision().publish()
    survey.unpublish()

    html = client.get("/").content.decode()

    assert "ocena-banner" not in html.replace("ocena.css", "")


def test_banner_text_is_escaped(home, survey):
    banner = SurveyBanner.objects.create(survey_page=survey, text="<script>alert(1)</script>")

    html = Template("{% load wagtail_ocena_tags %}{% ocena_banner banner %}").render(
        Context({"banner": banner})
    )

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_editors_can_place_the_banner_block_on_the_homepage(admin_client, home, banner):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "body": streamfield([("survey_banner", banner.pk)]),
            "action-publish": "publish",
        }
    )

    response = admin_client.post(f"/admin/pages/{home.pk}/edit/", data)

    assert response.status_code == 302
    home.refresh_from_db()
    assert home.body[0].block_type == "survey_banner"
    assert home.body[0].value == banner
