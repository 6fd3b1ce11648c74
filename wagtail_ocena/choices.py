from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

# The value a rating question stores when the respondent says it does not apply.
NOT_APPLICABLE = "na"

# The points of the scale of every rated question (``QuestionType.rated``), and those that
# count as satisfied (the satisfaction index is their share). "Not applicable" is not on it.
RATING_SCALE = (1, 2, 3, 4, 5)
POSITIVE_RATINGS = (4, 5)


class QuestionKind(StrEnum):
    """The names of the built-in question kinds, as stored in ``SurveyQuestion.kind``; what
    each kind does lives in ``wagtail_ocena.questions``."""

    RATING = "rating"
    OVERALL_RATING = "overall_rating"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    DEPARTMENT = "department"
    OPEN_TEXT = "open_text"
    PROFILE = "profile"


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("electronic")
    PAPER = "paper", _("paper")
