"""§5 of the ordinance: before the questionnaire changes, the report of its results so far.

A changed question set takes effect (is frozen as a new version that residents answer) only
after the report of the version it replaces has been archived, for every office that
collected responses with it: its figures are computed and frozen in the publication, its
PDF rendered from them in the background (``reports.frozen``). The page editor's "Publish"
archives it first and can stop the publication with a message; other ways of publishing
(workflow approval, bulk publishing, scheduled publication, scripts) archive it when the page
goes live, and if that fails the old questions stay in effect and the editor is warned, until
a publication succeeds.
"""

import datetime
import logging

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Max, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Site

from .models import (
    DailyResponseCount,
    GeneratedReport,
    OfficeSettings,
    ReportFormat,
    ReportReason,
    ReportStatus,
    SurveyVersion,
)
from .names import version_code
from .permissions import OPEN, policy
from .reports.compute import build_report
from .reports.filters import ReportFilters
from .reports.frozen import freeze
from .reports.period import Period

logger = logging.getLogger(__name__)


def report_before_change(page, user=None, revision=None):
    """Archive the reports of the version that publishing ``revision`` is about to replace.

    One report per office (site) that has responses of the version — the page's own and
    those of its aliases — covering the version's whole life, or since its last such report
    (from that report's last day, which it may have covered only in part). A report already
    made for this revision is reused.

    Each report's figures are computed now, from the daily counts, and frozen as data on its
    record (``reports.frozen``); the background task renders its PDF from them when the
    transaction commits, so that the publication does not wait for the file, and the file
    shows the results as they were at the change. All or nothing: if one report cannot be
    computed, none is recorded (the failed one stays in the archive as failed, with its
    error) and this raises. Returns the reports.
    """
    version = page.current_version
    if version is None:
        return []
    # From the daily counts: reading the responses would take longer the more there are.
    sites = Site.objects.filter(
        pk__in=DailyResponseCount.objects.filter(version=version, count__gt=0).values("site_id")
    ).order_by("pk")
    # The version that will replace it, numbered as ``SurveyPage.freeze_version`` will.
    newest = SurveyVersion.objects.filter(page_id=version.page_id).aggregate(n=Max("number"))
    change = {
        "replaced": version.code,
        "replaced_by": version_code(version.page_id, newest["n"] + 1),
        "on": timezone.localdate(),
    }
    attempt = {}
    try:
        with transaction.atomic():
            return [
                _report_of_site(version, site, (user, revision, change), attempt) for site in sites
            ]
    except Exception as error:
        # The reports made went with the rollback; the failure stays on record.
        if attempt:
            GeneratedReport.objects.request(
                *attempt["request"],
                status=ReportStatus.FAILED,
                error=f"{type(error).__name__}: {error}"[:2000],
                **attempt["fields"],
            )
        raise


def _report_of_site(version, site, publication, attempt):
    user, revision, change = publication
    # Made before a change, whether its file is rendered yet, failed to render (it can be
    # again, from the same data) or made before reports were frozen.
    made = GeneratedReport.objects.filter(
        Q(status=ReportStatus.DONE) | Q(frozen__isnull=False),
        site=site,
        replaced_version=version,
        reason=ReportReason.BEFORE_CHANGE,
    )
    if revision is not None and (same := made.filter(revision=revision).first()):
        return same  # the editor's "Publish" made it; the publication itself finds it here
    last = made.order_by("-period_end", "-completed_at", "-created_at").first()
    start = last.period_end if last else timezone.localtime(version.created_at).date()
    # Up to yesterday, as every report: today's responses would be shown almost one by one.
    # They are in the next report of the period.
    end = timezone.localdate() - datetime.timedelta(days=1)
    period, filters = Period(min(start, end), end), ReportFilters(version=version)
    attempt["request"] = (site, period, filters, ReportFormat.PDF, user)
    attempt["fields"] = {
        "reason": ReportReason.BEFORE_CHANGE,
        "replaced_version": version,
        "revision": revision,
    }
    # In the language the PDF is printed in: freezing turns translations into text.
    with translation.override(settings.LANGUAGE_CODE):
        # The comments' texts are read when the file is made (``archive``): their count is
        # all that the figures need, and reading them would take longer the more there are.
        report = build_report(
            site, period, filters, user=user, group_comments=True, comment_texts=False
        )
        frozen = freeze(report, change)
    # Pending: queued for the background task when the transaction commits (signal_handlers).
    return GeneratedReport.objects.request(*attempt["request"], frozen=frozen, **attempt["fields"])


def before_publish(request, page):
    """The editor's "Publish": archive the reports first, or stop with a message."""
    if not page.questions_changed():
        return None
    if page.go_live_at and page.go_live_at > timezone.now():
        messages.info(
            request,
            _("The report of the results so far will be archived when the new questions go live."),
        )
        return None
    try:
        records = report_before_change(page, request.user, page.latest_revision)
    except Exception:
        logger.exception("The report before changing survey page %s failed.", page.pk)
        messages.error(
            request,
            _(
                "The questionnaire was not published: the report of the results so far, which "
                "must be archived before the questions change, could not be generated. Your "
                "changes are saved as a draft; try publishing again, or contact the "
                "administrator if this persists."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    _tell_editor(request, records)
    return None


def _tell_editor(request, records):
    from wagtail.admin import messages as admin_messages

    for record in records:
        text = _(
            "Before the questions changed, the report of the results of version %(code)s "
            "in %(office)s was archived."
        ) % {"code": record.replaced_version.code, "office": OfficeSettings.of(record.site).name}
        buttons = []
        if policy(GeneratedReport).user_has_permission_for_instance(request.user, OPEN, record):
            buttons.append(
                admin_messages.button(
                    reverse("wagtail_ocena_admin:archived_report", args=[record.pk]),
                    _("Open the report"),
                )
            )
        admin_messages.success(request, text, buttons=buttons)


def on_published(page, user=None, revision=None):
    """Any publication: freeze the new question set once its reports are archived."""
    if page.questions_changed():
        try:
            report_before_change(page, user, revision)
        except Exception:
            logger.exception(
                "The report before changing survey page %s failed; its previous questions "
                "stay in effect until it is published again.",
                page.pk,
            )
            return None
    return page.freeze_version(user=user, revision=revision)


def warn_if_not_in_effect(request, page):
    """On the edit page: the live questions are not answered yet (§5 report failed)."""
    if request.method != "GET":
        return
    live = type(page).objects.filter(pk=page.pk, live=True).first()  # the live content
    if live is not None and live.questions_changed():
        messages.warning(
            request,
            _(
                "The published questions are not in effect yet: the report of the results so "
                "far, which must be archived first, could not be generated. Residents still "
                "answer the previous questions. Publish the page again to retry."
            ),
        )
