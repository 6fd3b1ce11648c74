import functools

from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet
from wagtail.contrib.settings import views as settings_views
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import GeneratedReport, OfficeSettings, SurveyBanner
from .permissions import DOWNLOAD_PRINTABLE, ENTER_PAPER, GENERATE
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
survey_admin_viewset = SurveyAdminViewSet()
