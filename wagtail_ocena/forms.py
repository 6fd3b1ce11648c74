import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from .choices import NOT_APPLICABLE, Channel, QuestionKind
from .text import strip_control_characters


def _rating_field(question, departments):
    labels = question.scale_labels or [""] * 5
    choices = [(str(value), label) for value, label in zip(range(1, 6), labels, strict=True)]
    if question.allow_not_applicable:
        choices.append((NOT_APPLICABLE, _("not applicable / hard to say")))
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )


def _choice_options(question):
    return [(option.key, option.label) for option in question.choice_options]


def _single_choice_field(question, departments):
    return forms.ChoiceField(
        choices=_choice_options(question),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an answer."),
            "invalid_choice": _("Choose one of the answers listed."),
        },
    )


class DistinctMultipleChoiceField(forms.MultipleChoiceField):
    """Each option counts once, however often a crafted form repeats it."""

    def to_python(self, value):
        return list(dict.fromkeys(super().to_python(value)))


class CommentField(forms.CharField):
    """Free text whose length is counted as the browser counts it.

    Browsers count a line break as one character against ``maxlength`` but submit it
    as CR LF; without this, text the browser accepted would be refused as too long.
    Invisible control characters (pasted from other programs) are dropped: no file
    format of the reports can hold them.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return strip_control_characters(value.replace("\r\n", "\n").replace("\r", "\n"))


def _multiple_choice_field(question, departments):
    return DistinctMultipleChoiceField(
        choices=_choice_options(question),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one answer."),
            "invalid_choice": _("Choose only answers from the list."),
        },
    )


def _department_field(question, departments):
    return forms.ModelChoiceField(
        queryset=departments,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the department."),
            "invalid_choice": _("Choose one of the office's departments listed."),
        },
    )


def _open_text_field(question, departments):
    return CommentField(
        max_length=question.max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Write your answer."),
            "max_length": ngettext_lazy(
                "Your answer has %(show_value)d character; the limit is %(limit_value)d. "
                "Please shorten it.",
                "Your answer has %(show_value)d characters; the limit is %(limit_value)d. "
                "Please shorten it.",
                "show_value",
            ),
        },
    )


FIELD_BUILDERS = {
    QuestionKind.RATING: _rating_field,
    QuestionKind.SINGLE_CHOICE: _single_choice_field,
    QuestionKind.PROFILE: _single_choice_field,
    QuestionKind.MULTIPLE_CHOICE: _multiple_choice_field,
    QuestionKind.DEPARTMENT: _department_field,
    QuestionKind.OPEN_TEXT: _open_text_field,
}


class QuestionField:
    """A question with its bound form field, as templates render it."""

    def __init__(self, number, question, field):
        self.number = number
        self.question = question
        self.field = field

    @property
    def kind(self):
        return self.question.kind

    @property
    def is_open_text(self):
        return self.kind == QuestionKind.OPEN_TEXT

    @property
    def is_rating(self):
        return self.kind == QuestionKind.RATING

    @property
    def is_multiple_choice(self):
        return self.kind == QuestionKind.MULTIPLE_CHOICE

    @property
    def is_department(self):
        return self.kind == QuestionKind.DEPARTMENT

    @property
    def input_type(self):
        return "checkbox" if self.is_multiple_choice else "radio"

    def options(self):
        """``(subwidget, is_not_applicable)`` for each answer the resident can tick."""
        return [
            (option, self.is_rating and option.data["value"] == NOT_APPLICABLE)
            for option in self.field.subwidgets
        ]

    @property
    def anchor_id(self):
        """The id of the first input, where the error summary links to."""
        subwidgets = self.field.subwidgets
        if not self.is_open_text and subwidgets:
            return subwidgets[0].id_for_label
        return self.field.auto_id


class SurveyResponseForm(forms.Form):
    """The answers to one survey version.

    The one validation of answers: the resident's e-survey and an administrator's
    paper entry both use it, so both channels accept exactly the same answers.
    """

    def __init__(self, *args, questions, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = []
        for question in questions:
            if question.kind == QuestionKind.DEPARTMENT and not departments.exists():
                # An office without active departments cannot be asked to choose one.
                continue
            field = FIELD_BUILDERS[question.kind](question, departments)
            field.label = question.text
            field.help_text = question.help_text
            field.required = question.required
            self.fields[question.field_name] = field
            self.questions.append(question)

    def question_fields(self):
        return [
            QuestionField(number, question, self[question.field_name])
            for number, question in enumerate(self.questions, start=1)
        ]

    def main_question_fields(self):
        return [q for q in self.question_fields() if q.kind != QuestionKind.PROFILE]

    def profile_question_fields(self):
        return [q for q in self.question_fields() if q.kind == QuestionKind.PROFILE]

    def errors_by_question(self):
        """``(QuestionField, message)`` pairs in question order, for the error summary."""
        return [(item, error) for item in self.question_fields() for error in item.field.errors]

    def focus_number(self):
        """The number of the question to put the cursor on: the first with an error."""
        errors = self.errors_by_question() if self.is_bound else []
        return errors[0][0].number if errors else 1

    def clean(self):
        cleaned_data = super().clean()
        given = [cleaned_data.get(question.field_name) for question in self.questions]
        if self.questions and not self.errors and all(value in (None, "", []) for value in given):
            # Every question optional and none answered: nothing to count in any report.
            raise ValidationError(_("No question is answered. Answer at least one."))
        return cleaned_data

    def answers(self):
        """Cleaned answers keyed by question key, as ``SurveyResponse.objects.record`` takes them."""
        return {
            question.key: self.cleaned_data.get(question.field_name) for question in self.questions
        }


class OfficeSettingsForm(WagtailAdminModelForm):
    """Refuses to delete a department that has responses; it can be deactivated instead."""

    def clean(self):
        cleaned_data = super().clean()
        departments = self.formsets.get("departments")
        if departments is None or not departments.is_valid():
            return cleaned_data
        for form in departments.deleted_forms:
            department = form.instance
            if department.pk and department.has_responses():
                self.add_error(
                    None,
                    ValidationError(
                        _(
                            "The department “%(name)s” has survey responses and cannot be "
                            "deleted. Untick “active” to remove it from the questionnaire."
                        ),
                        params={"name": department.name},
                    ),
                )
                # Show the department again: the deletion did not happen.
                form.data = form.data.copy()
                form.data[form.add_prefix(DELETION_FIELD_NAME)] = ""
        return cleaned_data


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
        from .models import SurveyResponse

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


# No survey predates it, and the period compared with must still be a valid date.
EARLIEST_REPORT_DATE = datetime.date(2000, 1, 1)


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
        from .models import Department, SurveyVersion
        from .reports.period import PRESETS

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
        from .conf import get_setting
        from .reports.period import Period, preset_period

        cleaned_data = super().clean()
        today = timezone.localdate()
        preset = cleaned_data.get("preset")
        if preset and preset != "custom":
            period = preset_period(preset, today)
        else:
            start, end = cleaned_data.get("date_from"), cleaned_data.get("date_to")
            if not start or not end:
                if not self.has_error("date_from") and not self.has_error("date_to"):
                    raise ValidationError(_("Give both dates of the period."))
                return cleaned_data
            if start > end:
                raise ValidationError(_("The period cannot end before it starts."))
            if start > today:
                self.add_error("date_from", _("The period cannot start in the future."))
                return cleaned_data
            if start < EARLIEST_REPORT_DATE:
                self.add_error(
                    "date_from",
                    _("The period cannot start before %(date)s.")
                    % {"date": formats.date_format(EARLIEST_REPORT_DATE)},
                )
                return cleaned_data
            period = Period(start, min(end, today))
            if period.days > get_setting("REPORT_MAX_DAYS"):
                raise ValidationError(
                    _("A report can cover at most %(days)s days.")
                    % {"days": get_setting("REPORT_MAX_DAYS")}
                )
        cleaned_data["period"] = period
        return cleaned_data

    def report_filters(self):
        from .reports.compute import ReportFilters

        data = self.cleaned_data
        return ReportFilters(
            channel=data.get("channel") or "",
            department=data.get("department"),
            version=data.get("version"),
            include_comments=data.get("include_comments", False),
        )
