"""Building blocks of the survey administrators' views: offices, permissions, refusals."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.defaults import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from ..models import OfficeSettings, SurveyResponse, SurveyVersion
from ..permissions import may, offices_for


def forbidden(request):
    """A plain 403: nothing of the refused view is rendered."""
    return permission_denied(request, PermissionDenied())


class Office:
    """An office (site) as the administrator's views present it."""

    def __init__(self, site):
        self.site = site
        self.settings = OfficeSettings.of(site)
        self.name = self.settings.name

    def versions(self):
        return (
            SurveyVersion.objects.for_site(self.site)
            .select_related("page")
            .order_by("-created_at", "-number")
        )

    def current_version(self):
        """The newest version of a live survey page of the office, else its newest version:
        sheets collected before a survey was unpublished can still be entered."""
        versions = self.versions()
        return versions.filter(page__live=True).first() or versions.first()


class OfficeActionMixin(WagtailAdminTemplateMixin):
    """An admin view that acts for offices where the user has permission for ``action``.

    The menu item leading here checks the same permission (``menu.OfficeActionMenuItem``).
    """

    action = None
    permission_model = SurveyResponse

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not self.permitted():
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def permitted(self):
        """May the user do ``action`` in any office? Checked before anything is looked up."""
        return self.may(self.action)

    def may(self, action, site=None):
        return may(self.request.user, action, site, model=self.permission_model)

    def offices(self):
        return [
            Office(site)
            for site in offices_for(self.request.user, self.action, model=self.permission_model)
        ]

    def office_or_none(self, site_id):
        site = get_object_or_404(Site, pk=site_id)
        return Office(site) if self.may(self.action, site) else None


def admin_url(name, *args):
    return reverse(f"wagtail_ocena_admin:{name}", args=args)
