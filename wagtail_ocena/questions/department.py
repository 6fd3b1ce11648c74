from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..blocks import BaseQuestionBlock
from ..choices import QuestionKind
from .base import QuestionType


class DepartmentQuestionBlock(BaseQuestionBlock):
    """Which department handled the matter; the answers are the office's active departments."""

    class Meta:
        icon = "group"
        label = _("Department")


class DepartmentChoiceField(forms.ChoiceField):
    """A choice of the given departments (loaded already), cleaned to the department."""

    def __init__(self, departments, **kwargs):
        self.departments = {str(department.pk): department for department in departments}
        super().__init__(
            choices=[(str(d.pk), self.label_from_instance(d)) for d in departments], **kwargs
        )

    def label_from_instance(self, department):
        # Only paper entry offers inactive departments: a sheet printed before a department
        # was deactivated still names it.
        if department.is_active:
            return department.name
        return gettext("%(name)s (inactive)") % {"name": department.name}

    def clean(self, value):
        value = super().clean(value)
        return self.departments[value] if value else None

    def has_changed(self, initial, data):
        # The initial value is a department's id, the posted one its text.
        return str(initial or "") != str(data or "")


class DepartmentQuestion(QuestionType):
    """The department or desk that handled the matter: the response's department.

    Not counted as an answer: it is the department of every count row of the response.
    """

    name = QuestionKind.DEPARTMENT
    label = _("Department")
    block_class = DepartmentQuestionBlock
    max_per_questionnaire = 1
    counted = False
    sets_department = True
    printable_columns = True

    def offered(self, departments):
        # An office without active departments cannot be asked to choose one.
        return bool(departments)

    def form_field(self, question, departments):
        return DepartmentChoiceField(
            departments,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose the department."),
                "invalid_choice": _("Choose one of the office's departments listed."),
            },
        )

    def answer_fields(self, question, value):
        return [{"department": value}]

    def form_value(self, answers):
        return answers[0].department_id

    def count_value(self, answer):
        return None
