"""Wiring into the Wagtail admin; the pieces live in their own modules."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import Site
from wagtail.snippets.models import register_snippet

from . import before_change, dashboard, menu, modeladmin, permissions, viewsets
from .actions import DeleteSiteAction
from .forms.group_panel import OfficePermissionsForm
from .models import GeneratedReport, SurveyPage, SurveyResponse
from .views.paper import LOG_CORRECT, LOG_DELETE, LOG_ENTER
from .views.redaction import LOG_REDACT
from .views.reports import LOG_REPORT_APPROVE, LOG_REPORT_DELETE, LOG_REPORT_WITHDRAW
from .viewsets import improvement_action_viewset, survey_admin_viewset, survey_banner_viewset

register_snippet(survey_banner_viewset)
register_snippet(improvement_action_viewset)
modeladmin.register()


@hooks.register("register_admin_viewset")
def register_survey_admin_viewset():
    return survey_admin_viewset


@hooks.register("register_admin_urls", order=-1)
def register_office_settings_urls():
    return viewsets.office_settings_urls()


@hooks.register("construct_homepage_panels")
def add_survey_cycle_panel(request, panels):
    panels.append(dashboard.SurveyCyclePanel())


@hooks.register("register_admin_menu_item")
def register_survey_menu():
    return menu.survey_menu_item()


@hooks.register("register_ocena_menu_item")
def register_paper_entry_menu_item():
    return menu.paper_entry_menu_item()


@hooks.register("register_ocena_menu_item")
def register_printable_menu_item():
    return menu.printable_menu_item()


@hooks.register("register_ocena_menu_item")
def register_improvement_actions_menu_item():
    # The viewset's own item: it asks the policy its views ask.
    return improvement_action_viewset.get_menu_item(order=70)


@hooks.register("register_ocena_menu_item")
def register_responses_menu_item():
    return modeladmin.responses_menu_item()


@hooks.register("register_ocena_menu_item")
def register_report_menu_item():
    return menu.report_menu_item()


@hooks.register("register_ocena_menu_item")
def register_report_archive_menu_item():
    return modeladmin.reports_menu_item()


@hooks.register("register_permissions")
def register_permissions():
    return permissions.registered_permissions()


@hooks.register("register_group_permission_panel")
def register_office_permissions_panel():
    return OfficePermissionsForm


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        LOG_ENTER,
        gettext_lazy("Enter paper questionnaire"),
        gettext_lazy("Paper questionnaire entered"),
    )
    actions.register_action(
        LOG_CORRECT,
        gettext_lazy("Correct paper questionnaire"),
        gettext_lazy("Paper questionnaire corrected"),
    )
    actions.register_action(
        LOG_DELETE, gettext_lazy("Delete questionnaire"), gettext_lazy("Questionnaire deleted")
    )
    actions.register_action(
        LOG_REDACT,
        gettext_lazy("Remove a comment's text"),
        gettext_lazy("Comment's text removed"),
    )
    actions.register_action(
        LOG_REPORT_DELETE,
        gettext_lazy("Delete archived report"),
        gettext_lazy("Archived report deleted"),
    )
    actions.register_action(
        LOG_REPORT_APPROVE,
        gettext_lazy("Approve the yearly report"),
        gettext_lazy("Marked as the approved yearly report"),
    )
    actions.register_action(
        LOG_REPORT_WITHDRAW,
        gettext_lazy("Withdraw the yearly report's approval"),
        gettext_lazy("Approval of the yearly report withdrawn"),
    )


@hooks.register("before_publish_page")
def archive_report_before_questions_change(request, page):
    if isinstance(page, SurveyPage):
        return before_change.before_publish(request, page)
    return None


@hooks.register("before_edit_page")
def warn_when_published_questions_wait_for_their_report(request, page):
    if isinstance(page, SurveyPage):
        before_change.warn_if_not_in_effect(request, page)


@hooks.register("register_actions")
def register_actions(registry):
    registry.register(Site, DeleteSiteAction)


def _refuse_deleting_survey_data(request, pages):
    """A redirect with a message if deleting ``pages`` would delete survey responses."""
    for page in pages:
        below = page.path
        if (
            SurveyResponse.objects.filter(version__page__path__startswith=below).exists()
            or GeneratedReport.objects.filter(
                replaced_version__page__path__startswith=below
            ).exists()
        ):
            messages.error(
                request,
                _(
                    "“%(title)s” cannot be deleted: a survey on it or below it has responses "
                    "or archived reports, which must be kept. Unpublish the page instead."
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
