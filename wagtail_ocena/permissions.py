"""Who may do what with survey responses and reports, office by office.

Permissions are given to groups either for every office (Wagtail's object permissions) or
for chosen sites only (``GroupSitePermission``, set in the group's "Ocena Urzędu" panel);
Wagtail's ``SitePermissionPolicy`` answers both.
"""

from django import forms
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupSitePermission, Site
from wagtail.permission_policies.sites import SitePermissionPolicy

from .models import GeneratedReport, SurveyResponse

# Actions on survey responses
ENTER_PAPER = "enter_paper"
DOWNLOAD_PRINTABLE = "download_printable"
VIEW = "view"
DELETE = "delete"
# Actions on reports
GENERATE = "generate"

response_permission_policy = SitePermissionPolicy(SurveyResponse)
report_permission_policy = SitePermissionPolicy(GeneratedReport)
POLICIES = {SurveyResponse: response_permission_policy, GeneratedReport: report_permission_policy}

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


def offices_for(user, action, model=SurveyResponse):
    """The sites (offices) where ``user`` may perform ``action`` on ``model``."""
    return (
        POLICIES[model]
        .sites_user_has_permission_for(user, action)
        .order_by("site_name", "hostname")
    )


def may(user, action, site=None, model=SurveyResponse):
    """Whether ``user`` may perform ``action`` on ``model`` at all, or for the given site."""
    policy = POLICIES[model]
    if site is None:
        return policy.user_has_permission(user, action)
    return policy.user_has_permission_for_instance(user, action, site)


def _codename(model, action):
    return f"{action}_{model._meta.model_name}"


def registered_permissions():
    query = Q()
    for model, action, _label in OFFICE_PERMISSIONS:
        query |= Q(
            content_type=ContentType.objects.get_for_model(model), codename=_codename(model, action)
        )
    return Permission.objects.filter(query)


class OfficePermissionsForm(forms.Form):
    """The group editor's panel: which offices a group's survey permissions apply to."""

    template_name = "wagtail_ocena/admin/office_permissions_panel.html"

    def __init__(self, *args, instance, **kwargs):
        kwargs.setdefault("prefix", "wagtail_ocena_office_permissions")
        self.instance = instance
        permissions = {(p.content_type_id, p.codename): p for p in registered_permissions()}
        self.permissions = {}
        initial = {}
        for model, action, _label in OFFICE_PERMISSIONS:
            name = _codename(model, action)
            content_type = ContentType.objects.get_for_model(model)
            self.permissions[name] = permissions[(content_type.pk, name)]
            if instance is not None and instance.pk is not None:
                initial[name] = list(
                    GroupSitePermission.objects.filter(
                        group=instance, permission=self.permissions[name]
                    ).values_list("site_id", flat=True)
                )
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for model, action, label in OFFICE_PERMISSIONS:
            self.fields[_codename(model, action)] = forms.ModelMultipleChoiceField(
                queryset=Site.objects.order_by("site_name", "hostname"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=label,
            )

    def as_admin_panel(self):
        return render_to_string(self.template_name, {"form": self})

    def save(self):
        for name, permission in self.permissions.items():
            wanted = {site.pk for site in self.cleaned_data[name]}
            current = GroupSitePermission.objects.filter(group=self.instance, permission=permission)
            current.exclude(site_id__in=wanted).delete()
            have = set(current.values_list("site_id", flat=True))
            GroupSitePermission.objects.bulk_create(
                GroupSitePermission(group=self.instance, permission=permission, site_id=site_id)
                for site_id in wanted - have
            )
