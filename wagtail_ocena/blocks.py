"""StreamField blocks: the questions editors build a questionnaire from, and the banner block."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from .choices import QuestionKind
from .defaults import SCALE_LABELS, SiteLanguageText
from .keys import fill_keys

# Upper bound for the length limit an editor may set on an open question.
MAX_OPEN_TEXT_LENGTH = 5000

KEY_HELP = _(
    "Identifies the question in reports across questionnaire versions. Leave empty to "
    "generate it from the question; keep it when you only reword a question, change it "
    "when the question asks about something else."
)


class BaseQuestionBlock(blocks.StructBlock):
    """Fields every question has; subclasses add their own and set ``kind``."""

    kind = None

    text = blocks.CharBlock(label=_("Question"), max_length=500)
    help_text = blocks.CharBlock(label=_("Hint"), required=False, max_length=500)
    required = blocks.BooleanBlock(label=_("Answer required"), required=False, default=False)
    key = blocks.CharBlock(
        label=_("Key"),
        required=False,
        max_length=50,
        validators=[validate_slug],
        help_text=KEY_HELP,
    )

    def question_fields(self, value):
        """The fields of a frozen ``SurveyQuestion`` that this block's value defines."""
        return {
            "kind": self.kind,
            "key": value["key"],
            "text": value["text"],
            "help_text": value["help_text"] or "",
            "required": bool(value["required"]),
        }

    def question_options(self, value):
        """``(key, label)`` pairs of the answer options, for choice questions."""
        return []


class ScaleLabelsBlock(blocks.StructBlock):
    label_1 = blocks.CharBlock(label="1", max_length=60, default=SiteLanguageText(SCALE_LABELS[0]))
    label_2 = blocks.CharBlock(label="2", max_length=60, default=SiteLanguageText(SCALE_LABELS[1]))
    label_3 = blocks.CharBlock(label="3", max_length=60, default=SiteLanguageText(SCALE_LABELS[2]))
    label_4 = blocks.CharBlock(label="4", max_length=60, default=SiteLanguageText(SCALE_LABELS[3]))
    label_5 = blocks.CharBlock(label="5", max_length=60, default=SiteLanguageText(SCALE_LABELS[4]))

    class Meta:
        label = _("Scale labels")
        form_classname = "w-panel--nested"


class RatingQuestionBlock(BaseQuestionBlock):
    kind = QuestionKind.RATING

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


class AnswerOptionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Answer"), max_length=255)
    key = blocks.CharBlock(
        label=_("Key"),
        required=False,
        max_length=50,
        validators=[validate_slug],
        help_text=_("Leave empty to generate it from the answer."),
    )

    class Meta:
        label = _("Answer option")


class ChoiceQuestionBlock(BaseQuestionBlock):
    kind = QuestionKind.SINGLE_CHOICE

    options = blocks.ListBlock(AnswerOptionBlock(), min_num=2, label=_("Answers"))

    class Meta:
        icon = "list-ul"
        label = _("Single choice")

    def clean(self, value):
        value = super().clean(value)
        repeated = fill_keys(list(value["options"]), "label", fallback="odp")
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
    kind = QuestionKind.MULTIPLE_CHOICE

    class Meta:
        icon = "tasks"
        label = _("Multiple choice")


class ProfileQuestionBlock(ChoiceQuestionBlock):
    """A single-choice question of the respondent profile (metryczka), asked last."""

    kind = QuestionKind.PROFILE

    class Meta:
        icon = "user"
        label = _("Respondent profile")


class DepartmentQuestionBlock(BaseQuestionBlock):
    """Which department handled the matter; the answers are the office's active departments."""

    kind = QuestionKind.DEPARTMENT

    class Meta:
        icon = "group"
        label = _("Department")


class OpenQuestionBlock(BaseQuestionBlock):
    kind = QuestionKind.OPEN_TEXT

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


class QuestionsBlock(blocks.StreamBlock):
    rating = RatingQuestionBlock()
    single_choice = ChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    department = DepartmentQuestionBlock()
    open_text = OpenQuestionBlock()
    profile = ProfileQuestionBlock()

    class Meta:
        min_num = 1
        block_counts = {"department": {"max_num": 1}}

    def clean(self, value):
        value = super().clean(value)
        repeated = fill_keys([child.value for child in value], "text", fallback="pytanie")
        if repeated:
            raise StreamBlockValidationError(
                block_errors={
                    index: StructBlockValidationError(
                        block_errors={
                            "key": ValidationError(
                                _("Another question has the key “%(key)s”."),
                                params={"key": value[index].value["key"]},
                            )
                        }
                    )
                    for index in repeated
                }
            )
        return value


class SurveyBannerBlock(SnippetChooserBlock):
    """Places an "Oceń Urząd" banner in any StreamField."""

    def __init__(self, **kwargs):
        super().__init__("wagtail_ocena.SurveyBanner", **kwargs)

    def render_basic(self, value, context=None):
        from .templatetags.wagtail_ocena_tags import render_banner

        return render_banner(value, context)

    class Meta:
        label = _("“Oceń Urząd” banner")
        icon = "pick"
