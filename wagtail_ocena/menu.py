"""The "Ocena Urzędu" admin menu: the survey functions under their ordinance names."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from .models import GeneratedReport, SurveyResponse
from .permissions import DOWNLOAD_PRINTABLE, ENTER_PAPER, GENERATE, policy


class OfficeActionMenuItem(MenuItem):
    """Shown to users who may perform ``action`` in at least one office: the permission its
    view requires, asked of the same policy."""

    def __init__(self, label, url_name, action, model=SurveyResponse, **kwargs):
        super().__init__(label, reverse_lazy(url_name), **kwargs)
        self.action = action
        self.model = model

    def is_shown(self, request):
        return policy(self.model).user_has_permission(request.user, self.action)


survey_menu = Menu(
    register_hook_name="register_ocena_menu_item", construct_hook_name="construct_ocena_menu"
)


def survey_menu_item():
    return SubmenuMenuItem(
        _("Office rating"), survey_menu, icon_name="pick", name="ocena", order=250
    )


def paper_entry_menu_item():
    return OfficeActionMenuItem(
        _("Enter a paper questionnaire"),
        "wagtail_ocena_admin:paper",
        ENTER_PAPER,
        name="paper-entry",
        icon_name="form",
        order=100,
    )


def printable_menu_item():
    return OfficeActionMenuItem(
        _("Download the printable questionnaire"),
        "wagtail_ocena_admin:printable",
        DOWNLOAD_PRINTABLE,
        name="printable",
        icon_name="doc-full",
        order=200,
    )


def report_menu_item():
    return OfficeActionMenuItem(
        _("Generate a report"),
        "wagtail_ocena_admin:reports",
        GENERATE,
        model=GeneratedReport,
        name="reports",
        icon_name="doc-full-inverse",
        order=50,
    )
