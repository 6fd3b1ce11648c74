"""Generuj raport: the report of a period on screen, its files, and the report archive."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from ..forms import ReportArchiveForm, ReportForm
from ..models import (
    GeneratedReport,
    ImprovementAction,
    OfficeSettings,
    ReportApproval,
    ReportFormat,
    SurveyResponse,
)
from ..permissions import ADD, APPROVE, DELETE, GENERATE, OPEN, VIEW, policy
from ..reports.archive import fingerprint, identical_report
from ..reports.compute import build_report
from ..tasks import render_again
from ..templatetags.wagtail_ocena_reports import interval, percent, signed
from .admin import OfficeAdminView, OfficeView, admin_url, listing_url

LOG_REPORT_DELETE = "wagtail_ocena.report.delete"
LOG_REPORT_APPROVE = "wagtail_ocena.report.approve"
LOG_REPORT_WITHDRAW = "wagtail_ocena.report.withdraw_approval"

logger = logging.getLogger(__name__)


def report_links(office):
    """The office chooser's link of an office: its report form."""
    return [(_("Generate a report"), admin_url("report", office.site.pk))]


class OfficeReportMixin(OfficeView):
    """A view of one office's reports, for users who may generate them there."""

    model = GeneratedReport
    permission_required = GENERATE

    def report_form(self, data):
        return ReportForm(data, site=self.office.site)

    def build(self, form):
        return build_report(
            self.office.site,
            form.cleaned_data["period"],
            form.report_filters(),
            user=self.request.user,
        )


# The register's form (``viewsets.ImprovementActionViewSet``, Wagtail's snippet views).
ACTION_ADD_URL_NAME = "wagtailsnippets_wagtail_ocena_improvementaction:add"


class ReportView(OfficeReportMixin, TemplateView):
    """The report form, and under it the report of the chosen period."""

    template_name = "wagtail_ocena/admin/report.html"
    page_title = gettext_lazy("Generate a report")
    header_icon = "doc-full-inverse"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked = "preset" in self.request.GET
        form = self.report_form(self.request.GET if asked else None)
        context["form"] = form
        context["office"] = self.office
        context["legal_basis_missing"] = self.office.settings.legal_basis_missing
        context["office_data_url"] = office_data_url(self.request.user, self.office.site)
        if asked and form.is_valid():
            context["report"] = self.build(form)
            context["export_url"] = admin_url("report_export", self.office.site.pk)
            context["archive_form"] = ReportArchiveForm()
            context["formats"] = ReportFormat.choices
            context["plan_actions"] = self.plan_actions(context["report"])
            if policy(SurveyResponse).user_has_permission_for_instance(
                self.request.user, DELETE, self.office.site
            ):
                # Each comment links to removing its text, and back to this report.
                context["redact_next"] = urlencode({"next": self.request.get_full_path()})
        return context

    def plan_actions(self, report):
        """``{area key: URL}``: each area to improve with "Plan an action", the register's
        form filled in from it, for a user who may add actions in this office."""
        site = self.office.site
        if not policy(ImprovementAction).user_has_permission_for_instance(
            self.request.user, ADD, site
        ):
            return {}
        add = reverse(ACTION_ADD_URL_NAME)
        current = self.office.current_version()
        questions = dict(current.questions.values_list("key", "pk") if current is not None else ())
        links = {}
        for area in report.areas_to_improve:
            problem = _(
                "%(area)s: satisfaction index %(index)s %(interval)s in %(period)s, "
                "significantly below the office's index (%(difference)s percentage points)."
            ) % {
                "area": area.text,
                "index": percent(area.index.value),
                "interval": interval(area.index),
                "period": report.period,
                "difference": signed(area.against_office.difference),
            }
            query = {"site": site.pk, "problem": problem}
            if area.key in questions:
                query["questions"] = questions[area.key]
            links[area.key] = f"{add}?{urlencode(query)}"
        return links


class ReportExportView(OfficeReportMixin, View):
    """Archive the report as PDF or XLSX, or its responses as CSV; a background task makes
    the file. If a file of the same request, made from the same data, is archived already
    (and the user may open it), the user is offered that file first, and may still ask for
    another copy."""

    template_name = "wagtail_ocena/admin/report_identical.html"
    page_title = gettext_lazy("An identical report is archived")
    header_icon = "doc-full"

    def post(self, request, *args, **kwargs):
        form = self.report_form(request.POST)
        archive_form = ReportArchiveForm(request.POST)
        file_format = request.POST.get("format")
        if not form.is_valid() or file_format not in ReportFormat.values:
            return self.refuse(
                _("The report could not be requested: check the period and filters.")
            )
        if not archive_form.is_valid():
            return self.refuse(" ".join(archive_form.errors["conclusions"]))
        period, filters = form.cleaned_data["period"], form.report_filters()
        # A CSV holds the responses only: the conclusions would be in no file.
        conclusions = (
            "" if file_format == ReportFormat.CSV else archive_form.cleaned_data["conclusions"]
        )
        if not archive_form.cleaned_data["again"]:
            identical = identical_report(
                request.user,
                self.office.site,
                period,
                filters,
                file_format,
                conclusions,
                fingerprint(self.office.site, period, filters, file_format, conclusions),
            )
            if identical is not None:
                return self.render_to_response(self.get_context_data(identical=identical))
        with transaction.atomic():
            record = GeneratedReport.objects.request(
                self.office.site,
                period,
                filters,
                file_format,
                request.user,
                conclusions=conclusions,
            )
        return HttpResponseRedirect(admin_url("archived_report", record.pk))

    def refuse(self, message):
        messages.error(self.request, message)
        asked = {
            key: value
            for key, value in self.request.POST.items()
            if key not in ("csrfmiddlewaretoken", "conclusions", "again")
        }
        return HttpResponseRedirect(
            admin_url("report", self.office.site.pk) + "?" + urlencode(asked)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked = [
            (key, value)
            for key, value in self.request.POST.items()
            if key not in ("csrfmiddlewaretoken", "again")
        ]
        report_query = urlencode([(k, v) for k, v in asked if k not in ("format", "conclusions")])
        context.update(
            office=self.office,
            asked=asked,
            report_url=admin_url("report", self.office.site.pk) + "?" + report_query,
        )
        return context


class ArchivedReportMixin(OfficeAdminView):
    """Views of one archived report, for users with the permission required on it."""

    model = GeneratedReport

    def look_up(self, pk):
        GeneratedReport.objects.filter(pk=pk).fail_stale()
        self.record = get_object_or_404(GeneratedReport.objects.select_related("site"), pk=pk)
        self.require(self.record)


class ArchivedReportView(ArchivedReportMixin, TemplateView):
    """An archived report: its status while it is being made, then its file."""

    permission_required = OPEN
    template_name = "wagtail_ocena/admin/archived_report.html"
    page_title = gettext_lazy("Archived report")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = self.record
        if self.record.format != ReportFormat.CSV:  # a CSV prints no office data
            context["legal_basis_missing"] = OfficeSettings.of(self.record.site).legal_basis_missing
            context["office_data_url"] = office_data_url(self.request.user, self.record.site)
        may_list = self.user_has_permission(VIEW)
        context["archive_url"] = listing_url(GeneratedReport) if may_list else None
        context["may_delete"] = self.user_has_permission_for_instance(DELETE, self.record)
        context["may_render_again"] = (
            self.record.frozen is not None
            and self.user_has_permission_for_instance(GENERATE, self.record)
        )
        context["approval"] = self.record.approval_or_none()
        context["may_approve"] = self.record.may_be_approved and (
            self.user_has_permission_for_instance(APPROVE, self.record)
        )
        if context["may_approve"] and context["approval"] is None:
            context["approved_other"] = _approval_of_period(self.record)
        return context


def office_data_url(user, site):
    """Where ``user`` edits ``site``'s office data, or None if they may not."""
    # Wagtail's own policy for its site settings, as the office data views ask it.
    settings_policy = policy_registry.get_by_type(OfficeSettings)
    if settings_policy.user_has_permission_for_instance(user, "change", site):
        return reverse("wagtail_ocena_officesettings_edit", args=[site.pk])
    return None


def _approval_of_period(record):
    return (
        ReportApproval.objects.filter(
            site=record.site, period_start=record.period_start, period_end=record.period_end
        )
        .select_related("report")
        .first()
    )


class ArchivedReportApprovalView(ArchivedReportMixin, View):
    """Mark an archived PDF as the office's approved yearly report of its period, or
    withdraw the mark; both audit-logged. One report per office and period is approved."""

    permission_required = APPROVE

    def post(self, request, *args, **kwargs):
        record = self.record
        back = HttpResponseRedirect(admin_url("archived_report", record.pk))
        if request.POST.get("action") == "withdraw":
            with transaction.atomic():
                deleted, _rows = ReportApproval.objects.filter(report=record).delete()
                if deleted:
                    log(record, LOG_REPORT_WITHDRAW, user=request.user, data=_log_data(record))
            if deleted:
                messages.success(request, _("The report is no longer the approved yearly report."))
            return back
        if not record.may_be_approved:
            messages.error(
                request,
                _("Only a finished PDF report of the whole office can be approved."),
            )
            return back
        try:
            with transaction.atomic():
                ReportApproval.approve(record, request.user)
                log(record, LOG_REPORT_APPROVE, user=request.user, data=_log_data(record))
        except IntegrityError:
            messages.error(
                request,
                _(
                    "Another report of this period is already the approved yearly report. "
                    "Withdraw its approval first."
                ),
            )
            return back
        messages.success(request, _("The report is marked as the approved yearly report."))
        return back


def _log_data(record):
    return {
        "period": [record.period_start.isoformat(), record.period_end.isoformat()],
        "format": record.format,
        "sha256": record.sha256,
    }


class ArchivedReportRenderView(ArchivedReportMixin, View):
    """Render the file of a failed report again from the data frozen when it was asked for
    (the report before a change of the questionnaire): the same figures, not today's."""

    permission_required = GENERATE

    def post(self, request, *args, **kwargs):
        if render_again(self.record):
            messages.success(request, _("The report's file is being generated again."))
        return HttpResponseRedirect(admin_url("archived_report", self.record.pk))


class ArchivedReportFileView(ArchivedReportMixin, View):
    permission_required = OPEN

    def get(self, request, *args, **kwargs):
        if not self.record.is_ready:
            return HttpResponseRedirect(admin_url("archived_report", self.record.pk))
        if not self.record.is_intact():
            logger.error("Archived report %s does not match its SHA-256.", self.record.pk)
            messages.error(
                request,
                _(
                    "The archived file does not match the checksum recorded when it was made: "
                    "it was changed or damaged in the storage, so it is not sent. Generate the "
                    "report again and tell the administrator."
                ),
            )
            return HttpResponseRedirect(admin_url("archived_report", self.record.pk))
        return FileResponse(
            self.record.file.open("rb"), as_attachment=True, filename=self.record.filename()
        )


class ArchivedReportDeleteView(ArchivedReportMixin, TemplateView):
    """Deleting an archived report takes its own permission and is audit-logged."""

    permission_required = DELETE
    template_name = "wagtail_ocena/admin/archived_report_delete.html"
    page_title = gettext_lazy("Delete an archived report")
    header_icon = "bin"

    def post(self, request, *args, **kwargs):
        record = self.record
        try:
            with transaction.atomic():
                log(
                    record,
                    LOG_REPORT_DELETE,
                    user=request.user,
                    deleted=True,
                    data={**_log_data(record), "reason": record.reason},
                )
                file = record.file
                record.delete()
                if file:
                    transaction.on_commit(lambda: file.storage.delete(file.name))
        except ProtectedError:  # its approval protects it
            messages.error(
                request,
                _("The approved yearly report cannot be deleted. Withdraw its approval first."),
            )
            return HttpResponseRedirect(admin_url("archived_report", record.pk))
        messages.success(request, _("The archived report was deleted."))
        return HttpResponseRedirect(listing_url(GeneratedReport))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = self.record
        context["cancel_url"] = admin_url("archived_report", self.record.pk)
        return context
