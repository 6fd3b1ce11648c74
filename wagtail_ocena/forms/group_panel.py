"""The group editor's "Ocena Urzędu" panel: which offices a group's survey permissions cover."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from wagtail.models import GroupSitePermission, Site

from ..permissions import OFFICE_PERMISSIONS, codename, registered_permissions


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
            name = codename(model, action)
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
            self.fields[codename(model, action)] = forms.ModelMultipleChoiceField(
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
