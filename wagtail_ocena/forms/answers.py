"""The answers to one questionnaire version: the one validation both channels share."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..choices import NOT_APPLICABLE


class QuestionField:
    """A question with its bound form field, as templates render it."""

    def __init__(self, number, question, field):
        self.number = number
        self.question = question
        self.field = field
        self.type = question.type

    @property
    def kind(self):
        return self.question.kind

    @property
    def input_type(self):
        return "checkbox" if self.type.multiple else "radio"

    def options(self):
        """``(subwidget, is_not_applicable)`` for each answer the resident can tick."""
        return [
            (option, self.type.scale and option.data["value"] == NOT_APPLICABLE)
            for option in self.field.subwidgets
        ]

    @property
    def anchor_id(self):
        """The id of the first input, where the error summary links to."""
        subwidgets = self.field.subwidgets
        if not self.type.free_text and subwidgets:
            return subwidgets[0].id_for_label
        return self.field.auto_id


def _prototype(question, departments, departments_key):
    """The form field of ``question`` for these departments, built once per question object.

    A published version's questions are shared by every request of a process
    (``wagtail_ocena.serving``), and building their fields (normalising every choice) is a
    fifth of what taking a questionnaire costs.
    """
    prototypes = question.__dict__.setdefault("_ocena_form_fields", {})
    field = prototypes.get(departments_key)
    if field is None:
        field = question.type.form_field(question, departments)
        field.label = question.text
        field.help_text = question.help_text
        field.required = question.required
        prototypes[departments_key] = field
    return field


def _copy(field):
    # What Field.__deepcopy__ copies, except the choices, which nothing changes in place:
    # copying them deeply normalises them all again.
    copied = copy.copy(field)
    copied.widget = copy.copy(field.widget)
    copied.widget.attrs = field.widget.attrs.copy()
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    return copied


class SurveyResponseForm(forms.Form):
    """The answers to one survey version.

    The one validation of answers: the resident's e-survey and an administrator's
    paper entry both use it, so both channels accept exactly the same answers.
    """

    def __init__(self, *args, questions, departments, **kwargs):
        super().__init__(*args, **kwargs)
        departments = tuple(departments)  # read once, whatever the questions ask of them
        departments_key = tuple((d.pk, d.name, d.is_active) for d in departments)
        self.questions = []
        for question in questions:
            if not question.type.offered(departments):
                continue
            self.fields[question.field_name] = _copy(
                _prototype(question, departments, departments_key)
            )
            self.questions.append(question)

    def question_fields(self):
        return [
            QuestionField(number, question, self[question.field_name])
            for number, question in enumerate(self.questions, start=1)
        ]

    def main_question_fields(self):
        return [q for q in self.question_fields() if not q.type.profile]

    def profile_question_fields(self):
        return [q for q in self.question_fields() if q.type.profile]

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
