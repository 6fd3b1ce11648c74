from django import template
from django.template.loader import render_to_string
from wagtail.models import Site

from ..models import SurveyBanner, SurveyPage

register = template.Library()


def banner_for_site(site):
    """The site's first banner whose survey is published, or None."""
    if site is None:
        return None
    surveys = SurveyPage.objects.live().of_site(site)
    return (
        SurveyBanner.objects.filter(survey_page__in=surveys)
        .select_related("survey_page", "image")
        .order_by("pk")
        .first()
    )


def render_banner(banner, context=None):
    """The banner's HTML, or an empty string while its survey is not published."""
    if banner is None or not banner.survey_page.live:
        return ""
    request = context.get("request") if context else None
    return render_to_string(
        "wagtail_ocena/banner.html",
        {"banner": banner, "survey_url": banner.survey_page.get_url(request)},
        request=request,
    )


@register.simple_tag(takes_context=True)
def ocena_banner(context, banner=None):
    """Render the "Oceń Urząd" banner: the given one, or the current site's.

    Usage: ``{% load wagtail_ocena_tags %}{% ocena_banner %}``.
    """
    if banner is None:
        request = context.get("request")
        banner = banner_for_site(Site.find_for_request(request) if request else None)
    return render_banner(banner, context)
