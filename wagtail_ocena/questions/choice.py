from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from ..blocks import AnswerOptionBlock, BaseQuestionBlock
from ..choices import QuestionKind
from ..keys import fill_keys
from ..names import OPTION_KEY_FALLBACK
from .base import QuestionType


class ChoiceQuestionBlock(BaseQuestionBlock):
    options = blocks.ListBlock(AnswerOptionBlock(), min_num=2, label=_("Answers"))

    class Meta:
        icon = "list-ul"
        label = _("Single choice")

    def clean(self, value):
        value = super().clean(value)
        repeated = fill_keys(list(value["options"]), "label", fallback=OPTION_KEY_FALLBACK)
        if repeated:
            raise StructBlockValidationError(
                block_errors={
                    "options": ListBlockValidationError(
                        block_errors={
                            index: StructBlockValidationError(
                                block_errors={
                                    "key": ValidationError(
                                        _("Another answer of this question has the key “%(key)s”."),
                                        params={"key": value["options"][index]["key"]},
                                    )
                                }
                            )
                            for index in repeated
                        }
                    )
                }
            )
        return value

    def question_options(self, value):
        return [(option["key"], option["label"]) for option in value["options"]]


class MultipleChoiceQuestionBlock(ChoiceQuestionBlock):
    class Meta:
        icon = "tasks"
        label = _("Multiple choice")


class ProfileQuestionBlock(ChoiceQuestionBlock):
    """A single-choice question of the respondent profile (metryczka), asked last."""

    class Meta:
        icon = "user"
        label = _("Respondent profile")


class DistinctMultipleChoiceField(forms.MultipleChoiceField):
    """Each option counts once, however often a crafted form repeats it."""

    def to_python(self, value):
        return list(dict.fromkeys(super().to_python(value)))


def option_choices(question):
    return [(option.key, option.label) for option in question.choice_options]


class SingleChoiceQuestion(QuestionType):
    """One answer from the options the editor wrote."""

    name = QuestionKind.SINGLE_CHOICE
    label = _("Single choice")
    block_class = ChoiceQuestionBlock
    report_section = "questions"
    # Shares of the answers given (multiple choice: of the questionnaires that asked it).
    share_of_questionnaires = False

    def form_field(self, question, departments):
        return forms.ChoiceField(
            choices=option_choices(question),
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose an answer."),
                "invalid_choice": _("Choose one of the answers listed."),
            },
        )

    def answer_fields(self, question, value):
        options = {option.key: option for option in question.choice_options}
        keys = value if self.multiple else [value]
        return [{"option": options[key]} for key in keys]

    def form_value(self, answers):
        keys = [answer.option.key for answer in answers]
        return keys if self.multiple else keys[0]

    def count_value(self, answer):
        return answer.option_id

    def count_value_expression(self):
        return F("option_id")

    def report_result(self, result, figures):
        result.options = figures.option_counts(result, self.share_of_questionnaires)
        if not self.multiple:  # several ticks of one response are not told apart
            result.skipped = figures.asked(result) - figures.answered(result)


class MultipleChoiceQuestion(SingleChoiceQuestion):
    """Any number of the options; each ticked option is an answer row of its own."""

    name = QuestionKind.MULTIPLE_CHOICE
    label = _("Multiple choice")
    block_class = MultipleChoiceQuestionBlock
    multiple = True
    share_of_questionnaires = True

    def form_field(self, question, departments):
        return DistinctMultipleChoiceField(
            choices=option_choices(question),
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Choose at least one answer."),
                "invalid_choice": _("Choose only answers from the list."),
            },
        )


class ProfileQuestion(SingleChoiceQuestion):
    """A question of the respondent profile (metryczka): asked last, reported apart."""

    name = QuestionKind.PROFILE
    label = _("Respondent profile")
    block_class = ProfileQuestionBlock
    profile = True
    report_section = "profile"
