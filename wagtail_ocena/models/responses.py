import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .. import questions as question_kinds
from ..choices import Channel
from .counts import count_inserts, recount
from .inserts import Insert, insert_together
from .office import Department
from .survey import SurveyVersion
from .tokens import UsedFormToken


class SurveyResponseQuerySet(models.QuerySet):
    def settled(self, today=None):
        """Responses that may be shown one by one: paper ones, and electronic ones of the
        days that are over. Today's electronic responses, shown as they arrive, would let a
        clerk who has just served a client read that client's answers."""
        today = today or timezone.localdate()
        return self.exclude(channel=Channel.ELECTRONIC, submitted_on__gte=today)


class SurveyResponseManager(models.Manager.from_queryset(SurveyResponseQuerySet)):
    def record(self, version, answers, *, questions=None, once=None, **fields):
        """Save one completed questionnaire: the response, all its answer rows and counts, or
        nothing.

        ``answers`` maps question keys to cleaned values, as ``SurveyResponseForm.answers()``
        returns them; ``fields`` are the response's own (``site``, ``channel``,
        ``submitted_on``...). ``questions`` are the version's loaded questions, if the caller
        has them. With ``once`` (an unsaved ``UsedFormToken``), it is saved only if that
        token is not used yet, and marks it used; returns the saved response, or None if the
        token was used already.
        """
        if questions is None:
            questions = version.load_questions()
        response, rows = draft_response(version, questions, answers, **fields)
        for row in rows:
            row.response = response
        inserts = [Insert.of([response]), *([Insert.of(rows)] if rows else [])]
        claim = None
        if once is not None:
            UsedFormToken.objects.prune_now_and_then()
            claim = Insert.of([once], key=["key"])
        if not insert_together([*inserts, *count_inserts(response, rows)], claim=claim):
            return None
        for obj in (response, *rows):
            obj._state.adding, obj._state.db = False, self.db
        return response


def draft_response(version, questions, answers, **fields):
    """The unsaved response and its unsaved answer rows for cleaned ``answers``."""
    rows = []
    department = None
    for question in questions:
        value = answers.get(question.key)
        if value in (None, "", []):
            continue
        kind = question.type
        rows.extend(Answer(question=question, **row) for row in kind.answer_fields(question, value))
        if kind.sets_department:
            department = value
    return SurveyResponse(version=version, department=department, **fields), rows


class SurveyResponse(models.Model):
    """One completed questionnaire, electronic or paper.

    Deliberately holds nothing that identifies the respondent: no IP address, user agent,
    session or time of day, only the date; and a random id, so that not even the order of
    submissions within a day can be read from it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Wagtail's reference index would write rows with sequential ids for every response.
    wagtail_reference_index_ignore = True
    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("office"),
        help_text=_("The site (office) the questionnaire was answered for."),
    )
    version = models.ForeignKey(
        SurveyVersion,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("survey version"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    submitted_on = models.DateField(_("date"))
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("department"),
    )

    # Paper questionnaires only: who typed the sheet in and when (the clerk's work, not
    # the respondent's), and what is written on the sheet.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    sheet_date = models.DateField(
        _("date on the sheet"), null=True, blank=True, help_text=_("If the sheet has one.")
    )
    batch = models.CharField(
        _("batch"),
        max_length=100,
        blank=True,
        help_text=_("Where the sheets came from, e.g. “skrzynka BOI, marzec 2026”."),
    )
    sheet_number = models.PositiveIntegerField(_("sheet number"), null=True, blank=True)

    objects = SurveyResponseManager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        # Responses are created by residents and by paper entry, never through a generic
        # "add" or "change": those permissions would mean nothing.
        default_permissions = ("view", "delete")
        permissions = [
            ("enter_paper_surveyresponse", _("Can enter and correct paper questionnaires")),
            ("download_printable_surveyresponse", _("Can download the printable questionnaire")),
        ]
        indexes = [
            models.Index(
                fields=["version", "submitted_on"],
                name="wagtail_ocena_resp_version_day",
            ),
            models.Index(fields=["site", "submitted_on"], name="wagtail_ocena_resp_site_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "batch", "sheet_number"],
                condition=models.Q(channel="paper", sheet_number__isnull=False)
                & ~models.Q(batch=""),
                name="wagtail_ocena_paper_sheet_unique",
            )
        ]

    def __str__(self):
        return _("Response of %(date)s (%(channel)s)") % {
            "date": date_format(self.submitted_on),
            "channel": self.get_channel_display(),
        }

    @property
    def is_paper(self):
        return self.channel == Channel.PAPER

    @transaction.atomic
    def correct(self, answers, *, questions=None, **fields):
        """Replace the answers (and given fields) of this response, all or nothing.

        Raises ``SurveyResponse.DoesNotExist`` if it was deleted meanwhile.
        """
        # What is stored now, locked: another correction may have changed it since this
        # object was read, and the counts must lose exactly what they hold.
        stored = SurveyResponse.objects.select_for_update().filter(pk=self.pk).first()
        if stored is None:
            raise SurveyResponse.DoesNotExist("The response was deleted meanwhile.")
        stored_answers = list(stored.answers.select_related("question"))
        if questions is None:
            questions = self.version.load_questions()
        corrected, rows = draft_response(self.version, questions, answers, **fields)
        self.department = corrected.department
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(force_update=True)
        self.answers.all().delete()
        for row in rows:
            row.response = self
        Answer.objects.bulk_create(rows)
        recount(stored, stored_answers, self, rows)

    def form_answers(self):
        """The stored answers as ``SurveyResponseForm`` data, for correcting them."""
        by_question = {}
        for answer in self.answers.select_related("question", "option").order_by("pk"):
            by_question.setdefault(answer.question, []).append(answer)
        return {
            question.field_name: question.type.form_value(rows)
            for question, rows in by_question.items()
        }


# Stored in place of a redacted text, in the installation's language, so that reports,
# exports and the listing show that a comment was there and was removed.
REDACTED_TEXT = _("[removed by the office: the comment could contain personal data]")


class AnswerQuerySet(models.QuerySet):
    def open_answers(self):
        free_text = question_kinds.names_where(lambda kind: kind.free_text)
        return self.filter(question__kind__in=free_text).exclude(text="")

    def redact(self):
        """Replace the texts of these open answers by ``REDACTED_TEXT``, in one statement;
        how many were redacted now. Counts and ratings stay."""
        with translation.override(settings.LANGUAGE_CODE):
            marker = str(REDACTED_TEXT)
        return self.open_answers().filter(redacted=False).update(text=marker, redacted=True)


class Answer(models.Model):
    """One question's answer within a response (one row per chosen option)."""

    # Random, like the response's: a sequential key would give away the order of submissions.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wagtail_reference_index_ignore = True
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "wagtail_ocena.SurveyQuestion", on_delete=models.PROTECT, related_name="answers"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    option = models.ForeignKey(
        "wagtail_ocena.QuestionOption",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
    )
    text = models.TextField(blank=True)
    # The text was replaced by ``REDACTED_TEXT`` (it held personal data, or outlived the
    # office's retention period); the answer still counts.
    redacted = models.BooleanField(_("redacted"), default=False)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["question", "rating"], name="wagtail_ocena_ans_rating"),
            models.Index(fields=["question", "option"], name="wagtail_ocena_ans_option"),
            # Only open answers have text: the report finds the newest comments through this
            # small index instead of reading every answer of the period.
            models.Index(
                fields=["response"],
                condition=~models.Q(text=""),
                name="wagtail_ocena_ans_comment",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="wagtail_ocena_answer_rating_1_5",
            ),
            # One row per question, or per chosen option of a multiple-choice question.
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                name="wagtail_ocena_answer_unique_option",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=models.Q(option__isnull=True),
                name="wagtail_ocena_answer_unique_question",
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.value_display()}"

    def value_display(self):
        if self.not_applicable:
            return str(_("not applicable / hard to say"))
        if self.rating is not None:
            return str(self.rating)
        return str(self.option or self.department or self.text)
