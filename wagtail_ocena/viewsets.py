import functools

import django_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.base import ViewSet
from wagtail.contrib.settings import views as settings_views
from wagtail.models import Site
from wagtail.permissions import policy_registry
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms.improvement import ImprovementActionForm
from .models import Department, GeneratedReport, ImprovementAction, OfficeSettings, SurveyBanner
from .permissions import (
    ADD,
    CHANGE,
    DELETE,
    DOWNLOAD_PRINTABLE,
    ENTER_PAPER,
    GENERATE,
    REGISTER_ACTIONS,
)
from .views import paper, printable, redaction, reports
from .views.admin import OfficeChooserView, exists_for, not_found, refused_before_lookup


class SurveyBannerViewSet(SnippetViewSet):
    model = SurveyBanner
    icon = "pick"
    menu_label = _("“Oceń Urząd” banners")
    list_display = ["heading", "survey_page", "style"]
    list_filter = ["style"]
    add_to_admin_menu = False

    def get_urlpatterns(self):
        # Wagtail's views of one banner look it up before checking any permission.
        return [
            URLPattern(url.pattern, self._refusing(url.callback), url.default_args, url.name)
            if "pk" in url.pattern.regex.groupindex
            else url
            for url in super().get_urlpatterns()
        ]

    def _refusing(self, view):
        return refused_before_lookup(view, self._may_use, _permission_denied)

    def _may_use(self, user):
        return policy_registry.get_by_type(self.model).user_has_any_permission(
            user, ["add", "change", "delete", "view"]
        )


class ImprovementActionFilterSet(WagtailFilterSet):
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"), method="filter_overdue", widget=django_filters.widgets.BooleanWidget
    )
    deadline = django_filters.DateFromToRangeFilter(label=_("Deadline"))

    class Meta:
        model = ImprovementAction
        fields = ["status", "department", "responsible_department", "site"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        sites = _offices(request.user) if request is not None else Site.objects.none()
        for name in ("department", "responsible_department"):
            self.filters[name].queryset = Department.objects.filter(office__site__in=sites)
        self.filters["site"].queryset = Site.objects.filter(pk__in=sites.values("pk"))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


def _offices(user):
    """The offices whose register ``user`` may read."""
    return policy_registry.get_by_type(ImprovementAction).sites_user_has_any_permission_for(
        user, REGISTER_ACTIONS
    )


# The actions a view of one improvement action needs in its office (by its URL name).
ACTION_VIEW_PERMISSIONS = {
    "edit": [CHANGE],
    "delete": [DELETE],
    "copy": [ADD],
    "revisions_revert": [CHANGE],
}


# Wagtail's messages put the model's name into sentences whose Polish words then do not
# agree with "działanie" (neuter): the register's views say their own.


class OwnMessages:
    def get_success_message(self, instance=None):
        return self.success_message % {"object": instance or self.object}


class ImprovementActionCreateView(OwnMessages, snippet_views.CreateView):
    """Pre-filled from the query string: "Zaplanuj działanie" beside an area of a report."""

    PREFILLED = ("site", "problem", "department", "source_report")
    success_message = _("The action “%(object)s” was added.")
    error_message = _("The action was not added: please correct the errors below.")

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        return [*items[:-1], {**items[-1], "label": _("New improvement action")}]

    def get_initial(self):
        initial = super().get_initial()
        query = self.request.GET
        initial.update({name: query[name] for name in self.PREFILLED if query.get(name)})
        if query.getlist("questions"):
            initial["questions"] = query.getlist("questions")
        return initial


class ImprovementActionEditView(OwnMessages, snippet_views.EditView):
    success_message = _("The action “%(object)s” was saved.")
    error_message = _("The action was not saved: please correct the errors below.")


class ImprovementActionDeleteView(snippet_views.DeleteView):
    success_message = _("The action “%(object)s” was deleted.")

    @property
    def confirmation_message(self):
        return _("Delete this action from the register? Its history is deleted with it.")


class ImprovementActionViewSet(SnippetViewSet):
    """The register "Działania naprawcze i doskonalące", office by office."""

    model = ImprovementAction
    icon = "tasks"
    add_to_admin_menu = False
    add_view_class = ImprovementActionCreateView
    edit_view_class = ImprovementActionEditView
    delete_view_class = ImprovementActionDeleteView
    inspect_view_enabled = True
    filterset_class = ImprovementActionFilterSet
    list_display = [
        "__str__",
        "office_name",
        "department",
        "responsible_person",
        "deadline",
        "status_label",
        "overdue_label",
    ]
    list_export = [
        "office_name",
        "problem",
        "description",
        "questions_concerned",
        "department",
        "responsible_department",
        "responsible_person",
        "deadline",
        "status_label",
        "status_changed_on",
        "overdue_label",
        "notes",
        "source_report",
    ]
    export_filename = "dzialania-naprawcze"
    ordering = ["deadline", "pk"]
    edit_handler = ObjectList(
        [
            FieldPanel("site"),
            FieldPanel("problem"),
            FieldPanel("description"),
            FieldPanel("questions"),
            FieldPanel("department"),
            MultiFieldPanel(
                [FieldPanel("responsible_department"), FieldPanel("responsible_person")],
                heading=_("Responsibility"),
            ),
            FieldPanel("deadline"),
            MultiFieldPanel(
                [FieldPanel("status"), FieldPanel("status_changed_on")], heading=_("Progress")
            ),
            FieldPanel("notes"),
            FieldPanel("source_report"),
        ],
        base_form_class=ImprovementActionForm,
    )

    @property
    def menu_label(self):
        return _("Corrective and improvement actions")

    def register_chooser_viewset(self):
        # Nothing chooses an action, and Wagtail's chooser would list every office's.
        pass

    def get_queryset(self, request):
        return ImprovementAction.objects.filter(site__in=_offices(request.user)).select_related(
            "site", "department"
        )

    def get_urlpatterns(self):
        return [
            URLPattern(
                url.pattern, self._of_own_office(url.callback, url.name), url.default_args, url.name
            )
            if "pk" in url.pattern.regex.groupindex
            else url
            for url in super().get_urlpatterns()
        ]

    def _of_own_office(self, view, name):
        """Refused by the rule of ``views/admin.py``: without the action in any office before
        the id is looked up; another office's action as one that does not exist."""
        actions = ACTION_VIEW_PERMISSIONS.get(name, REGISTER_ACTIONS)
        permissions = policy_registry.get_by_type(ImprovementAction)

        @functools.wraps(view)
        def scoped(request, *args, pk, **kwargs):
            offices = permissions.sites_user_has_any_permission_for(request.user, actions)
            if not exists_for(ImprovementAction.objects.filter(site__in=offices), unquote(str(pk))):
                not_found()
            return view(request, *args, pk=pk, **kwargs)

        return refused_before_lookup(
            scoped,
            lambda user: permissions.user_has_any_permission(user, actions),
            _permission_denied,
        )


def _permission_denied(request):
    # Wagtail's own refusal of these views (a redirect with its message).
    raise PermissionDenied


OFFICE_SETTINGS_URL = "settings/wagtail_ocena/officesettings/<int:pk>/"


def office_settings_urls():
    """Wagtail's views of one office's data (``wagtail_hooks`` puts them before Wagtail's own
    settings URLs), refusing by the rule of ``views/admin.py``: Wagtail looks the site up
    before any permission check, and refuses another office's with a redirect."""
    return [
        path(
            OFFICE_SETTINGS_URL,
            _office_settings(settings_views.EditView.as_view()),
            name="wagtail_ocena_officesettings_edit",
        ),
        path(
            OFFICE_SETTINGS_URL + "preview/",
            _office_settings(settings_views.PreviewOnEdit.as_view()),
            name="wagtail_ocena_officesettings_preview",
        ),
    ]


def _office_settings(view):
    def offices(user):
        return policy_registry.get_by_type(OfficeSettings).sites_user_has_permission_for(
            user, "change"
        )

    @functools.wraps(view)
    def of_one_office(request, pk):
        if not exists_for(offices(request.user), pk):
            not_found()
        return view(request, app_name="wagtail_ocena", model_name="officesettings", pk=pk)

    return refused_before_lookup(
        of_one_office, lambda user: offices(user).exists(), _permission_denied
    )


class SurveyAdminViewSet(ViewSet):
    """The survey administrators' views; each checks the permission its menu item checks."""

    name = "wagtail_ocena_admin"
    url_prefix = "ocena"

    def get_urlpatterns(self):
        return [
            path(
                "paper/",
                OfficeChooserView.as_view(
                    permission_required=ENTER_PAPER,
                    office_links=paper.paper_entry_links,
                    skip_single=True,
                    page_title=_("Enter a paper questionnaire"),
                    header_icon="form",
                ),
                name="paper",
            ),
            path("paper/<int:site_id>/", paper.PaperEntryView.as_view(), name="paper_entry"),
            path(
                "responses/<uuid:pk>/correct/",
                paper.PaperResponseCorrectView.as_view(),
                name="paper_correct",
            ),
            path(
                "responses/<uuid:pk>/delete/",
                paper.ResponseDeleteView.as_view(),
                name="response_delete",
            ),
            path(
                "answers/<uuid:pk>/redact/",
                redaction.RedactAnswerView.as_view(),
                name="answer_redact",
            ),
            path(
                "printable/",
                OfficeChooserView.as_view(
                    permission_required=DOWNLOAD_PRINTABLE,
                    office_links=printable.printable_links,
                    page_title=_("Download the printable questionnaire"),
                    header_icon="doc-full",
                ),
                name="printable",
            ),
            path(
                "printable/<int:page_id>/",
                printable.PrintableQuestionnaireView.as_view(),
                name="printable_pdf",
            ),
            path(
                "reports/",
                OfficeChooserView.as_view(
                    model=GeneratedReport,
                    permission_required=GENERATE,
                    office_links=reports.report_links,
                    skip_single=True,
                    page_title=_("Generate a report"),
                    header_icon="doc-full-inverse",
                ),
                name="reports",
            ),
            path("reports/<int:site_id>/", reports.ReportView.as_view(), name="report"),
            path(
                "reports/<int:site_id>/archive/",
                reports.ReportExportView.as_view(),
                name="report_export",
            ),
            path(
                "archive/<uuid:pk>/",
                reports.ArchivedReportView.as_view(),
                name="archived_report",
            ),
            path(
                "archive/<uuid:pk>/file/",
                reports.ArchivedReportFileView.as_view(),
                name="archived_report_file",
            ),
            path(
                "archive/<uuid:pk>/render/",
                reports.ArchivedReportRenderView.as_view(),
                name="archived_report_render",
            ),
            path(
                "archive/<uuid:pk>/delete/",
                reports.ArchivedReportDeleteView.as_view(),
                name="archived_report_delete",
            ),
            path(
                "archive/<uuid:pk>/approval/",
                reports.ArchivedReportApprovalView.as_view(),
                name="archived_report_approval",
            ),
        ]


survey_banner_viewset = SurveyBannerViewSet()
improvement_action_viewset = ImprovementActionViewSet()
survey_admin_viewset = SurveyAdminViewSet()
