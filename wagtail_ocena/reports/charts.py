"""Charts as inline SVG, drawn on the server: the same markup serves the admin page and the PDF.

Sized by CSS, not attributes (``report.css``), so that they fit a table cell or an A4 page.

Every chart is an image with a text alternative (``role="img"`` and a title); the report
shows the same figures in a table next to it.
"""

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .statistics import SCALE, decimal_half_up

# From "bad" to "very good"; apart in lightness too, so the order survives black-and-white print.
SCALE_COLOURS = {1: "#a50f15", 2: "#ef8a62", 3: "#d9d9d9", 4: "#67a9cf", 5: "#08519c"}
TEXT_ON = {1: "#ffffff", 2: "#000000", 3: "#000000", 4: "#000000", 5: "#ffffff"}
LINE = "#08519c"


def rounded(value, digits):
    """``value`` to ``digits`` places, half up, in the active locale's format.

    number_format() cuts a float's digits off: 88.89 would print as 88,8.
    """
    return number_format(decimal_half_up(float(value), digits), digits)


def _percent(value, digits=0):
    return rounded(value, digits) + "%"


def distribution_bar(stats, width=300, height=20):
    """One rating question's answers 1–5 as a single bar of 100 %."""
    if not stats.n:
        return ""
    parts = []
    x = 0.0
    for value in SCALE:
        share = stats.counts.get(value, 0) / stats.n
        segment = share * width
        if segment <= 0:
            continue
        parts.append(
            format_html(
                '<rect x="{}" y="0" width="{}" height="{}" fill="{}"/>',
                round(x, 2),
                round(segment, 2),
                height,
                SCALE_COLOURS[value],
            )
        )
        if segment >= 26:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="{}">{}</text>',
                    round(x + segment / 2, 2),
                    height / 2 + 3.5,
                    TEXT_ON[value],
                    _percent(share * 100),
                )
            )
        x += segment
    label = _("Answers from 1 to 5: %(shares)s") % {
        "shares": ", ".join(f"{value}: {_percent(stats.share(value))}" for value in SCALE)
    }
    return format_html(
        '<svg class="ocena-chart ocena-chart--bar" role="img" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        width,
        height,
        label,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def trend_chart(months, width=640, height=220):
    """Responses per month (bars) and the satisfaction index (line, 0–100 %).

    Months without responses keep their place, as a gap in the line."""
    months = list(months)
    if not any(month.total for month in months):
        return ""
    left, right, top, bottom = 40, 40, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(months)
    most = max(month.total for month in months)
    shapes = []
    for percent in (0, 50, 100):
        y = top + plot_h * (1 - percent / 100)
        shapes.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#bbbbbb" stroke-width="0.5"/>'
                '<text x="{}" y="{}" font-size="9" text-anchor="end">{}</text>',
                left,
                left + plot_w,
                round(y, 1),
                round(y, 1),
                left - 4,
                round(y + 3, 1),
                _percent(percent),
            )
        )
    runs, points = [], []
    for i, month in enumerate(months):
        bar_h = plot_h * 0.45 * month.total / most
        x = left + i * step
        shapes.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#d9d9d9"/>',
                round(x + step * 0.2, 1),
                round(top + plot_h - bar_h, 1),
                round(step * 0.6, 1),
                round(bar_h, 1),
            )
        )
        if len(months) <= 13 or i % max(1, len(months) // 12) == 0:
            shapes.append(
                format_html(
                    '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text>',
                    round(x + step / 2, 1),
                    height - bottom + 14,
                    date_format(month.month, "m.y"),
                )
            )
        index = month.satisfaction_index
        if index is None:
            runs.append(points)
            points = []
        else:
            points.append((round(x + step / 2, 1), round(top + plot_h * (1 - index / 100), 1)))
    runs.append(points)
    for run in runs:
        if len(run) > 1:
            shapes.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>',
                    LINE,
                    " ".join(f"{x},{y}" for x, y in run),
                )
            )
    for x, y in (point for run in runs for point in run):
        shapes.append(format_html('<circle cx="{}" cy="{}" r="3" fill="{}"/>', x, y, LINE))
    label = _(
        "Satisfaction index (line) and number of responses (bars) by month, %(first)s to %(last)s"
    ) % {
        # "E": the month's name as in a date, which Polish needs after "od" and "do".
        "first": date_format(months[0].month, "E Y"),
        "last": date_format(months[-1].month, "E Y"),
    }
    return format_html(
        '<svg class="ocena-chart ocena-chart--trend" role="img" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        width,
        height,
        label,
        format_html_join("", "{}", ((shape,) for shape in shapes)),
    )


def index_bars(rows, width=640, row_height=18):
    """Horizontal bars of the satisfaction index, for ``(label, index)`` pairs."""
    rows = [(label, index) for label, index in rows if index is not None]
    if not rows:
        return ""
    label_w, bar_w = 260, width - 260 - 50
    height = row_height * len(rows) + 4
    shapes = []
    for i, (label, index) in enumerate(rows):
        y = i * row_height + 2
        shapes.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" font-size="10">{}</text>',
                label_w - 6,
                y + row_height / 2 + 3,
                label if len(label) <= 48 else label[:46] + "…",
                label_w,
                y + 2,
                round(bar_w * index / 100, 1),
                row_height - 5,
                LINE,
                round(label_w + bar_w * index / 100 + 4, 1),
                y + row_height / 2 + 3,
                _percent(index),
            )
        )
    return format_html(
        '<svg class="ocena-chart ocena-chart--bars" role="img" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        width,
        height,
        _("Satisfaction index: %(rows)s")
        % {"rows": "; ".join(f"{label} {_percent(index)}" for label, index in rows)},
        format_html_join("", "{}", ((shape,) for shape in shapes)),
    )
