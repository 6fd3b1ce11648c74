"""The register of corrective and improvement actions (§4): what an office does about its
results, and when."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import RevisionMixin

from .. import questions as question_kinds
from .office import OfficeSettings


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class ImprovementActionQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Not finished, and past their deadline."""
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_STATUSES, deadline__lt=today)


def rated_questions():
    """The questions an action can be about: the rated areas."""
    return models.Q(kind__in=question_kinds.names_where(lambda kind: kind.rated))


class ImprovementAction(RevisionMixin, ClusterableModel):
    """One corrective or improvement action of an office: the problem found, what is done
    about it, by whom and by when, and how far it has got. Its revisions are its history:
    what changed, when and by whom."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("office"),
    )
    problem = models.TextField(
        _("problem"), help_text=_("What the survey showed: the area and its result.")
    )
    description = models.TextField(_("action"), help_text=_("What will be done about it."))
    questions = ParentalManyToManyField(
        "wagtail_ocena.SurveyQuestion",
        blank=True,
        related_name="improvement_actions",
        limit_choices_to=rated_questions,
        verbose_name=_("questions concerned"),
        help_text=_(
            "The rated areas the action is meant to improve: the report measures its effect "
            "on them."
        ),
    )
    department = models.ForeignKey(
        "wagtail_ocena.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("department concerned"),
    )
    responsible_department = models.ForeignKey(
        "wagtail_ocena.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_responsible_for",
        verbose_name=_("responsible department"),
    )
    responsible_person = models.CharField(_("responsible person"), max_length=255)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # The day the action was finished (or dropped, or started): when its effect is measured
    # from. Each change, with who made it, is in the action's revisions.
    status_changed_on = models.DateField(
        _("status since"),
        default=timezone.localdate,
        help_text=_("Set to today when the status changes; correct it if it changed earlier."),
    )
    notes = models.TextField(_("notes"), blank=True)
    source_report = models.ForeignKey(
        "wagtail_ocena.GeneratedReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("from the report"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ImprovementActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("corrective and improvement actions")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["site", "status", "deadline"], name="wagtail_ocena_action")]

    def __str__(self):
        first_line = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return first_line[:80] or str(_("improvement action"))

    @property
    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self):
        return self.overdue_on(timezone.localdate())

    def overdue_on(self, day):
        """Not finished, and past its deadline on ``day``."""
        return self.status in OPEN_STATUSES and self.deadline < day

    @admin.display(description=_("office"))
    def office_name(self):
        return OfficeSettings.of(self.site).name

    @admin.display(description=_("status"))
    def status_label(self):
        return self.get_status_display()

    @admin.display(description=_("overdue"))
    def overdue_label(self):
        return _("yes") if self.is_overdue else ""

    @admin.display(description=_("questions concerned"))
    def questions_concerned(self):
        return "; ".join(question.text for question in self.questions.all())

    def clean(self):
        errors = {}
        created = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
        if self.deadline and self.deadline < created:
            errors["deadline"] = _("The deadline cannot be before the day the action was added.")
        for name in ("department", "responsible_department"):
            department = getattr(self, name)
            if (
                department is not None
                and self.site_id
                and department.office.site_id != self.site_id
            ):
                errors[name] = _("This department belongs to another office.")
        if errors:
            raise ValidationError(errors)
