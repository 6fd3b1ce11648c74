"""A report structure (``structure.Report``) frozen as JSON, and thawed again to render it.

The report of the results so far, which must be archived before the questionnaire changes
(§5), is computed in the publishing request, where it costs little (it reads daily counts),
and stored on its archive record; the background task renders the PDF from it later, after
the data and the office's rows may have changed and perhaps after an upgrade of this package.

So the format is explicit, not pickle: every value is JSON or an object tagged with its type
(``{"@": "Estimate", "v": {...}}``), from a fixed list of types, and carries ``FORMAT``. A
dataclass is stored by its fields' names: a field added later takes its default when an older
report is thawed, and a field no longer known is left out. Model rows become their primary
keys and what a report prints of them (the office's name, a version's code and date, a user's
name), as they were when the report was frozen: a PDF made later shows them as they were then.
When the meaning of a stored field changes, raise ``FORMAT`` and convert older data in
``thaw``.
"""

import datetime
import math
import uuid
from dataclasses import dataclass, fields, is_dataclass

from django.contrib.auth import get_user_model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import Department, OfficeSettings, SurveyVersion
from . import structure
from .filters import ReportFilters
from .period import Period
from .statistics import RatingStats, Trend

FORMAT = 1


class FrozenReportError(ValueError):
    """Data that ``thaw`` cannot read: of a newer format, or of a type it does not know."""


@dataclass(frozen=True)
class FrozenUser:
    """The author of a frozen report, as the report names them."""

    pk: object
    username: str
    full_name: str = ""

    def get_username(self):
        return self.username

    def get_full_name(self):
        return self.full_name

    def __str__(self):
        return self.full_name or self.username


@dataclass(frozen=True)
class FrozenVersion:
    """A questionnaire version of a frozen report: its code and publication as printed."""

    pk: int
    code: str
    created_at: datetime.datetime
    page_id: int | None = None
    number: int | None = None

    @property
    def id(self):
        return self.pk

    def __str__(self):
        return _("version %(code)s") % {"code": self.code}


@dataclass(frozen=True)
class FrozenDepartment:
    pk: int
    name: str

    @property
    def id(self):
        return self.pk

    def __str__(self):
        return self.name


DATACLASSES = {
    cls.__name__: cls
    for cls in (
        structure.Report,
        structure.QuestionResult,
        structure.OptionCount,
        structure.Estimate,
        structure.Comparison,
        structure.Coverage,
        structure.MonthResult,
        structure.DepartmentResult,
        structure.DepartmentArea,
        structure.ChannelResult,
        structure.Comment,
        structure.CommentGroup,
        structure.ActionResult,
        structure.QuestionEffect,
        RatingStats,
        Period,
        ReportFilters,
        FrozenUser,
        FrozenVersion,
        FrozenDepartment,
    )
}


def freeze(report, change=None):
    """``report`` as JSON-serialisable data (``thaw`` reads it back).

    Lazy translations are turned into text in the active language: freeze the report in the
    language it is to be printed in. Raises TypeError on a value of a type it does not know.

    ``change``, for the report before a change of the questionnaire (§5), is what its file
    says of the change: the codes of the version ``replaced`` and of the one ``replaced_by``,
    and the day it happens (``on``); ``GeneratedReport.change`` reads it back.
    """
    data = {"format": FORMAT, "report": _encode(report)}
    if change is not None:
        data["change"] = {**change, "on": change["on"].isoformat()}
    return data


def thaw(data):
    """The ``structure.Report`` that ``freeze`` stored as ``data``."""
    version = data.get("format") if isinstance(data, dict) else None
    if not isinstance(version, int) or not 1 <= version <= FORMAT:
        raise FrozenReportError(f"A frozen report of format {version!r} cannot be read here.")
    report = _decode(data["report"])
    if not isinstance(report, structure.Report):
        raise FrozenReportError("The frozen data hold no report.")
    return report


def _tagged(tag, value):
    return {"@": tag, "v": value}


def _encode(value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # an IntegerChoices member as the number it is
    if isinstance(value, str):
        return str(value)  # a TextChoices member (a channel) as its value
    if isinstance(value, float):
        return value if math.isfinite(value) else _tagged("float", repr(value))
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.datetime):
        return _tagged("datetime", value.isoformat())
    if isinstance(value, datetime.date):
        return _tagged("date", value.isoformat())
    if isinstance(value, uuid.UUID):
        return _tagged("uuid", str(value))
    if isinstance(value, Trend):  # a NamedTuple: before tuples
        return _tagged("Trend", {name: _encode(v) for name, v in value._asdict().items()})
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return _tagged("tuple", [_encode(item) for item in value])
    if isinstance(value, dict):  # keys of any type (a distribution's are ratings)
        return _tagged("dict", [[_encode(k), _encode(v)] for k, v in value.items()])
    if isinstance(value, OfficeSettings):
        return _tagged("office", _office(value))
    if isinstance(value, SurveyVersion):
        value = FrozenVersion(value.pk, value.code, value.created_at, value.page_id, value.number)
    elif isinstance(value, Department):
        value = FrozenDepartment(value.pk, value.name)
    elif isinstance(value, get_user_model()):
        full_name = value.get_full_name() if hasattr(value, "get_full_name") else ""
        value = FrozenUser(value.pk, value.get_username(), full_name)
    name = type(value).__name__
    if is_dataclass(value) and DATACLASSES.get(name) is type(value):
        return _tagged(name, {f.name: _encode(getattr(value, f.name)) for f in fields(value)})
    raise TypeError(f"A report cannot be frozen with a value of type {type(value).__name__}.")


def _office(office):
    """The office's own columns (its name, address, legal basis...; its site's id)."""
    return {field.attname: _encode(getattr(office, field.attname)) for field in _office_fields()}


def _office_fields():
    return OfficeSettings._meta.concrete_fields


def _decode(value):
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    tag, content = value.get("@"), value.get("v")
    if tag == "float":
        return float(content)
    if tag == "datetime":
        return datetime.datetime.fromisoformat(content)
    if tag == "date":
        return datetime.date.fromisoformat(content)
    if tag == "uuid":
        return uuid.UUID(content)
    if tag == "tuple":
        return tuple(_decode(item) for item in content)
    if tag == "dict":
        return {_decode(k): _decode(v) for k, v in content}
    if tag == "Trend":
        return Trend(**{name: _decode(content[name]) for name in Trend._fields})
    if tag == "office":
        known = {field.attname for field in _office_fields()}
        # Not saved, and never to be: the office as it was when the report was frozen.
        return OfficeSettings(**{k: _decode(v) for k, v in content.items() if k in known})
    cls = DATACLASSES.get(tag)
    if cls is None:
        raise FrozenReportError(f"A frozen report holds a value of unknown type {tag!r}.")
    known = {f.name for f in fields(cls) if f.init}
    return cls(**{k: _decode(v) for k, v in content.items() if k in known})
