"""The printable questionnaire: a PDF of one survey version for the office's service desks."""

import base64
import itertools
import logging
import mimetypes
import threading

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .forms import SurveyResponseForm
from .models import Department

TEMPLATE = "wagtail_ocena/printable/questionnaire.html"

logger = logging.getLogger(__name__)


_fonts = threading.local()


def font_configuration():
    """WeasyPrint's font configuration, made once per thread and kept for every PDF after.

    Safe to reuse between documents: besides the fonts of ``@font-face`` rules (which these
    templates have none of) it keeps only caches of text measurements. One per thread, as
    Pango's font map must not be used by two renderings at once (a threaded web server).
    """
    # WeasyPrint is imported on first use: it needs Pango, which only PDF output requires.
    if not hasattr(_fonts, "configuration"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


def prepare_pdf_rendering():
    """Import WeasyPrint, configure its fonts and render a line, for a process that will
    render PDFs (the task worker, apps.py): its first report then does not pay for them.
    Without Pango it only logs: that process can still make the other files."""
    try:
        from weasyprint import HTML

        HTML(string="<p style=\"font-family: 'DejaVu Sans'\">Ocena <b>urzędu</b></p>").write_pdf(
            font_config=font_configuration()
        )
    except (ImportError, OSError):
        logger.warning("WeasyPrint cannot render PDFs in this process.", exc_info=True)


def questionnaire_sections(form):
    """The form's questions in print order, as ``(template, items)``.

    Consecutive questions of one printable group (ratings on the same scale) print as one
    table, drawn by their kind's ``printable_group_template``; any other question alone,
    by its kind's ``printable_template``.
    """

    def table_key(item):
        return item.type.printable_group(item.question)

    main = form.main_question_fields()
    for key, group in itertools.groupby(main, key=lambda item: table_key(item) or id(item)):
        items = list(group)
        if isinstance(key, tuple):
            yield items[0].type.printable_group_template, items
        else:
            yield items[0].type.printable_template, items


def _data_uri(content_type, data):
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def _logo_data_uri(office):
    if not office.logo_id:
        return None
    rendition = office.logo.get_rendition("height-160")
    with rendition.file.open("rb") as logo:
        content_type = mimetypes.guess_type(rendition.file.name)[0] or "application/octet-stream"
        return _data_uri(content_type, logo.read())


def questionnaire_context(version, office, survey_url):
    form = SurveyResponseForm(
        questions=version.load_questions(),
        departments=Department.objects.for_site(office.site).active(),
    )
    return {
        "office": office,
        "survey": version.page,
        "version": version,
        "form": form,
        "sections": list(questionnaire_sections(form)),
        "profile": form.profile_question_fields(),
        "survey_url": survey_url,
        "qr_code": segno.make(survey_url, error="m").svg_data_uri(scale=4, border=0),
        "logo": _logo_data_uri(office),
    }


def render_questionnaire_pdf(version, office, survey_url, language=None):
    """The printable questionnaire of ``version`` for ``office`` as PDF bytes.

    Printed in the site's language unless ``language`` says otherwise.
    """
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, questionnaire_context(version, office, survey_url))
    return HTML(string=html).write_pdf(font_config=font_configuration())
