"""The kinds of question, one class each, and the registry the rest of the package asks.

``get(name)`` answers for a stored ``SurveyQuestion.kind``; ``register()`` adds a kind (in
the order the page editor offers them). Built-in kinds are registered on import.
"""

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Case, IntegerField, When
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from ..keys import fill_keys
from ..names import QUESTION_KEY_FALLBACK
from .base import QuestionType, UnregisteredQuestion
from .choice import MultipleChoiceQuestion, ProfileQuestion, SingleChoiceQuestion
from .department import DepartmentQuestion
from .open_text import OpenTextQuestion
from .rating import OverallRatingQuestion, RatingQuestion

# The length of SurveyQuestion.kind, which stores a kind's name.
KIND_MAX_LENGTH = 20
REPORT_SECTIONS = (None, "areas", "overall", "questions", "profile")

_kinds = {}


def register(kind):
    """Add ``kind`` (a ``QuestionType`` subclass or instance); returns it."""
    if isinstance(kind, type):
        kind = kind()
    if not kind.name or len(kind.name) > KIND_MAX_LENGTH:
        raise ImproperlyConfigured(
            f"A question kind's name has 1 to {KIND_MAX_LENGTH} characters: {kind.name!r}."
        )
    if kind.report_section not in REPORT_SECTIONS:
        raise ImproperlyConfigured(
            f"Question kind {kind.name!r}: report_section must be one of {REPORT_SECTIONS}."
        )
    if (kind.report_section == "areas") != kind.rated:
        raise ImproperlyConfigured(
            f"Question kind {kind.name!r}: the rated areas are exactly the rated kinds "
            '(report_section "areas" and rated = True go together).'
        )
    _kinds[kind.name] = kind
    return kind


def unregister(name):
    _kinds.pop(name, None)


def get(name):
    """The kind registered as ``name``; for a name no longer registered, a kind that keeps its
    stored answers out of forms, counts and reports instead of failing."""
    return _kinds.get(name) or UnregisteredQuestion(name)


def kinds():
    return list(_kinds.values())


def kind_choices():
    """``SurveyQuestion.kind``'s choices: a callable, so a kind added later needs no migration."""
    return [(kind.name, kind.label) for kind in _kinds.values()]


def names_where(predicate):
    """The names of the kinds for which ``predicate(kind)`` holds, for database filters."""
    return [kind.name for kind in _kinds.values() if predicate(kind)]


def count_value_expression(predicate=None):
    """Every counted kind's ``count_value`` (of the kinds for which ``predicate(kind)`` holds,
    if given) as one database expression over ``Answer``."""
    return Case(
        *(
            When(question__kind=kind.name, then=kind.count_value_expression())
            for kind in _kinds.values()
            if kind.counted and (predicate is None or predicate(kind))
        ),
        output_field=IntegerField(),
    )


class QuestionsBlock(blocks.StreamBlock):
    """The questions of a questionnaire: a block per registered kind."""

    def __init__(self, local_blocks=None, **kwargs):
        kind_blocks = [(kind.name, kind.block_class()) for kind in _kinds.values()]
        super().__init__([*kind_blocks, *(local_blocks or [])], **kwargs)
        self.meta.block_counts = {
            **{
                kind.name: {"max_num": kind.max_per_questionnaire}
                for kind in _kinds.values()
                if kind.max_per_questionnaire
            },
            **(self.meta.block_counts or {}),
        }

    class Meta:
        min_num = 1

    def clean(self, value):
        value = super().clean(value)
        repeated = fill_keys([child.value for child in value], "text", QUESTION_KEY_FALLBACK)
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


for _kind in (
    RatingQuestion,
    OverallRatingQuestion,
    SingleChoiceQuestion,
    MultipleChoiceQuestion,
    DepartmentQuestion,
    OpenTextQuestion,
    ProfileQuestion,
):
    register(_kind)

__all__ = [
    "QuestionType",
    "QuestionsBlock",
    "count_value_expression",
    "get",
    "kind_choices",
    "kinds",
    "names_where",
    "register",
    "unregister",
]
