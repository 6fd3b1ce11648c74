"""Template tags drawing a report's charts and formatting its figures."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..reports import charts

register = template.Library()


@register.simple_tag
def distribution_bar(stats):
    return charts.distribution_bar(stats)


@register.simple_tag
def trend_chart(months):
    return charts.trend_chart(months)


@register.simple_tag
def department_bars(departments):
    return charts.index_bars(
        (row.name, row.rating.satisfaction_index) for row in departments if not row.hidden
    )


@register.filter
def percent(value, digits=1):
    """A share in percent, "–" when there is nothing to divide."""
    if value is None or value == "":  # "": a figure of a missing estimate
        return "–"
    return charts.rounded(value, int(digits)) + "%"


@register.filter
def decimal(value, digits=2):
    if value is None or value == "":
        return "–"
    return charts.rounded(value, int(digits))


@register.filter
def signed(value, digits=1):
    """A change with its sign: +3,2 or −1,5."""
    if value is None or value == "":
        return "–"
    formatted = charts.rounded(abs(value), int(digits))
    if not formatted.strip("0,."):
        return "±" + formatted
    return ("+" if value > 0 else "−") + formatted


@register.filter
def css_string(value):
    """Text safe inside a double-quoted CSS string (page headers of the PDF).

    Inside <style> HTML entities are not decoded, so this escapes for CSS instead of HTML.
    """
    text = " ".join(str(value).split())
    for character, escaped in (("\\", "\\5c "), ('"', "\\22 "), ("<", "\\3c "), (">", "\\3e ")):
        text = text.replace(character, escaped)
    return mark_safe(text)  # noqa: S308 (escaped for CSS above)


@register.filter
def item(mapping, key):
    """``mapping[key]``, or None: a value looked up by a variable in a template."""
    return mapping.get(key) if mapping else None


@register.filter
def interval(estimate, digits=1):
    """An estimate's 95 % interval as "[low–high]", or why there is none."""
    if estimate is None:
        return "–"
    if estimate.interval is None:
        return "(" + _("too few answers for an interval") + ")"
    low, high = estimate.interval
    return f"[{charts.rounded(low, int(digits))}–{charts.rounded(high, int(digits))}]"


@register.filter
def p_value(comparison):
    """A test's p-value as a report prints it: "p < 0,001" or "p = 0,032"."""
    p = getattr(comparison, "tested_p", getattr(comparison, "p", None))
    if p is None:
        return ""
    # No-break spaces: a narrow cell breaks before the p-value, not inside it.
    if p < 0.001:
        return "p\u00a0<\u00a0" + charts.rounded(0.001, 3)
    return "p\u00a0=\u00a0" + charts.rounded(p, 3)


@register.filter
def significance(comparison):
    """Whether a tested difference is significant, with its (Holm-adjusted) p-value:
    "yes (p = 0,007)", "no (p = 0,310)", or "–" where nothing was tested."""
    if comparison is None or comparison.difference is None or comparison.tested_p is None:
        return "–"
    verdict = _("yes") if comparison.significant else _("no")
    return f"{verdict} ({p_value(comparison)})"
