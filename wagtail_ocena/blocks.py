"""StreamField blocks shared by the question kinds (``questions/``), and the banner block."""

from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .defaults import SCALE_LABELS, SiteLanguageText

KEY_HELP = _(
    "Identifies the question in reports across questionnaire versions. Leave empty to "
    "generate it from the question; keep it when you only reword a question, change it "
    "when the question asks about something else."
)


class BaseQuestionBlock(blocks.StructBlock):
    """Fields every question has; a kind's block adds its own (``questions/``)."""

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


class SurveyBannerBlock(SnippetChooserBlock):
    """Places an "Oceń Urząd" banner in any StreamField."""

    def __init__(self, **kwargs):
        super().__init__("wagtail_ocena.SurveyBanner", **kwargs)

    class Meta:
        label = _("“Oceń Urząd” banner")
        icon = "pick"
        # Drawn by the template tag the templates use, so the block needs no import of it.
        template = "wagtail_ocena/banner_block.html"
