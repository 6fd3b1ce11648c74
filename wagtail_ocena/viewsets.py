from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SurveyBanner
from .views import paper, printable


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
        ]


survey_banner_viewset = SurveyBannerViewSet()
survey_admin_viewset = SurveyAdminViewSet()
