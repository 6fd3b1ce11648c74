from django.db import models
from django.utils.translation import gettext_lazy as _

# The value a rating question stores when the respondent says it does not apply.
NOT_APPLICABLE = "na"


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    DEPARTMENT = "department", _("Department")
    OPEN_TEXT = "open_text", _("Open question")
    PROFILE = "profile", _("Respondent profile")


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("electronic")
    PAPER = "paper", _("paper")
