"""The report as a PDF document (WeasyPrint), from the same markup as the admin page."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from ..printing import write_accessible_pdf
from .signing import paragraphs


def render_report_pdf(report, language=None, conclusions="", change=None):
    """PDF bytes of ``report`` (tagged, PDF/UA-1), in the site's language unless ``language``
    says otherwise, ending with the administrator's ``conclusions`` and the block the report
    is approved and signed on (``reports/signing.html``). The report before a change of the
    questionnaire (§5) says near its top which version the ``change`` replaced, with which, when
    (``GeneratedReport.change``).

    The report must be built with ``group_comments=True``: the PDF shows the most frequent
    comments once each, not the admin page's newest ones one by one.
    """
    if report.has_data and report.filters.include_comments and report.comment_groups is None:
        raise ValueError("A report's PDF needs its comments grouped (group_comments=True).")

    with open(finders.find("wagtail_ocena/css/report.css"), encoding="utf-8") as css:
        report_css = css.read()
    context = {
        "report": report,
        "report_css": report_css,
        "conclusions": paragraphs(conclusions),
        "legal_basis_missing": report.office.legal_basis_missing,
        "change": change,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string("wagtail_ocena/reports/report_pdf.html", context)
    return write_accessible_pdf(html)
