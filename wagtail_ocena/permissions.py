"""Who may do what with survey responses, office by office.

Permissions on ``SurveyResponse`` are given to groups either for every office (Wagtail's
object permissions) or for chosen sites only (``GroupSitePermission``, set in the group's
"Ocena Urzędu" panel); ``response_permission_policy`` answers both.
"""

from django import forms
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupSitePermission, Site
from wagtail.permission_policies.sites import SitePermissionPolicy

from .models import SurveyResponse

ENTER_PAPER = "enter_paper"
DOWNLOAD_PRINTABLE = "download_printable"
VIEW = "view"
DELETE = "delete"

response_permission_policy = SitePermissionPolicy(SurveyResponse)

ACTION_LABELS = {
    ENTER_PAPER: _("Enter and correct paper questionnaires"),
    DOWNLOAD_PRINTABLE: _("Download the printable questionnaire"),
    VIEW: _("View responses"),
    DELETE: _("Delete responses"),
}


def offices_for(user, action):
    """The sites (offices) where ``user`` may perform ``action`` on survey responses."""
    return response_permission_policy.sites_user_has_permission_for(user, action).order_by(
        "site_name", "hostname"
    )


def may(user, action, site=None):
    """Whether ``user`` may perform ``action`` at all, or for the given site."""
    if site is None:
        return response_permission_policy.user_has_permission(user, action)
    return response_permission_policy.user_has_permission_for_instance(user, action, site)


def registered_permissions():
    return Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(SurveyResponse),
        codename__in=[f"{action}_surveyresponse" for action in ACTION_LABELS],
    )


class OfficePermissionsForm(forms.Form):
    """The group editor's panel: which offices a group's survey permissions apply to."""

    template_name = "wagtail_ocena/admin/office_permissions_panel.html"

    def __init__(self, *args, instance, **kwargs):
        kwargs.setdefault("prefix", "wagtail_ocena_office_permissions")
        self.instance = instance
        self.permissions = {
            permission.codename.removesuffix("_surveyresponse"): permission
            for permission in registered_permissions()
        }
        existing = {}
        if instance is not None and instance.pk is not None:
            for action, permission in self.permissions.items():
                existing[action] = list(
                    GroupSitePermission.objects.filter(
                        group=instance, permission=permission
                    ).values_list("site_id", flat=True)
                )
        kwargs["initial"] = existing
        super().__init__(*args, **kwargs)
        for action, label in ACTION_LABELS.items():
            self.fields[action] = forms.ModelMultipleChoiceField(
                queryset=Site.objects.order_by("site_name", "hostname"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=label,
            )

    def as_admin_panel(self):
        return render_to_string(self.template_name, {"form": self})

    def save(self):
        for action, permission in self.permissions.items():
            wanted = {site.pk for site in self.cleaned_data[action]}
            current = GroupSitePermission.objects.filter(group=self.instance, permission=permission)
            current.exclude(site_id__in=wanted).delete()
            have = set(current.values_list("site_id", flat=True))
            GroupSitePermission.objects.bulk_create(
                GroupSitePermission(group=self.instance, permission=permission, site_id=site_id)
                for site_id in wanted - have
            )
