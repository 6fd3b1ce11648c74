"""Archived report files: claiming a requested one and generating it."""

import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ..models import Department, GeneratedReport, ReportFormat, ReportStatus, SurveyVersion
from ..models.reports import sha256_of
from .compute import build_report
from .filters import ReportFilters
from .pdf import render_report_pdf
from .period import Period
from .spreadsheet import csv_rows, write_xlsx


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


def generate(record):
    """Compute the report of a running ``record``, render its file and archive it, or mark
    it failed (and raise)."""
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
    """Write the file of ``record`` to the storage; returns its SHA-256."""
    report = build_report(
        record.site,
        Period(record.period_start, record.period_end),
        filters_from_data(record.site, record.filters),
        user=record.created_by,
        group_comments=record.format == ReportFormat.PDF,
    )
    # A temporary file, not memory: an XLSX of a long period holds every response.
    with tempfile.TemporaryFile() as content:
        if record.format == ReportFormat.PDF:
            content.write(render_report_pdf(report, conclusions=record.conclusions))
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
