"""Redacting an open answer: a comment that holds personal data by accident (a name, a phone
number, a case number) loses its text; the answer still counts. The audit log records who did
it and when, never the text."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.log_actions import log

from ..models import Answer, SurveyResponse
from ..permissions import DELETE
from .admin import Office, OfficeAdminView, listing_url
from .paper import sheet_summary

LOG_REDACT = "wagtail_ocena.answer.redact"


class RedactAnswerView(OfficeAdminView, TemplateView):
    """Whoever may delete a questionnaire may also remove one of its comments' text."""

    permission_required = DELETE
    template_name = "wagtail_ocena/admin/answer_redact.html"
    page_title = gettext_lazy("Remove a comment's text")
    header_icon = "edit"

    def look_up(self, pk):
        self.answer = get_object_or_404(
            Answer.objects.open_answers().select_related("question", "response__version"), pk=pk
        )
        self.require(self.answer.response)
        self.office = Office(self.answer.response.site)

    def back_url(self):
        url = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return url
        return listing_url(SurveyResponse)

    def post(self, request, *args, **kwargs):
        response = self.answer.response
        with transaction.atomic():
            redacted = Answer.objects.filter(pk=self.answer.pk).redact()
            if redacted:
                log(
                    response,
                    LOG_REDACT,
                    user=request.user,
                    data={**sheet_summary(response), "question": self.answer.question.key},
                )
        if redacted:
            messages.success(request, _("The comment's text was removed."))
        else:
            messages.info(request, _("The comment's text had been removed already."))
        return HttpResponseRedirect(self.back_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(answer=self.answer, response=self.answer.response, back_url=self.back_url())
        return context
