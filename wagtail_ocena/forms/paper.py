"""What a clerk types in from a paper sheet besides its answers."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Channel
from ..models import SurveyResponse


class PaperSheetForm(forms.Form):
    """What is written on a paper questionnaire besides the answers, and where it came from."""

    version = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs={"data-action": "change->ocena-paper-entry#changeVersion"}),
        label=_("Questionnaire version"),
        help_text=_("The version code printed at the bottom of the sheet."),
        error_messages={"invalid_choice": _("Choose a version of this office's questionnaire.")},
    )
    batch = forms.CharField(
        label=_("Batch"),
        max_length=100,
        required=False,
        help_text=_("Where the sheets came from, e.g. “skrzynka BOI, marzec 2026”."),
    )
    sheet_number = forms.IntegerField(
        label=_("Sheet number"),
        min_value=1,
        max_value=999999,
        required=False,
        help_text=_("Numbered sheets need a batch: a number is unique within its batch."),
    )
    sheet_date = forms.DateField(
        label=_("Date on the sheet"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty if the sheet has no date; the day of entry is used."),
    )

    def __init__(self, *args, site, versions, response=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.response = response
        if response is None:
            self.fields["version"].queryset = versions
            self.fields["version"].label_from_instance = self.version_label
        else:
            # A sheet's version is what was printed on it; a wrong one is deleted and re-entered.
            del self.fields["version"]

    @staticmethod
    def version_label(version):
        return _("%(code)s – %(survey)s, published %(date)s") % {
            "code": version.code,
            "survey": version.page.title,
            "date": formats.date_format(timezone.localtime(version.created_at).date()),
        }

    def get_version(self):
        return self.response.version if self.response else self.cleaned_data.get("version")

    def clean_sheet_date(self):
        sheet_date = self.cleaned_data["sheet_date"]
        if sheet_date and sheet_date > timezone.localdate():
            raise ValidationError(_("The date on the sheet cannot be in the future."))
        return sheet_date

    def clean(self):
        cleaned_data = super().clean()
        version, sheet_date = self.get_version(), cleaned_data.get("sheet_date")
        if version and sheet_date and sheet_date < timezone.localtime(version.created_at).date():
            self.add_error(
                "sheet_date",
                _("Version %(code)s was published on %(date)s; a sheet of it cannot be older.")
                % {
                    "code": version.code,
                    "date": formats.date_format(timezone.localtime(version.created_at).date()),
                },
            )
        if cleaned_data.get("sheet_number") and not cleaned_data.get("batch"):
            self.add_error("batch", _("Give the batch the numbered sheet belongs to."))
        self.add_duplicate_error()
        return cleaned_data

    def add_duplicate_error(self):
        """Refuse a batch and sheet number that were entered before (by anyone)."""
        batch, number = self.cleaned_data.get("batch"), self.cleaned_data.get("sheet_number")
        if not (batch and number):
            return
        sheets = SurveyResponse.objects.filter(
            site=self.site, channel=Channel.PAPER, batch=batch, sheet_number=number
        ).select_related("entered_by")
        if self.response is not None:
            sheets = sheets.exclude(pk=self.response.pk)
        duplicate = sheets.first()
        if duplicate is not None:
            self.add_error("sheet_number", self.duplicate_message(duplicate))

    @staticmethod
    def duplicate_message(duplicate):
        return _(
            "Sheet %(number)s of batch “%(batch)s” has already been entered (%(when)s, by "
            "%(who)s). Check the number on the sheet."
        ) % {
            "number": duplicate.sheet_number,
            "batch": duplicate.batch,
            "when": formats.date_format(
                timezone.localtime(duplicate.entered_at), "SHORT_DATETIME_FORMAT"
            )
            if duplicate.entered_at
            else "–",
            "who": duplicate.entered_by.get_full_name() or duplicate.entered_by.get_username()
            if duplicate.entered_by
            else "–",
        }
