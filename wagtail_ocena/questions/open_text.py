from django import forms
from django.db.models import Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import blocks

from ..blocks import BaseQuestionBlock
from ..choices import QuestionKind
from ..text import strip_control_characters
from .base import QuestionType

# Upper bound for the length limit an editor may set on an open question.
MAX_OPEN_TEXT_LENGTH = 5000


class OpenQuestionBlock(BaseQuestionBlock):
    max_length = blocks.IntegerBlock(
        label=_("Maximum length (characters)"),
        default=2000,
        min_value=10,
        max_value=MAX_OPEN_TEXT_LENGTH,
    )

    class Meta:
        icon = "openquote"
        label = _("Open question")

    def question_fields(self, value):
        fields = super().question_fields(value)
        fields["max_length"] = value["max_length"]
        return fields


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


class OpenTextQuestion(QuestionType):
    """Comments and suggestions in the respondent's own words."""

    name = QuestionKind.OPEN_TEXT
    label = _("Open question")
    block_class = OpenQuestionBlock
    free_text = True
    template = "wagtail_ocena/questions/open_text.html"
    paper_template = "wagtail_ocena/questions/paper/open_text.html"
    printable_template = "wagtail_ocena/questions/printable/open_text.html"

    def form_field(self, question, departments):
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

    def answer_fields(self, question, value):
        return [{"text": value}]

    def form_value(self, answers):
        return answers[0].text

    def count_value(self, answer):
        # Counted, never read: a report knows how many comments there are without them.
        return 0

    def count_value_expression(self):
        return Value(0)
