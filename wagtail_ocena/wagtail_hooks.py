from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Site
from wagtail.snippets.models import register_snippet

from .actions import DeleteSiteAction
from .models import SurveyResponse
from .viewsets import survey_banner_viewset

register_snippet(survey_banner_viewset)


def _refuse_deleting_survey_data(request, pages):
    """A redirect with a message if deleting ``pages`` would delete survey responses."""
    for page in pages:
        if SurveyResponse.objects.filter(version__page__path__startswith=page.path).exists():
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


@hooks.register("before_delete_page")
def keep_survey_responses(request, page):
    return _refuse_deleting_survey_data(request, [page])


@hooks.register("before_bulk_action")
def keep_survey_responses_in_bulk(request, action_type, objects, action_class_instance):
    if action_type == "delete" and objects and hasattr(objects[0], "path"):
        return _refuse_deleting_survey_data(request, objects)
    return None


@hooks.register("register_actions")
def register_actions(registry):
    registry.register(Site, DeleteSiteAction)
