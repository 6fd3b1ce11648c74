"""Who may do what with survey responses and reports, office by office.

Permissions are given to groups either for every office (Wagtail's object permissions) or
for chosen sites only (``GroupSitePermission``, set in the group's "Ocena Urzędu" panel);
Wagtail's ``SitePermissionPolicy`` answers both. The policies are registered with Wagtail's
``policy_registry`` (``apps.py``); menu items, listing buttons and views all ask them there.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import policy_registry

from .models import GeneratedReport, ImprovementAction, SurveyResponse

# Actions on survey responses
ENTER_PAPER = "enter_paper"
DOWNLOAD_PRINTABLE = "download_printable"
VIEW = "view"
DELETE = "delete"
# Actions on reports
GENERATE = "generate"
APPROVE = "approve"  # mark an archived report as the office's approved yearly report
OPEN = "open"  # one archived report: see ReportPermissionPolicy
# Actions on the register of improvement actions
ADD = "add"
CHANGE = "change"
# Any of them: who reads an office's register at all.
REGISTER_ACTIONS = (VIEW, ADD, CHANGE, DELETE)

# (model, action, label in the group editor's panel)
OFFICE_PERMISSIONS = [
    (SurveyResponse, ENTER_PAPER, _("Enter and correct paper questionnaires")),
    (SurveyResponse, DOWNLOAD_PRINTABLE, _("Download the printable questionnaire")),
    (SurveyResponse, VIEW, _("View responses")),
    (SurveyResponse, DELETE, _("Delete responses")),
    (GeneratedReport, GENERATE, _("Generate reports")),
    (GeneratedReport, VIEW, _("Read archived reports")),
    (GeneratedReport, DELETE, _("Delete archived reports")),
    (GeneratedReport, APPROVE, _("Mark the approved yearly report")),
    (ImprovementAction, VIEW, _("Read the register of improvement actions")),
    (ImprovementAction, ADD, _("Add improvement actions")),
    (ImprovementAction, CHANGE, _("Edit improvement actions")),
    (ImprovementAction, DELETE, _("Delete improvement actions")),
]


def _expanded(actions):
    actions = list(actions)
    if OPEN in actions:
        actions.remove(OPEN)
        actions += [VIEW, GENERATE]
    return actions


class ReportPermissionPolicy(SitePermissionPolicy):
    """Archived reports, office by office, with one action of its own: ``OPEN`` an archived
    report (its page and file). A user may open a report with ``view`` in its office, or as its
    author with ``generate`` there — whoever generated a report gets its file without the
    right to read the rest of the archive. For the model or an office, ``OPEN`` means ``view``
    or ``generate``; only for a report does authorship count."""

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, _expanded(actions))

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(_expanded(actions))

    def sites_user_has_any_permission_for(self, user, actions):
        return super().sites_user_has_any_permission_for(user, _expanded(actions))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        actions = list(actions)
        if OPEN in actions:
            actions.remove(OPEN)
            if self._may_open(user, instance):
                return True
        return bool(actions) and super().user_has_any_permission_for_instance(
            user, actions, instance
        )

    def _may_open(self, user, instance):
        allowed = super().user_has_any_permission_for_instance
        if allowed(user, [VIEW], instance):
            return True
        return (
            isinstance(instance, GeneratedReport)
            and user.pk is not None
            and instance.created_by_id == user.pk
            and allowed(user, [GENERATE], instance)
        )


def permission_policies():
    """The policies ``apps.py`` registers: responses, archived reports, and the register of
    improvement actions."""
    return {
        SurveyResponse: SitePermissionPolicy(SurveyResponse),
        GeneratedReport: ReportPermissionPolicy(GeneratedReport),
        ImprovementAction: SitePermissionPolicy(ImprovementAction),
    }


def policy(model):
    """The policy registered for ``model``; never Wagtail's fallback, which would let a check
    of a policy not yet registered answer for the wrong permissions."""
    registered = policy_registry.get_by_type(model, fallback=False)
    if registered is None:
        raise ImproperlyConfigured(f"No permission policy is registered for {model.__name__}.")
    return registered


def codename(model, action):
    return f"{action}_{model._meta.model_name}"


def registered_permissions():
    query = Q()
    for model, action, _label in OFFICE_PERMISSIONS:
        query |= Q(
            content_type=ContentType.objects.get_for_model(model), codename=codename(model, action)
        )
    return Permission.objects.filter(query)
