"""The listings of completed questionnaires and of archived reports, on wagtail-modeladmin.

wagtail-modeladmin is in maintenance mode upstream; it is used here and nowhere else, so that
moving the listings to core Wagtail ``ModelViewSet``s touches this module only.
"""

import functools
from urllib.parse import urlencode

from django.contrib.admin import (
    AllValuesFieldListFilter,
    ChoicesFieldListFilter,
    DateFieldListFilter,
    SimpleListFilter,
)
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, reverse
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import HistoryView, IndexView, InspectView

from .models import GeneratedReport, SurveyResponse
from .permissions import DELETE, ENTER_PAPER, OPEN, VIEW, policy
from .views.admin import exists_for, forbidden, not_found, refused_before_lookup

LISTING_ACTIONS = [VIEW, ENTER_PAPER, DELETE]


class PermittedHistoryView(HistoryView):
    # modeladmin's history view checks no permission of its own.
    def check_action_permitted(self, user):
        return self.permission_helper.user_can_inspect_obj(user, self.instance)


class ResponseInspectView(InspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may_delete = policy(SurveyResponse).user_has_permission_for_instance(
            self.request.user, DELETE, self.instance
        )
        redactable = set()
        if may_delete:
            redactable = set(
                self.instance.answers.open_answers()
                .filter(redacted=False)
                .values_list("pk", flat=True)
            )
        back = urlencode({"next": self.request.get_full_path()})
        answers = list(self.instance.answers.select_related("question", "option", "department"))
        for answer in answers:
            if answer.pk in redactable:
                url = reverse("wagtail_ocena_admin:answer_redact", args=[answer.pk])
                answer.redact_url = f"{url}?{back}"
        context["answers"] = answers
        return context


class ResponsePermissionHelper(PermissionHelper):
    """Listing and inspecting only: entering, correcting and deleting have their own views."""

    def user_can_list(self, user):
        return policy(SurveyResponse).user_has_any_permission(user, LISTING_ACTIONS)

    def user_can_inspect_obj(self, user, obj):
        return policy(SurveyResponse).user_has_any_permission_for_instance(
            user, LISTING_ACTIONS, obj
        )

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


# Filters headed by their name: modeladmin's "By <name>" reads "Przez partia" in Polish.
FILTER_TEMPLATE = "wagtail_ocena/admin/includes/list_filter.html"


class ChoicesFilter(ChoicesFieldListFilter):
    template = FILTER_TEMPLATE


class ValuesFilter(AllValuesFieldListFilter):
    template = FILTER_TEMPLATE


class DateFilter(DateFieldListFilter):
    template = FILTER_TEMPLATE


class EnteredByFilter(SimpleListFilter):
    """Administrators who typed in paper sheets (Django's related-field filters need
    django.contrib.admin installed; this one does not)."""

    template = FILTER_TEMPLATE
    title = _("entered by")
    parameter_name = "entered_by"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(
            pk__in=model_admin.get_queryset(request).values("entered_by")
        )
        return [(str(user.pk), user.get_full_name() or user.get_username()) for user in users]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(entered_by_id=self.value())
        return queryset


class ResponseButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        user = self.request.user
        if self.permission_helper.user_can_inspect_obj(user, obj):
            buttons.append(
                {
                    "url": self.url_helper.get_action_url("history", obj.pk),
                    "label": _("History"),
                    "classname": self.finalise_classname(["button-secondary"]),
                    "title": _("Who entered, corrected or deleted it, and when"),
                }
            )
        may = policy(SurveyResponse).user_has_permission_for_instance
        if obj.is_paper and may(user, ENTER_PAPER, obj):
            buttons.append(
                self.button(
                    "wagtail_ocena_admin:paper_correct", obj, _("Correct"), _("Correct this sheet")
                )
            )
        if may(user, DELETE, obj):
            buttons.append(
                self.button(
                    "wagtail_ocena_admin:response_delete",
                    obj,
                    _("Delete"),
                    _("Delete this questionnaire"),
                    classnames=["no"],
                )
            )
        return buttons

    def button(self, url_name, obj, label, title, classnames=()):
        return {
            "url": reverse(url_name, args=[obj.pk]),
            "label": label,
            "classname": self.finalise_classname(list(classnames)),
            "title": title,
        }


class OfficeModelAdmin(ModelAdmin):
    """A listing of one office-scoped model: the rows of the offices where the user has one of
    ``listing_actions``, and refusals by the rule of ``views/admin.py``.

    modeladmin raises PermissionDenied, which the admin turns into a redirect; and it looks
    an object up among all offices' before any permission check. So a URL of one object first
    refuses users who may not see the listing, then answers an id outside the listing's rows
    as a missing one.
    """

    listing_actions = ()

    def get_admin_urls_for_registration(self):
        return tuple(
            URLPattern(url.pattern, self._refusing(url), url.default_args, url.name)
            for url in super().get_admin_urls_for_registration()
        )

    def _refusing(self, url):
        view = url.callback

        @functools.wraps(view)
        def refusing(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                return forbidden(request)

        if "instance_pk" not in url.pattern.regex.groupindex:
            return refusing

        @functools.wraps(view)
        def of_one_object(request, *args, instance_pk, **kwargs):
            if not exists_for(self.get_queryset(request), unquote(instance_pk)):
                not_found()
            return refusing(request, *args, instance_pk=instance_pk, **kwargs)

        return refused_before_lookup(of_one_object, self.permission_helper.user_can_list, forbidden)

    def get_permissions_for_registration(self):
        # Registered once, by wagtail_hooks, whatever renders the listing.
        return super().get_permissions_for_registration().none()

    def get_queryset(self, request):
        offices = policy(self.model).sites_user_has_any_permission_for(
            request.user, self.listing_actions
        )
        return super().get_queryset(request).filter(site__in=offices)


class SurveyResponseAdmin(OfficeModelAdmin):
    model = SurveyResponse
    listing_actions = LISTING_ACTIONS
    menu_label = _("Completed questionnaires")
    menu_icon = "list-ul"
    menu_order = 300
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_template_name = "wagtail_ocena/admin/response_inspect.html"
    inspect_view_class = ResponseInspectView
    permission_helper_class = ResponsePermissionHelper
    history_view_class = PermittedHistoryView
    button_helper_class = ResponseButtonHelper
    list_display = (
        "submitted_on",
        "channel",
        "department",
        "version",
        "batch",
        "sheet_number",
        "entered_by",
    )
    list_filter = (
        ("channel", ChoicesFilter),
        ("batch", ValuesFilter),
        ("submitted_on", DateFilter),
        EnteredByFilter,
    )
    list_select_related = ("site", "version", "department", "entered_by")
    inspect_view_fields = (
        "site",
        "version",
        "channel",
        "submitted_on",
        "department",
        "entered_by",
        "entered_at",
        "sheet_date",
        "batch",
        "sheet_number",
    )
    search_fields = ("batch",)
    # The listing adds the random key last, so that no order of arrival shows.
    ordering = ("-submitted_on", "batch", "sheet_number")
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).settled()


responses_admin = SurveyResponseAdmin()


class ReportPermissionHelper(PermissionHelper):
    """Listing only: archived reports are opened, downloaded and deleted in their own views."""

    def user_can_list(self, user):
        return policy(GeneratedReport).user_has_permission(user, VIEW)

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ReportButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        may = policy(GeneratedReport).user_has_permission_for_instance
        buttons = []
        if may(self.request.user, OPEN, obj):
            buttons.append(
                {
                    "url": reverse("wagtail_ocena_admin:archived_report", args=[obj.pk]),
                    "label": _("Open"),
                    "classname": self.finalise_classname(["button-secondary"]),
                    "title": _("Open this report"),
                }
            )
        if may(self.request.user, DELETE, obj):
            buttons.append(
                {
                    "url": reverse("wagtail_ocena_admin:archived_report_delete", args=[obj.pk]),
                    "label": _("Delete"),
                    "classname": self.finalise_classname(["no"]),
                    "title": _("Delete this report"),
                }
            )
        return buttons


class ReportIndexView(IndexView):
    def dispatch(self, request, *args, **kwargs):
        GeneratedReport.objects.fail_stale()
        return super().dispatch(request, *args, **kwargs)


class GeneratedReportAdmin(OfficeModelAdmin):
    model = GeneratedReport
    listing_actions = [VIEW]
    menu_label = _("Report archive")
    menu_icon = "doc-full"
    menu_order = 60
    add_to_admin_menu = False
    permission_helper_class = ReportPermissionHelper
    button_helper_class = ReportButtonHelper
    index_view_class = ReportIndexView
    history_view_class = PermittedHistoryView
    list_display = (
        "created_at",
        "site",
        "period_start",
        "period_end",
        "filters_display",
        "format",
        "reason",
        "status",
        "is_approved",
        "created_by",
    )
    list_filter = (("reason", ChoicesFilter), ("format", ChoicesFilter), ("status", ChoicesFilter))
    list_select_related = ("site", "created_by", "approval")
    ordering = ("-created_at",)
    list_per_page = 50


reports_admin = GeneratedReportAdmin()


def register():
    """Register the listings' URLs with Wagtail (from ``wagtail_hooks``)."""
    responses_admin.register_with_wagtail()
    reports_admin.register_with_wagtail()


def responses_menu_item():
    return responses_admin.get_menu_item()


def reports_menu_item():
    return reports_admin.get_menu_item()
