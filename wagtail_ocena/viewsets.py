from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SurveyBanner
from .views import paper, printable, reports


class SurveyBannerViewSet(SnippetViewSet):
    model = SurveyBanner
    icon = "pick"
    menu_label = _("“Oceń Urząd” banners")
    list_display = ["heading", "survey_page", "style"]
    list_filter = ["style"]
    add_to_admin_menu = False


class SurveyAdminViewSet(ViewSet):
    """The survey administrators' views; each checks the permission its menu item checks."""

    name = "wagtail_ocena_admin"
    url_prefix = "ocena"

    def get_urlpatterns(self):
        return [
            path("paper/", paper.PaperEntryOfficesView.as_view(), name="paper"),
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
            path("printable/", printable.PrintableOfficesView.as_view(), name="printable"),
            path(
                "printable/<int:page_id>/",
                printable.PrintableQuestionnaireView.as_view(),
                name="printable_pdf",
            ),
            path("reports/", reports.ReportOfficesView.as_view(), name="reports"),
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
                "archive/<uuid:pk>/delete/",
                reports.ArchivedReportDeleteView.as_view(),
                name="archived_report_delete",
            ),
        ]


survey_banner_viewset = SurveyBannerViewSet()
survey_admin_viewset = SurveyAdminViewSet()
