from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_ocena.blocks import SurveyBannerBlock


class HomePage(Page):
    """The office's homepage; editors place the "Oceń Urząd" banner in its body."""

    body = StreamField(
        [
            ("heading", blocks.CharBlock(form_classname="title", label="Nagłówek")),
            ("paragraph", blocks.RichTextBlock(label="Akapit")),
            ("survey_banner", SurveyBannerBlock()),
        ],
        blank=True,
        verbose_name="treść",
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = "strona główna"
