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
        write_accessible_pdf(
            '<html lang="pl"><title>Ocena</title>'
            "<p style=\"font-family: 'DejaVu Sans'\">Ocena <b>urzędu</b></p>"
        )
    except (ImportError, OSError):
        logger.warning("WeasyPrint cannot render PDFs in this process.", exc_info=True)


def write_accessible_pdf(html):
    """``html`` as a tagged PDF/UA-1 document: both PDFs of the package are written by this.

    WeasyPrint tags the structure (headings, lists, tables, figures with their ``alt`` or SVG
    ``<title>``), takes ``/Lang`` from ``<html lang>`` and the title from ``<title>``, and
    draws borders and backgrounds as artifacts; what it leaves out is added by
    ``_complete_tags``.
    """
    from weasyprint import HTML

    return HTML(string=html).write_pdf(
        pdf_variant="pdf/ua-1", font_config=font_configuration(), finisher=_complete_tags
    )


def _complete_tags(document, pdf):
    """What WeasyPrint's tags leave out, added before the PDF is written.

    Table header cells get their ``/Scope`` from the HTML's ``scope``: WeasyPrint links data
    cells to their headers (``/Headers``) but writes no scope, which checkers and some screen
    readers look for; a header without ``scope`` heads its column, as WeasyPrint takes it.
    Each link is described (``/Contents``) by its text rather than by the id it leads to.
    """
    import pydyf

    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "mark", None)  # a table cell's structure element
            if element is not None and box.element_tag == "th":
                scope = box.element.get("scope", "col")
                element["A"].setdefault(
                    "Scope", "/Row" if scope in ("row", "rowgroup") else "/Column"
                )
            annotation = getattr(box, "link_annotation", None)
            text = " ".join("".join(box.element.itertext()).split()) if annotation else ""
            if text:
                annotation["Contents"] = pydyf.String(text)
    _page_margins_as_artifacts(pdf)


def _page_margins_as_artifacts(pdf):
    """Mark the running headers and page numbers (``@page`` margin boxes) as pagination
    artifacts. WeasyPrint tags their text as content but leaves it out of the structure
    tree, so it is neither real content nor an artifact."""
    import pydyf

    def get(reference):
        return pdf.objects[int(reference.split()[0])]

    root = get(pdf.catalog["StructTreeRoot"])
    in_tree, unvisited = set(), [root]
    while unvisited:
        for kid in unvisited.pop().get("K", ()):
            if isinstance(kid, bytes) and get(kid).get("Type") == "/StructElem":
                in_tree.add(kid)
                unvisited.append(get(kid))
    nums = get(root["ParentTree"])["Nums"]  # page number, the elements of its MCIDs, …
    for page_number, page_reference in enumerate(pdf.page_references):
        elements = nums[2 * page_number + 1]
        outside = {mcid for mcid, element in enumerate(elements) if element not in in_tree}
        if not outside:
            continue
        content = get(get(page_reference)["Contents"]).stream
        # WeasyPrint writes each marked sequence as: "/Span", {"MCID": n}, b"BDC".
        for index, item in enumerate(content):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in outside:
                content[index - 1] = "/Artifact"
                content[index] = pydyf.Dictionary({"Type": "/Pagination"})
        for mcid in outside:
            elements[mcid] = "null"


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
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, questionnaire_context(version, office, survey_url))
    return write_accessible_pdf(html)
