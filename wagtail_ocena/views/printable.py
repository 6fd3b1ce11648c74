"""Pobierz ankietę do wydrukowania: the printable questionnaire of an office's survey, as PDF."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import View

from ..models import SurveyPage
from ..names import printable_filename
from ..permissions import DOWNLOAD_PRINTABLE
from ..printing import render_questionnaire_pdf
from .admin import OfficeAdminView, admin_url, not_found


def printable_links(office):
    """The office's published surveys, each with its PDF to download (the office chooser's)."""
    links = []
    for page in SurveyPage.objects.live().of_site(office.site).order_by("path"):
        version = page.current_version
        if version is not None:
            label = _("%(survey)s, version %(code)s (PDF)") % {
                "survey": page.title,
                "code": version.code,
            }
            links.append((label, admin_url("printable_pdf", page.pk)))
    return links


class PrintableQuestionnaireView(OfficeAdminView, View):
    permission_required = DOWNLOAD_PRINTABLE

    def look_up(self, page_id):
        self.page = get_object_or_404(SurveyPage, pk=page_id)
        site = self.page.get_site()
        if site is None:
            not_found()
        self.for_office(site)

    def get(self, request, *args, **kwargs):
        page = self.page
        version = page.current_version
        if not page.live or version is None:
            messages.error(
                request,
                _(
                    "“%(survey)s” is not published, so there is no questionnaire to print. "
                    "Publish the survey page first."
                )
                % {"survey": page.title},
            )
            return HttpResponseRedirect(admin_url("printable"))
        pdf = render_questionnaire_pdf(version, self.office.settings, page.get_full_url(request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{printable_filename(version.code)}"'
        )
        return response
