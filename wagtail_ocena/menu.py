"""The "Ocena Urzędu" admin menu: the survey functions under their ordinance names."""

from django.urls import resolve, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from .permissions import policy


def required_permission(url):
    """``(model, action)`` that the admin view at ``url`` requires, read from the view itself
    (its class, or the arguments its URL gives ``as_view()``)."""
    view = resolve(url).func
    initkwargs = getattr(view, "view_initkwargs", {})
    model = initkwargs.get("model", view.view_class.model)
    action = initkwargs.get("permission_required", view.view_class.permission_required)
    return model, action


class OfficeActionMenuItem(MenuItem):
    """Shown to users who may perform, in at least one office, the action its view requires,
    asked of the same policy: the menu and the view cannot disagree."""

    def __init__(self, label, url_name, **kwargs):
        super().__init__(label, reverse_lazy(url_name), **kwargs)

    def is_shown(self, request):
        model, action = required_permission(str(self.url))
        return policy(model).user_has_permission(request.user, action)


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
        name="paper-entry",
        icon_name="form",
        order=100,
    )


def printable_menu_item():
    return OfficeActionMenuItem(
        _("Download the printable questionnaire"),
        "wagtail_ocena_admin:printable",
        name="printable",
        icon_name="doc-full",
        order=200,
    )


def report_menu_item():
    return OfficeActionMenuItem(
        _("Generate a report"),
        "wagtail_ocena_admin:reports",
        name="reports",
        icon_name="doc-full-inverse",
        order=50,
    )
