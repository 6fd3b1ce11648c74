"""Who may do what with survey responses and reports, office by office.

Permissions are given to groups either for every office (Wagtail's object permissions) or
for chosen sites only (``GroupSitePermission``, set in the group's "Ocena Urzędu" panel);
Wagtail's ``SitePermissionPolicy`` answers both. The policies are registered with Wagtail's
``policy_registry`` (``apps.py``); menu items, listing buttons and views all ask them there.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import policy_registry

from .models import GeneratedReport, SurveyResponse

# Actions on survey responses
ENTER_PAPER = "enter_paper"
DOWNLOAD_PRINTABLE = "download_printable"
VIEW = "view"
DELETE = "delete"
# Actions on reports
GENERATE = "generate"

# (model, action, label in the group editor's panel)
OFFICE_PERMISSIONS = [
    (SurveyResponse, ENTER_PAPER, _("Enter and correct paper questionnaires")),
    (SurveyResponse, DOWNLOAD_PRINTABLE, _("Download the printable questionnaire")),
    (SurveyResponse, VIEW, _("View responses")),
    (SurveyResponse, DELETE, _("Delete responses")),
    (GeneratedReport, GENERATE, _("Generate reports")),
    (GeneratedReport, VIEW, _("Read archived reports")),
    (GeneratedReport, DELETE, _("Delete archived reports")),
]


class ReportPermissionPolicy(SitePermissionPolicy):
    """Archived reports, office by office; and whoever generated a report may open it (its
    page and file) while they may generate reports in its office, without the right to read
    the rest of the archive."""

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if super().user_has_any_permission_for_instance(user, actions, instance):
            return True
        return (
            VIEW in actions
            and isinstance(instance, GeneratedReport)
            and user.pk is not None
            and instance.created_by_id == user.pk
            and super().user_has_any_permission_for_instance(user, [GENERATE], instance)
        )


def permission_policies():
    """The policies ``apps.py`` registers: responses, and archived reports."""
    return {
        SurveyResponse: SitePermissionPolicy(SurveyResponse),
        GeneratedReport: ReportPermissionPolicy(GeneratedReport),
    }


def policy(model):
    return policy_registry.get_by_type(model, fallback=False)


def offices_for(user, action, model=SurveyResponse):
    """The sites (offices) where ``user`` may perform ``action`` on ``model``."""
    return (
        policy(model).sites_user_has_permission_for(user, action).order_by("site_name", "hostname")
    )


def codename(model, action):
    return f"{action}_{model._meta.model_name}"


def registered_permissions():
    query = Q()
    for model, action, _label in OFFICE_PERMISSIONS:
        query |= Q(
            content_type=ContentType.objects.get_for_model(model), codename=codename(model, action)
        )
    return Permission.objects.filter(query)
