"""What a report is filtered by, and how an archived report's filters read in words."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..choices import Channel


@dataclass(frozen=True)
class ReportFilters:
    channel: str = ""
    department: "Department | None" = None  # noqa: F821 (a model; this module imports none)
    version: "SurveyVersion | None" = None  # noqa: F821
    include_comments: bool = True

    def as_data(self):
        """The filters as JSON, for the archive; with the names as they were then."""
        return {
            "channel": self.channel,
            "department": self.department.pk if self.department else None,
            "department_name": self.department.name if self.department else "",
            "version": self.version.pk if self.version else None,
            "version_code": self.version.code if self.version else "",
            "include_comments": self.include_comments,
        }

    def describe(self):
        return describe_filters(self.as_data())


def describe_filters(data):
    """The filters of ``ReportFilters.as_data()`` in words, as a list of parts."""
    parts = []
    if data.get("channel"):
        parts.append(Channel(data["channel"]).label)
    if data.get("department"):
        parts.append(data.get("department_name") or f"#{data['department']}")
    if data.get("version"):
        parts.append(data.get("version_code") or f"#{data['version']}")
    if not data.get("include_comments", True):
        parts.append(_("without comments"))
    return parts
