"""The XLSX's tables, declared column by column, and how they are written.

A ``Table`` is a title, what the sheet holds, and its ``Column``s: each a header, how a
row gives its value, a ``Style`` (number format) and what the column means, which the
workbook's explanations sheet lists. A figure is stored exact and shown rounded by its
style's number format, as the PDF rounds it (half away from zero, ``charts.rounded``).
Every table sheet gets column widths from its header and its first rows, rows as high as
their wrapped text, a frozen header row, an autofilter, and pages printed across with the
header on each.

XlsxWriter's constant-memory mode writes each row as it comes: column widths, frozen panes
and the autofilter are sheet properties, written when the workbook closes, so a sheet of any
length is sized from its first ``SAMPLE`` rows and filtered once its last row is known.
"""

import datetime
import textwrap
from dataclasses import dataclass, field
from itertools import islice

from django.utils.translation import gettext_lazy as _

from ..text import strip_control_characters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The rows a sheet's column widths are computed from.
SAMPLE = 200
# Headers wrap: a long one makes its column this wide at most (its longest word at least).
HEADER_WIDTH = 18
MINIMUM_WIDTH = 5
# Points per line of the default font (Calibri 11): a row of wrapped text is set this high
# per line, since not every spreadsheet fits rows to their text when it opens a file.
LINE_HEIGHT = 15


def neutralise(value):
    """A cell value that no spreadsheet will evaluate as a formula."""
    if not isinstance(value, str):
        return value
    value = strip_control_characters(value)  # first: "\x01=…" must not become a formula
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Style:
    """How a column's cells are shown: an Excel number format and the widest a cell gets."""

    num_format: str | None = None
    wrap: bool = False
    max_width: int = 40
    # A number's places as its format shows them (for the column's width).
    places: int = 0
    signed: bool = False

    def width_of(self, value):
        if value is None:
            return 0
        if isinstance(value, datetime.datetime):
            return len(self.num_format or "yyyy-mm-dd hh:mm")
        if isinstance(value, datetime.date):
            return len(self.num_format or "yyyy-mm-dd")
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown = f"{value:.{self.places}f}" if isinstance(value, float) else str(value)
            return len(shown) + (self.signed and value > 0)
        return max((len(line) for line in str(value).splitlines()), default=0)


# The precision of each kind of figure is the PDF's (report_body.html's filters).
TEXT = Style()
LONG_TEXT = Style(wrap=True, max_width=60)
QUESTION_TEXT = Style(wrap=True, max_width=40)
COUNT = Style("0")
PERCENT = Style("0.0", places=1)  # an index or a share, in per cent
ROUND_PERCENT = Style("0", places=0)  # a rating's share of an area's answers
MEAN = Style("0.00", places=2)  # a mean and its interval
# Changes with their sign. A change that rounds to zero shows as +0.0 or -0.0 (the PDF: ±0,0).
POINTS_CHANGE = Style("+0.0;-0.0;0.0", places=1, signed=True)
MEAN_CHANGE = Style("+0.00;-0.00;0.00", places=2, signed=True)
P_VALUE = Style("0.000", places=3)  # a test's p-value
DATE = Style("yyyy-mm-dd")  # PN-EN 28601, the Polish standard numeric date
MONTH = Style("yyyy-mm")  # a month as its first day
MOMENT = Style("yyyy-mm-dd hh:mm")


@dataclass(frozen=True)
class Column:
    header: str
    value: object  # row -> cell value
    style: Style = TEXT
    help: str = ""
    # The value's style when it differs from row to row (the summary): row -> Style.
    style_of: object = None


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple
    help: str = ""
    frozen_columns: int = 0  # besides the header row, columns that stay in view


@dataclass
class Explained:
    """What the explanations sheet says about one sheet."""

    title: str
    help: str
    columns: list = field(default_factory=list)  # (header, help)


class Sheets:
    """Adds sheets to an XlsxWriter workbook and remembers what they hold, for the
    explanations sheet."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.header_format = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.formats = {}
        self.explained = []

    def format(self, style):
        if style not in self.formats:
            properties = {"valign": "top"}
            if style.num_format:
                properties["num_format"] = style.num_format
            if style.wrap:
                properties["text_wrap"] = True
            self.formats[style] = self.workbook.add_format(properties)
        return self.formats[style]

    def _sheet(self, title, header, widths, frozen_columns=0, fit_width=True):
        worksheet = self.workbook.add_worksheet(str(title)[:31])
        for column, width in enumerate(widths):
            worksheet.set_column(column, column, width)
        worksheet.freeze_panes(1, frozen_columns)
        # Printed across, the header on every page.
        worksheet.set_landscape()
        worksheet.repeat_rows(0)
        if fit_width:
            worksheet.fit_to_pages(1, 0)
        header = [neutralise(str(text)) for text in header]
        _set_height(worksheet, 0, header, widths)
        worksheet.write_row(0, 0, header, self.header_format)
        return worksheet

    def table(self, table, rows):
        """Write ``table`` with one row per item of ``rows`` (an iterable, read once)."""
        rows = iter(rows)
        sample = list(islice(rows, SAMPLE))
        columns = table.columns
        widths = [
            _width(
                str(column.header),
                (
                    (column.style_of(row) if column.style_of else column.style).width_of(
                        column.value(row)
                    )
                    for row in sample
                ),
                column.style.max_width,
            )
            for column in columns
        ]
        worksheet = self._sheet(
            table.title, [c.header for c in columns], widths, table.frozen_columns
        )
        write, cell_format = worksheet.write, self.format
        wrapped = {index: widths[index] for index, c in enumerate(columns) if c.style.wrap}
        number = 0
        for number, row in enumerate(_chain(sample, rows), 1):
            values = [neutralise(column.value(row)) for column in columns]
            if wrapped:  # before the row's cells, as constant-memory mode needs
                _set_height(worksheet, number, [values[i] for i in wrapped], wrapped.values())
            for index, column in enumerate(columns):
                style = column.style_of(row) if column.style_of else column.style
                write(number, index, values[index], cell_format(style))
        worksheet.autofilter(0, 0, number, len(columns) - 1)
        self.explained.append(
            Explained(
                str(table.title),
                str(table.help),
                [(str(c.header), str(c.help)) for c in columns if c.help],
            )
        )
        return worksheet

    def stream(self, title, header, rows, note=None):
        """The long sheet: ``rows`` neutralised already (``spreadsheet.raw_rows``), written as
        they come; ``note``, if any, after them and a blank row, outside the filter."""
        sample = list(islice(rows, SAMPLE))
        widths = [
            _width(str(text), (TEXT.width_of(row[index]) for row in sample), TEXT.max_width)
            for index, text in enumerate(header)
        ]
        worksheet = self._sheet(title, header, widths, fit_width=False)
        write_row = worksheet.write_row
        number = 0
        for number, row in enumerate(_chain(sample, rows), 1):
            write_row(number, 0, row)
        worksheet.autofilter(0, 0, number, len(header) - 1)
        if note:
            worksheet.write(number + 2, 0, neutralise(str(note)))
        return worksheet

    def explain(self, title, help, columns):
        columns = [(str(header), str(text)) for header, text in columns]
        self.explained.append(Explained(str(title), str(help), columns))

    def explanations(self):
        """The sheet that says what every sheet written so far holds, column by column."""
        table = Table(
            _("Explanations"),
            (
                Column(_("Sheet"), lambda row: row[0]),
                Column(_("Column"), lambda row: row[1]),
                Column(_("Explanation"), lambda row: row[2], LONG_TEXT),
            ),
        )
        rows = []
        for sheet in self.explained:
            if sheet.help:
                rows.append((sheet.title, "", sheet.help))
            rows += [(sheet.title, header, text) for header, text in sheet.columns]
        self.table(table, rows)
        self.explained.pop()  # the explanations do not explain themselves


def _chain(sample, rows):
    yield from sample
    yield from rows


def _set_height(worksheet, number, values, widths):
    """Row ``number`` as high as its wrapped text needs, when that is more than one line."""
    lines = max(
        (_lines(value, width) for value, width in zip(values, widths, strict=True)), default=1
    )
    if lines > 1:
        worksheet.set_row(number, LINE_HEIGHT * lines)


def _lines(value, width):
    if not isinstance(value, str):
        return 1
    width = max(1, int(width) - 1)
    return sum(max(1, len(textwrap.wrap(line, width))) for line in value.splitlines() or [""])


def _width(header, widths, max_width):
    words = max((len(word) for word in header.split()), default=0)
    needed = max(words, min(len(header), HEADER_WIDTH), max(widths, default=0))
    return max(MINIMUM_WIDTH, min(needed, max_width)) + 1
