"""What makes a report the document the Secretary signs: the administrator's conclusions and
actions, the approval block of the PDF (``reports/signing.html``), and the warning when the
office's legal basis is missing from it."""

from django.utils.translation import gettext_lazy as _

from .sheets import LONG_TEXT, Column, Table

CONCLUSIONS_HEADING = _("Conclusions and actions")

CONCLUSIONS = Table(
    CONCLUSIONS_HEADING,
    (
        Column(
            CONCLUSIONS_HEADING,
            lambda paragraph: paragraph,
            LONG_TEXT,
            _("One paragraph each, as the administrator wrote them when archiving the report."),
        ),
    ),
    help=_("The conclusions drawn from the results and the actions to be taken."),
)


def normalised_conclusions(text):
    """The conclusions as stored and compared: one kind of line end, no trailing spaces."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def paragraphs(text):
    """The conclusions' paragraphs: blocks separated by an empty line."""
    return [block.strip() for block in text.split("\n\n") if block.strip()]


def write_conclusions_sheet(sheets, conclusions):
    """The XLSX sheet of the conclusions, if there are any."""
    if conclusions:
        sheets.table(CONCLUSIONS, paragraphs(conclusions))
