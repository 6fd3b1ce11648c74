"""Report periods: the presets offices report on, and the period compared with."""

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def whole_months(self):
        """How many calendar months the period spans exactly, or None."""
        if self.start.day != 1 or (self.end + datetime.timedelta(days=1)).day != 1:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self):
        """The period compared with: the same number of calendar months before it when the
        period is whole months (a year, a quarter, February), else as many days before it."""
        end = self.start - datetime.timedelta(days=1)
        if self.whole_months:
            return Period(_month_start(self.start, self.whole_months), end)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def months(self):
        """The first day of each calendar month the period touches."""
        month = self.start.replace(day=1)
        while month <= self.end:
            yield month
            month = (month + datetime.timedelta(days=32)).replace(day=1)

    def __str__(self):
        return f"{formats.date_format(self.start)} – {formats.date_format(self.end)}"


def _month_start(day, months_back=0):
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _last_full_months(today, length):
    """The last ``length`` calendar months aligned to ``length`` (a quarter, a half-year)."""
    current_block_start = (today.month - 1) // length * length + 1
    end = datetime.date(today.year, current_block_start, 1) - datetime.timedelta(days=1)
    return Period(_month_start(end, length - 1), end)


PRESETS = {
    "last_year": _("Last full year"),
    "this_year": _("This year so far"),
    "last_half_year": _("Last half-year"),
    "last_quarter": _("Last quarter"),
    "last_month": _("Last month"),
    "custom": _("From – to (below)"),
}


def preset_period(name, today):
    """The period a preset means on ``today``, or None for "custom"."""
    if name == "last_year":
        return Period(datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
    if name == "this_year":
        return Period(datetime.date(today.year, 1, 1), today)
    if name == "last_half_year":
        return _last_full_months(today, 6)
    if name == "last_quarter":
        return _last_full_months(today, 3)
    if name == "last_month":
        return _last_full_months(today, 1)
    return None
