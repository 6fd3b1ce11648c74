from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable


@register_setting(icon="home")
class OfficeSettings(ClusterableModel, BaseSiteSetting):
    """The office (urząd) that runs the survey on one Wagtail site, and its departments.

    Edited with ``forms.OfficeSettingsForm``, which ``apps.py`` sets as the form class.
    """

    name = models.CharField(
        _("office name"),
        max_length=255,
        help_text=_("For example: Urząd Miejski w Koronowie."),
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=500,
        blank=True,
        help_text=_(
            "The ordinance the survey is run under, printed on reports, e.g. “Zarządzenie nr "
            "12/2026 Burmistrza Koronowa z dnia 2 lutego 2026 r. w sprawie badania satysfakcji "
            "Klienta”."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("website"),
                FieldPanel("opening_hours"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("logo"),
        FieldPanel("legal_basis"),
        InlinePanel(
            "departments",
            heading=_("Departments"),
            label=_("Department"),
            help_text=_(
                "Departments and service desks residents can name in the questionnaire. "
                "A department that already has responses cannot be deleted: untick "
                "“active” to remove it from the questionnaire."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("office data")
        verbose_name_plural = _("office data")

    @property
    def legal_basis_missing(self):
        """No ordinance given: a report cannot name it, and a document to sign should."""
        return not self.legal_basis.strip()

    def __str__(self):
        return self.name or str(self.site)

    @classmethod
    def of(cls, site):
        """The office data of ``site`` for printing and reports, never without a name.

        Nothing is created: until the office data is filled in (or while its name is
        empty), an unsaved copy carries the site's name.
        """
        office = cls.objects.filter(site=site).first() or cls(site=site)
        if not office.name:
            office.name = site.site_name or site.hostname
        return office


class DepartmentQuerySet(models.QuerySet):
    def for_site(self, site):
        return self.filter(office__site=site)

    def active(self):
        return self.filter(is_active=True)


class Department(Orderable):
    """A department or service desk (wydział, stanowisko obsługi) of an office."""

    office = ParentalKey(
        OfficeSettings,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("office"),
    )
    name = models.CharField(_("name"), max_length=255)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Only active departments are offered in the questionnaire."),
    )

    objects = DepartmentQuerySet.as_manager()

    panels = [FieldPanel("name"), FieldPanel("is_active")]

    class Meta(Orderable.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    def has_responses(self):
        return self.responses.exists()
