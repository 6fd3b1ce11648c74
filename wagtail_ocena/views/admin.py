"""The office-scoped admin base: every survey administrator's view is one of these.

A view names its ``model`` and the action it needs (``permission_required``, or
``any_permission_required``); Wagtail's ``PermissionCheckedMixin`` asks the model's policy
in ``policy_registry`` (``permissions.py``) before anything is looked up, and the view asks
the same policy again for the office or the object it acts on. The menu item leading to a
view checks the same permission (``menu.py``), and the listings' buttons too.

The refusal rule, for these views, the listings (``modeladmin.py``) and the snippets
(``viewsets.py``): without the action in any office, a plain 403 (``forbidden``), given before
the URL's id is looked up; with it, an office or object the user may not act on is answered
exactly as an id that exists nowhere (``not_found``: Wagtail's admin 404 page), so that no
answer tells which ids exist in other offices.
"""

import functools

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.models import Site

from ..models import GeneratedReport, OfficeSettings, SurveyResponse, SurveyVersion
from ..permissions import policy

# The wagtail-modeladmin listings (modeladmin.py), reached by their URL names from here only,
# so that nothing imports the integration.
LISTING_URL_NAMES = {
    SurveyResponse: "wagtail_ocena_surveyresponse_modeladmin_index",
    GeneratedReport: "wagtail_ocena_generatedreport_modeladmin_index",
}


def listing_url(model):
    return reverse(LISTING_URL_NAMES[model])


def admin_url(name, *args):
    return reverse(f"wagtail_ocena_admin:{name}", args=args)


def forbidden(request):
    """A plain 403: nothing of the refused view is rendered."""
    return permission_denied(request, PermissionDenied())


def not_found():
    """Refuse an office or object the user may not act on as one that does not exist."""
    raise Http404


def exists_for(queryset, pk):
    """Whether ``pk`` names a row of ``queryset``; a malformed id names none."""
    try:
        return queryset.filter(pk=pk).exists()
    except (ValueError, ValidationError):
        return False


def refused_before_lookup(view, may_use, refuse):
    """``view`` of one object, answering ``refuse(request)`` to users for whom ``may_use(user)``
    is false before the view looks its id up (Wagtail's and modeladmin's views look up first).
    """

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not may_use(request.user):
            return refuse(request)
        return view(request, *args, **kwargs)

    return checked


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


class LookUpMixin:
    """Calls ``look_up(**url_kwargs)`` after the permission checks before it in the MRO."""

    def dispatch(self, request, *args, **kwargs):
        self.look_up(**kwargs)
        return super().dispatch(request, *args, **kwargs)


class OfficeAdminView(PermissionCheckedMixin, LookUpMixin, WagtailAdminTemplateMixin):
    """An admin view of the survey functions, for users whose permission policy allows it.

    ``permission_required`` is checked for ``model`` before anything is looked up;
    ``look_up()`` then finds what the URL names and checks the same action for that office or
    object (``require()``).
    """

    model = SurveyResponse

    def dispatch(self, request, *args, **kwargs):
        if self.permission_required is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no permission_required.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)

    @cached_property
    def permission_policy(self):
        return policy(self.model)

    def look_up(self, **kwargs):
        pass

    def for_office(self, site):
        """Refuse unless the user may do the action in ``site``'s office; then act for it."""
        self.require(site)
        self.office = Office(site)

    def require(self, instance):
        """Refuse (as not found) unless the user may do the action on ``instance`` (a site or
        object)."""
        if not self.user_has_permission_for_instance(self.permission_required, instance):
            not_found()

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def offices(self):
        sites = self.permission_policy.sites_user_has_permission_for(
            self.request.user, self.permission_required
        )
        return [Office(site) for site in sites.order_by("site_name", "hostname")]


class OfficeView(OfficeAdminView):
    """A view of one office, whose site id is ``site_id`` in the URL."""

    def look_up(self, site_id, **kwargs):
        self.for_office(get_object_or_404(Site, pk=site_id))

    def get_page_subtitle(self):
        return self.office.name


class OfficeChooserView(OfficeAdminView, TemplateView):
    """Where an office function starts: the offices the user may do it for, each with its
    links (``office_links(office)`` -> ``[(label, url)]``). With ``skip_single``, a user of
    one office goes straight to its only link."""

    template_name = "wagtail_ocena/admin/offices.html"
    office_links = None
    skip_single = False

    def get(self, request, *args, **kwargs):
        choices = [{"office": o, "links": self.office_links(o)} for o in self.offices()]
        if self.skip_single and len(choices) == 1 and len(choices[0]["links"]) == 1:
            return redirect(choices[0]["links"][0][1])
        return self.render_to_response(self.get_context_data(choices=choices))
