from django import forms
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..blocks import BaseQuestionBlock, ScaleLabelsBlock
from ..choices import NOT_APPLICABLE, QuestionKind
from .base import QuestionType

NOT_APPLICABLE_LABEL = _("not applicable / hard to say")


class RatingQuestionBlock(BaseQuestionBlock):
    allow_not_applicable = blocks.BooleanBlock(
        label=_("Offer “not applicable / hard to say”"), required=False, default=True
    )
    scale = ScaleLabelsBlock()

    class Meta:
        icon = "pick"
        label = _("Rating 1–5")

    def question_fields(self, value):
        fields = super().question_fields(value)
        fields["allow_not_applicable"] = bool(value["allow_not_applicable"])
        fields["scale_labels"] = [str(value["scale"][f"label_{i}"]) for i in range(1, 6)]
        return fields


class RatingQuestion(QuestionType):
    """A rated area: 1 (bad) to 5 (very good), optionally "not applicable / hard to say"."""

    name = QuestionKind.RATING
    label = _("Rating 1–5")
    block_class = RatingQuestionBlock
    rated = True
    scale = True
    report_section = "areas"
    printable_group_template = "wagtail_ocena/questions/printable/rating_table.html"

    def form_field(self, question, departments):
        labels = question.scale_labels or [""] * 5
        choices = [(str(value), label) for value, label in zip(range(1, 6), labels, strict=True)]
        if question.allow_not_applicable:
            choices.append((NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose a rating."),
                "invalid_choice": _("Choose a rating from 1 to 5."),
            },
        )

    def printable_group(self, question):
        return (self.name, tuple(question.scale_labels), question.allow_not_applicable)

    def answer_fields(self, question, value):
        if value == NOT_APPLICABLE:
            return [{"not_applicable": True}]
        return [{"rating": int(value)}]

    def form_value(self, answers):
        answer = answers[0]
        return NOT_APPLICABLE if answer.not_applicable else str(answer.rating)

    def cell(self, rating, not_applicable, option_label, department_name, text):
        return gettext("n/a") if not_applicable else rating

    def count_value(self, answer):
        # 0 stands for "not applicable": reports count it apart from the scale.
        return 0 if answer.not_applicable else answer.rating

    def count_value_expression(self):
        return Coalesce(F("rating"), Value(0))

    def report_result(self, result, figures):
        result.rating = figures.rating(result)
        result.previous = figures.previous_rating(result)
        result.skipped = figures.asked(result) - figures.answered(result)


class OverallRatingQuestionBlock(RatingQuestionBlock):
    allow_not_applicable = blocks.BooleanBlock(
        label=_("Offer “not applicable / hard to say”"), required=False, default=False
    )

    class Meta:
        icon = "pick"
        label = _("Overall rating 1–5")


class OverallRatingQuestion(RatingQuestion):
    """The respondent's overall satisfaction on the same scale: reported beside the mean of
    the rated areas, as what it is, never as one of the areas (nor in their indices)."""

    name = QuestionKind.OVERALL_RATING
    label = _("Overall rating 1–5")
    block_class = OverallRatingQuestionBlock
    max_per_questionnaire = 1
    rated = False
    report_section = "overall"
