from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .models import SurveyResponse
from .viewsets import survey_banner_viewset

register_snippet(survey_banner_viewset)


@hooks.register("before_delete_page")
def keep_survey_responses(request, page):
    """Refuse to delete a page if that would delete survey responses below it."""
    has_responses = SurveyResponse.objects.filter(
        version__page__path__startswith=page.path
    ).exists()
    if has_responses:
        messages.error(
            request,
            _(
                "“%(title)s” cannot be deleted: a survey on it or below it has responses, "
                "which must be kept. Unpublish the page instead."
            )
            % {"title": page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_explore", page.get_parent().id)
    return None
