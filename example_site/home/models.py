from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
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


class FormPageField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractForm):
    """A form built with Wagtail's own form builder: what an office without wagtail-ocena
    would use; benchmarks/reports.py loads the same responses into one to compare, and
    benchmarks/compare.py posts to one side by side with the survey."""

    content_panels = [*AbstractForm.content_panels, InlinePanel("form_fields", label="Pola")]
    template = "home/form_page.html"
    landing_page_template = "home/form_page_landing.html"

    class Meta:
        verbose_name = "formularz"
