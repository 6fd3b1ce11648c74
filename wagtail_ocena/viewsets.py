from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SurveyBanner


class SurveyBannerViewSet(SnippetViewSet):
    model = SurveyBanner
    icon = "pick"
    menu_label = _("“Oceń Urząd” banners")
    list_display = ["heading", "survey_page", "style"]
    list_filter = ["style"]
    add_to_admin_menu = False


survey_banner_viewset = SurveyBannerViewSet()
