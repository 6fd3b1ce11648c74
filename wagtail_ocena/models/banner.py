from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, PageChooserPanel

from ..names import BANNER_HEADING
from .survey import SurveyPage


def default_heading():
    return BANNER_HEADING


class BannerStyle(models.TextChoices):
    # Each style's colours keep a contrast ratio of at least 4.5:1 (WCAG 2.1 AA).
    NAVY = "navy", _("navy blue")
    GREEN = "green", _("green")
    MAROON = "maroon", _("maroon")
    LIGHT = "light", _("light")


class SurveyBanner(models.Model):
    """The "Oceń Urząd" banner that leads residents from a page to the survey."""

    heading = models.CharField(
        _("heading"),
        max_length=100,
        default=default_heading,
        help_text=_("The banner's main text; the ordinance calls it “Oceń Urząd”."),
    )
    text = models.CharField(
        _("text"),
        max_length=255,
        blank=True,
        help_text=_("For example: Tell us how you were served – it takes three minutes."),
    )
    survey_page = models.ForeignKey(
        SurveyPage,
        on_delete=models.CASCADE,
        related_name="banners",
        verbose_name=_("survey"),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
        help_text=_("Optional, decorative: the banner's text is what screen readers announce."),
    )
    style = models.CharField(
        _("colour style"),
        max_length=16,
        choices=BannerStyle.choices,
        default=BannerStyle.NAVY,
    )

    panels = [
        FieldPanel("heading"),
        FieldPanel("text"),
        PageChooserPanel("survey_page", page_type="wagtail_ocena.SurveyPage"),
        FieldPanel("image"),
        FieldPanel("style"),
    ]

    class Meta:
        verbose_name = _("“Oceń Urząd” banner")
        verbose_name_plural = _("“Oceń Urząd” banners")

    def __str__(self):
        return f"{self.heading} → {self.survey_page.title}"
