"""Wprowadź ankietę (papierową): typing in paper questionnaires, correcting and deleting responses."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.log_actions import log

from ..choices import Channel
from ..forms import PaperSheetForm, SurveyResponseForm
from ..models import Department, SurveyResponse
from ..permissions import DELETE, ENTER_PAPER
from .admin import Office, OfficeAdminView, OfficeView, admin_url, listing_url

LOG_ENTER = "wagtail_ocena.paper_response.enter"
LOG_CORRECT = "wagtail_ocena.paper_response.correct"
LOG_DELETE = "wagtail_ocena.response.delete"


def sheet_summary(response):
    """What an audit log entry records of a response: never its answers."""
    return {
        "channel": response.channel,
        "version": response.version.code,
        "date": response.submitted_on.isoformat(),
        "batch": response.batch,
        "sheet_number": response.sheet_number,
    }


def answers_form(office, questions, data=None, initial=None):
    """The e-survey's form, offering every department of the office: a sheet printed
    before a department was deactivated still names it (marked inactive)."""
    return SurveyResponseForm(
        data,
        initial=initial,
        questions=questions,
        departments=Department.objects.for_site(office.site),
    )


def paper_entry_links(office):
    """The office chooser's link of an office: its paper entry."""
    return [(_("Enter sheets"), admin_url("paper_entry", office.site.pk))]


class PaperSheetViewMixin:
    """The two forms of a sheet, and saving them; shared by entering and correcting."""

    permission_required = ENTER_PAPER
    template_name = "wagtail_ocena/admin/paper_entry.html"
    header_icon = "form"

    def render(self, sheet_form, form, **context):
        # The cursor goes to the first field to correct, in the order of the page.
        focus_number = form.focus_number()
        sheet_errors = [name for name in sheet_form.fields if name in sheet_form.errors]
        if sheet_form.is_bound and sheet_errors:
            sheet_form.fields[sheet_errors[0]].widget.attrs["autofocus"] = True
            focus_number = None
        return self.render_to_response(
            self.get_context_data(
                sheet_form=sheet_form,
                form=form,
                office=self.office,
                focus_number=focus_number,
                **context,
            )
        )

    def database_busy(self, sheet_form, form):
        # e.g. SQLite busy with another write: the form keeps what was typed.
        messages.error(self.request, _("The database was busy and nothing was saved. Save again."))
        return self.render(sheet_form, form)

    def paper_fields(self, sheet_form):
        data = sheet_form.cleaned_data
        entered_at = getattr(getattr(self, "response", None), "entered_at", None) or timezone.now()
        return {
            "sheet_date": data["sheet_date"],
            "batch": data["batch"],
            "sheet_number": data["sheet_number"],
            "submitted_on": data["sheet_date"] or timezone.localtime(entered_at).date(),
        }


class PaperEntryView(PaperSheetViewMixin, OfficeView, TemplateView):
    page_title = gettext_lazy("Enter a paper questionnaire")

    @cached_property
    def versions(self):
        return self.office.versions()

    def requested_version(self, value):
        try:
            return self.versions.get(pk=int(value))
        except (TypeError, ValueError, self.versions.model.DoesNotExist):
            return None

    def no_survey(self):
        return self.render_to_response(self.get_context_data(office=self.office, no_survey=True))

    def get(self, request, *args, **kwargs):
        version = (
            self.requested_version(request.GET.get("version")) or self.office.current_version()
        )
        if version is None:
            return self.no_survey()
        initial = {
            "version": version.pk,
            "batch": request.GET.get("batch", ""),
            "sheet_number": request.GET.get("sheet", ""),
        }
        sheet_form = PaperSheetForm(initial=initial, site=self.office.site, versions=self.versions)
        return self.render(sheet_form, answers_form(self.office, version.load_questions()))

    def post(self, request, *args, **kwargs):
        sheet_form = PaperSheetForm(request.POST, site=self.office.site, versions=self.versions)
        version = self.requested_version(request.POST.get("version"))
        shown_version = version or self.office.current_version()
        if shown_version is None:
            return self.no_survey()
        questions = shown_version.load_questions()
        form = answers_form(self.office, questions, request.POST)
        if sheet_form.is_valid() and version is not None and form.is_valid():
            try:
                with transaction.atomic():
                    response = SurveyResponse.objects.record(
                        version,
                        form.answers(),
                        questions=questions,
                        site=self.office.site,
                        channel=Channel.PAPER,
                        entered_by=request.user,
                        entered_at=timezone.now(),
                        **self.paper_fields(sheet_form),
                    )
                    log(response, LOG_ENTER, user=request.user, data=sheet_summary(response))
            except IntegrityError:
                # Another administrator saved the same sheet a moment ago.
                sheet_form.add_duplicate_error()
            except OperationalError:
                return self.database_busy(sheet_form, form)
            else:
                return self.saved(response)
        messages.error(request, _("The sheet was not saved. Correct the marked fields."))
        return self.render(sheet_form, form)

    def saved(self, response):
        described = self.describe(response)
        if self.request.POST.get("next") == "listing":
            messages.success(self.request, _("Saved %(sheet)s.") % {"sheet": described})
            return HttpResponseRedirect(listing_url(SurveyResponse))
        messages.success(
            self.request, _("Saved %(sheet)s. Enter the next sheet.") % {"sheet": described}
        )
        query = {"version": response.version_id, "batch": response.batch}
        if response.sheet_number:
            query["sheet"] = response.sheet_number + 1
        return HttpResponseRedirect(
            admin_url("paper_entry", self.office.site.pk) + "?" + urlencode(query)
        )

    @staticmethod
    def describe(response):
        if response.batch and response.sheet_number:
            return _("sheet %(number)s of batch “%(batch)s”") % {
                "number": response.sheet_number,
                "batch": response.batch,
            }
        return _("the sheet")

    @staticmethod
    def shown_batch(sheet_form):
        """The batch the form names, if it is one: what was typed or put in the URL may not be
        (a NUL byte, which PostgreSQL refuses even in a query)."""
        if sheet_form.is_bound:
            sheet_form.is_valid()
            return sheet_form.cleaned_data.get("batch") or ""
        try:
            return sheet_form.fields["batch"].clean(sheet_form.initial.get("batch") or "")
        except ValidationError:
            return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sheet_form = kwargs.get("sheet_form")
        batch = self.shown_batch(sheet_form) if sheet_form is not None else ""
        if batch:
            context["batch"] = batch
            context["batch_count"] = SurveyResponse.objects.filter(
                site=self.office.site, channel=Channel.PAPER, batch=batch
            ).count()
        context["printable_url"] = admin_url("printable")
        return context


class ResponseView(OfficeAdminView):
    """A view of one response, for users with the action in its office."""

    def look_up(self, pk):
        self.response = get_object_or_404(
            SurveyResponse.objects.select_related("version__page", "site", "department"), pk=pk
        )
        self.require(self.response)
        self.office = Office(self.response.site)


class PaperResponseCorrectView(PaperSheetViewMixin, ResponseView, TemplateView):
    page_title = gettext_lazy("Correct a paper questionnaire")

    def get(self, request, *args, **kwargs):
        if not self.response.is_paper:
            return self.refuse_electronic()
        return self.render(self.sheet_form(), self.answers_form())

    def post(self, request, *args, **kwargs):
        if not self.response.is_paper:
            return self.refuse_electronic()
        sheet_form = self.sheet_form(request.POST)
        form = self.answers_form(request.POST)
        if sheet_form.is_valid() and form.is_valid():
            changed = sheet_form.changed_data + [
                question.key
                for question in form.questions
                if question.field_name in form.changed_data
            ]
            try:
                with transaction.atomic():
                    self.response.correct(
                        form.answers(), questions=form.questions, **self.paper_fields(sheet_form)
                    )
                    log(
                        self.response,
                        LOG_CORRECT,
                        user=request.user,
                        data={**sheet_summary(self.response), "changed": changed},
                    )
            except IntegrityError:
                sheet_form.add_duplicate_error()
            except SurveyResponse.DoesNotExist:
                messages.error(
                    request, _("The questionnaire was deleted meanwhile; nothing was saved.")
                )
                return HttpResponseRedirect(listing_url(SurveyResponse))
            except OperationalError:
                return self.database_busy(sheet_form, form)
            else:
                messages.success(request, _("The questionnaire was corrected."))
                return HttpResponseRedirect(listing_url(SurveyResponse))
        messages.error(request, _("The corrections were not saved. Correct the marked fields."))
        return self.render(sheet_form, form)

    def refuse_electronic(self):
        messages.error(
            self.request, _("Electronic questionnaires cannot be corrected, only deleted.")
        )
        return HttpResponseRedirect(listing_url(SurveyResponse))

    def sheet_form(self, data=None):
        response = self.response
        initial = {
            "batch": response.batch,
            "sheet_number": response.sheet_number,
            "sheet_date": response.sheet_date,
        }
        return PaperSheetForm(
            data, initial=initial, site=response.site, versions=None, response=response
        )

    def answers_form(self, data=None):
        questions = self.response.version.load_questions()
        return answers_form(self.office, questions, data, initial=self.response.form_answers())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["response"] = self.response
        return context


class ResponseDeleteView(ResponseView, TemplateView):
    """Delete a response (a mistyped sheet, or electronic spam), recorded in the audit log."""

    permission_required = DELETE
    template_name = "wagtail_ocena/admin/response_delete.html"
    page_title = gettext_lazy("Delete a questionnaire")
    header_icon = "bin"

    def post(self, request, *args, **kwargs):
        response = self.response
        with transaction.atomic():
            log(response, LOG_DELETE, user=request.user, data=sheet_summary(response), deleted=True)
            response.delete()
        messages.success(request, _("The questionnaire was deleted."))
        return HttpResponseRedirect(listing_url(SurveyResponse))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["response"] = self.response
        context["answers"] = self.response.answers.select_related(
            "question", "option", "department"
        )
        context["cancel_url"] = listing_url(SurveyResponse)
        return context
