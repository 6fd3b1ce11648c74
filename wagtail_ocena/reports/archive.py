"""Archived report files: claiming a requested one, generating it, and finding one already
made from the same request and the same data."""

import hashlib
import json
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import CharField, Count, F, Func, Q, Subquery, Sum
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Length,
)
from django.utils import timezone, translation
from wagtail.models import Site

from .. import __version__
from ..choices import Channel
from ..conf import get_setting
from ..models import (
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
    Department,
    GeneratedReport,
    OfficeSettings,
    ReportFormat,
    ReportReason,
    ReportStatus,
    SurveyVersion,
)
from ..models.reports import sha256_of
from ..permissions import OPEN, policy
from . import effects
from .comments import answers_in
from .compute import add_comment_groups, build_report
from .filters import ReportFilters
from .frozen import thaw
from .pdf import render_report_pdf
from .period import Period
from .spreadsheet import csv_rows, write_xlsx
from .sums import filtered


def filters_from_data(site, data):
    """The ``ReportFilters`` an archived report was asked for."""
    # get(), not first(): a filter that no longer exists fails the report, not widens it.
    department = version = None
    if data.get("department"):
        department = Department.objects.for_site(site).get(pk=data["department"])
    if data.get("version"):
        version = SurveyVersion.objects.for_site(site).get(pk=data["version"])
    return ReportFilters(
        channel=data.get("channel") or "",
        department=department,
        version=version,
        include_comments=data.get("include_comments", True),
    )


def claim(report_id):
    """The pending report ``report_id``, now marked running, or None if another worker
    has taken it (or it no longer exists)."""
    claimed = GeneratedReport.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING, started_at=timezone.now()
    )
    return GeneratedReport.objects.get(pk=report_id) if claimed else None


def requeue(record):
    """Let a failed report made from frozen data (``reports.frozen``) be rendered again:
    mark it pending, to be claimed by ``tasks.generate_report_file``. Returns whether it was
    (a report computed when it is rendered is asked for again instead)."""
    requeued = GeneratedReport.objects.filter(
        pk=record.pk, status=ReportStatus.FAILED, frozen__isnull=False
    ).update(status=ReportStatus.PENDING, error="", started_at=timezone.now())
    if requeued:
        record.refresh_from_db()
    return bool(requeued)


def generate(record):
    """Compute the report of a running ``record`` (or thaw it, if it was frozen when it was
    asked for), render its file and archive it, or mark it failed (and raise)."""
    try:
        # A savepoint: inside a caller's transaction (a workflow approval publishing the
        # page) a database error must not leave it unusable for recording the failure.
        with transaction.atomic():
            content_digest = _render(record)
    except Exception as error:
        record.status = ReportStatus.FAILED
        record.error = f"{type(error).__name__}: {error}"[:2000]
        record.save(update_fields=["status", "error"])
        raise
    record.sha256 = content_digest
    record.size = record.file.size
    record.status = ReportStatus.DONE
    record.completed_at = timezone.now()
    record.save()
    return record


def _render(record):
    """Write the file of ``record`` to the storage, and set its fingerprint to that of the
    data it is made from; returns its SHA-256."""
    if record.frozen is not None:
        # Computed when it was asked for; the data may have changed since, and its file
        # shows them as they were then. Nothing to fingerprint: no request is offered it.
        report = thaw(record.frozen)
        if record.format == ReportFormat.PDF and report.comment_groups is None:
            # Its comments as they were then too, less those removed or redacted since; in
            # the language it was frozen in (``before_change``).
            with translation.override(settings.LANGUAGE_CODE):
                add_comment_groups(report, record.site, entered_by=record.created_at)
    else:
        report = _compute(record)
    # A temporary file, not memory: an XLSX of a long period holds every response.
    with tempfile.TemporaryFile() as content:
        if record.format == ReportFormat.PDF:
            content.write(
                render_report_pdf(report, conclusions=record.conclusions, change=record.change)
            )
        elif record.format == ReportFormat.CSV:
            for line in csv_rows(report):
                content.write(line.encode())
        else:
            write_xlsx(report, content, conclusions=record.conclusions)
        content.seek(0)
        checksum = sha256_of(content)
        content.seek(0)
        record.file.save(record.filename(), File(content), save=False)
    return checksum


def _compute(record):
    period = Period(record.period_start, record.period_end)
    filters = filters_from_data(record.site, record.filters)
    # Of the data as they are now, read just before the report: they may have changed since
    # the request (a paper sheet typed in meanwhile).
    record.fingerprint = fingerprint(
        record.site, period, filters, record.format, record.conclusions
    )
    return build_report(
        record.site,
        period,
        filters,
        user=record.created_by,
        group_comments=record.format == ReportFormat.PDF,
    )


# --- Identical requests ----------------------------------------------------------------------

# Changes when what the fingerprint covers changes, so that older fingerprints never match.
FINGERPRINT_SCHEME = 2  # 2: with the register of actions


def fingerprint(site, period, filters, file_format, conclusions=""):
    """The SHA-256 of what an archived file of this request is made from: what was asked for
    (period, filters, format, conclusions), the office data the report prints, the sums of
    the daily counts (and comments) it reads (``data_sums``), and the register of actions it
    lists.

    Two requests with the same fingerprint make the same file but for the moment and the
    author of its making; ``identical_report`` finds such a file archived already.
    """
    office = OfficeSettings.of(site)
    payload = {
        "scheme": FINGERPRINT_SCHEME,
        "package": __version__,
        "language": settings.LANGUAGE_CODE,
        "minimum_group": get_setting("REPORT_MINIMUM_GROUP"),
        "site": site.pk,
        "period": [period.start.isoformat(), period.end.isoformat()],
        "filters": filters.as_data(),
        "format": file_format,
        "conclusions": conclusions,
        "office": [office.name, office.address, office.legal_basis],
        "departments": list(
            Department.objects.for_site(site).order_by("pk").values_list("pk", "name")
        ),
        "data": data_sums(site, period, filters),
        "actions": effects.register_state(site),
    }
    encoded = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def data_sums(site, period, filters):
    """The sums of every daily count row the report of ``period`` reads (its previous period's
    too, which it is compared with), and of the comments it prints, in one query: a text of
    sums per table, each table's rows summed in the database.

    Besides the count columns, each table's counts weighted by every column of its key (day,
    channel, question, value, version, department), so that a correction moving an answer from
    one value, department or day to another changes them, not only a response added or
    deleted. The comments' count, how many are redacted and their length: a redaction changes
    no count, and a corrected comment is a new answer row.
    """
    compared = Period(period.previous().start, period.end)
    answers = DailyAnswerCount if filters.department else DailyOfficeAnswerCount
    tables = {
        "responses": (DailyResponseCount, "version_id"),
        "answers": (answers, "question__version_id"),
        "department_ratings": (DailyDepartmentRating, "version_id"),
    }
    summaries = {
        name: Subquery(_count_sums(model, filtered(model.objects, site, compared, filters, field)))
        for name, (model, field) in tables.items()
    }
    if filters.include_comments:
        summaries["comments"] = Subquery(_comment_sums(answers_in(site, period, filters)))
    row = Site.objects.filter(pk=site.pk).annotate(**summaries).values(*summaries).get()
    return [row[name] for name in sorted(summaries)]


class _Joined(Func):
    """Its arguments' texts, joined by a colon: flat, where ``Concat`` nests a pair in a pair
    and a few dozen of them overflow SQLite's parser."""

    template = "(%(expressions)s)"
    arg_joiner = " || ':' || "
    output_field = CharField()


def _summary(group, *sums):
    """A query of one row, ``group`` being the same on every row, whose ``summary`` is the
    text of ``sums`` (aggregates)."""
    texts = [Cast(Coalesce(total, 0), CharField()) for total in sums]
    return group.annotate(summary=_Joined(*texts)).values("summary")


def _count_sums(model, rows):
    count = F("count")
    day = ExtractYear("day") * 10000 + ExtractMonth("day") * 100 + ExtractDay("day")
    weights = [
        F(column) for column in model.key_columns() if column not in ("site_id", "day", "channel")
    ]
    return _summary(
        rows.order_by().values("site"),
        Count("pk"),
        *(Sum(column) for column in model.totals),
        Sum(count * day),
        Sum("count", filter=Q(channel=Channel.PAPER)),
        *(Sum(count * weight) for weight in weights),
    )


def _comment_sums(answers):
    length = Length("text")
    return _summary(
        answers.open_answers().order_by().values("response__site"),
        Count("pk"),
        Count("pk", filter=Q(redacted=True)),
        Sum(length),
        Sum(length * F("question_id")),
    )


def identical_report(user, site, period, filters, file_format, conclusions, fingerprint):
    """The newest archived file, ready and intact, that ``user`` may open, made from the same
    request and the same data (``fingerprint``) — or None. Reports made before a change of
    the questionnaire (§5) are not offered: they are archived for their own reason."""
    candidates = GeneratedReport.objects.filter(
        site=site,
        period_start=period.start,
        period_end=period.end,
        format=file_format,
        conclusions=conclusions,
        reason=ReportReason.REQUESTED,
        status=ReportStatus.DONE,
        fingerprint=fingerprint,
    ).select_related("created_by")
    may_open = policy(GeneratedReport).user_has_permission_for_instance
    for record in candidates.order_by("-completed_at"):
        if record.filters == filters.as_data() and may_open(user, OPEN, record):
            try:
                intact = record.is_intact()
            except OSError:  # the file is gone from the storage
                intact = False
            if intact:
                return record
    return None
