"""Pobierz ankietę do wydrukowania: the printable questionnaire of an office's survey, as PDF."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from ..models import SurveyPage
from ..permissions import DOWNLOAD_PRINTABLE
from ..printing import render_questionnaire_pdf
from .admin import Office, OfficeActionMixin, admin_url, forbidden


class PrintableOfficesView(OfficeActionMixin, TemplateView):
    """The published surveys of the user's offices, each with its PDF to download."""

    action = DOWNLOAD_PRINTABLE
    template_name = "wagtail_ocena/admin/offices.html"
    page_title = gettext_lazy("Download the printable questionnaire")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = []
        for office in self.offices():
            links = []
            for page in SurveyPage.objects.live().of_site(office.site).order_by("path"):
                version = page.current_version
                if version is not None:
                    label = _("%(survey)s, version %(code)s (PDF)") % {
                        "survey": page.title,
                        "code": version.code,
                    }
                    links.append((label, admin_url("printable_pdf", page.pk)))
            choices.append({"office": office, "links": links})
        context["choices"] = choices
        return context


class PrintableQuestionnaireView(OfficeActionMixin, View):
    action = DOWNLOAD_PRINTABLE

    def get(self, request, page_id):
        page = get_object_or_404(SurveyPage, pk=page_id)
        site = page.get_site()
        if site is None or not self.may(self.action, site):
            return forbidden(request)
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
        office = Office(site)
        pdf = render_questionnaire_pdf(version, office.settings, page.get_full_url(request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="ankieta-{version.code}.pdf"'
        return response
