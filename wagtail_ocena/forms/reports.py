"""What a report covers: the period and the filters, as the administrator asks for them."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Channel
from ..conf import get_setting
from ..models import Department, SurveyVersion
from ..reports.filters import ReportFilters
from ..reports.period import PRESETS, Period, preset_period
from ..reports.signing import normalised_conclusions
from .paper import PaperSheetForm

# Some pages of the PDF at most: a register of improvement actions is kept elsewhere.
CONCLUSIONS_MAX_LENGTH = 20_000
# No survey predates it, and the period compared with must still be a valid date.
EARLIEST_REPORT_DATE = datetime.date(2000, 1, 1)
TODAY_NOT_REPORTED = _(
    "Responses of the current day are reported once the day is over: the period must end "
    "yesterday at the latest."
)


class ReportForm(forms.Form):
    """What a report covers: the period (a preset or dates) and optional filters."""

    preset = forms.ChoiceField(
        label=_("Period"),
        choices=[],
        initial="last_year",
        widget=forms.RadioSelect,
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        empty_label=_("All departments"),
        error_messages={"invalid_choice": _("Choose one of this office's departments.")},
    )
    version = forms.ModelChoiceField(
        label=_("Questionnaire version"),
        queryset=None,
        required=False,
        empty_label=_("All versions"),
        error_messages={"invalid_choice": _("Choose a version of this office's questionnaire.")},
    )
    include_comments = forms.BooleanField(
        label=_("Include the comments"),
        required=False,
        initial=True,
        help_text=_("Leave out the open comments, e.g. for a report to be published."),
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = list(PRESETS.items())
        self.fields["channel"].choices = [("", _("Both channels")), *Channel.choices]
        self.fields["department"].queryset = Department.objects.for_site(site)
        versions = (
            SurveyVersion.objects.for_site(site).select_related("page").order_by("-created_at")
        )
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = PaperSheetForm.version_label

    def clean(self):
        cleaned_data = super().clean()
        # A report ends yesterday at the latest: two reports of a day still going on, made a
        # minute apart, would differ by one respondent's answers.
        today = timezone.localdate()
        last_day = today - datetime.timedelta(days=1)
        preset = cleaned_data.get("preset")
        if preset and preset != "custom":
            period = preset_period(preset, today)
            period = Period(period.start, min(period.end, last_day))
        else:
            start, end = cleaned_data.get("date_from"), cleaned_data.get("date_to")
            if not start or not end:
                if not self.has_error("date_from") and not self.has_error("date_to"):
                    raise ValidationError(_("Give both dates of the period."))
                return cleaned_data
            if start > end:
                raise ValidationError(_("The period cannot end before it starts."))
            if start > last_day:
                self.add_error("date_from", TODAY_NOT_REPORTED)
                return cleaned_data
            if start < EARLIEST_REPORT_DATE:
                self.add_error(
                    "date_from",
                    _("The period cannot start before %(date)s.")
                    % {"date": formats.date_format(EARLIEST_REPORT_DATE)},
                )
                return cleaned_data
            period = Period(start, min(end, last_day))
            if period.days > get_setting("REPORT_MAX_DAYS"):
                raise ValidationError(
                    _("A report can cover at most %(days)s days.")
                    % {"days": get_setting("REPORT_MAX_DAYS")}
                )
        if period.end < period.start:
            raise ValidationError(TODAY_NOT_REPORTED)
        cleaned_data["period"] = period
        return cleaned_data

    def report_filters(self):
        data = self.cleaned_data
        return ReportFilters(
            channel=data.get("channel") or "",
            department=data.get("department"),
            version=data.get("version"),
            include_comments=data.get("include_comments", False),
        )


class ReportArchiveForm(forms.Form):
    """What the administrator adds to a report when archiving it: the conclusions drawn and
    the actions decided, printed before the approval block (not in a CSV, which holds the
    responses only); and ``again``, to archive another copy of a file archived already."""

    conclusions = forms.CharField(
        label=_("Conclusions and actions"),
        required=False,
        max_length=CONCLUSIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The conclusions drawn from the results and the improvement actions decided, "
            "printed in the PDF and the XLSX before the approval block. Optional; they cannot "
            "be changed once the report is archived. Separate paragraphs with an empty line."
        ),
    )
    again = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_conclusions(self):
        return normalised_conclusions(self.cleaned_data["conclusions"])
