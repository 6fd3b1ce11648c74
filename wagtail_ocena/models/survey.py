import hashlib
import json

import swapper
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import PageManager, Site
from wagtail.query import PageQuerySet

from .. import defaults, names
from .. import questions as question_kinds
from ..keys import fill_keys

# The site's page model: wagtail.models.Page unless WAGTAIL_PAGE_MODEL swaps it (the app
# defining a swapped model must then come before wagtail_ocena in INSTALLED_APPS).
Page = swapper.load_model("wagtailcore", "Page", require_ready=False)


class SurveyPageQuerySet(PageQuerySet):
    def of_site(self, site):
        """The pages that belong to ``site``'s office.

        ``in_site()`` also returns the pages of a site whose root lies inside this one's tree,
        which belong to another office.
        """
        pages = self.in_site(site)
        root = site.root_page
        nested_roots = Site.objects.filter(
            root_page__path__startswith=root.path, root_page__depth__gt=root.depth
        ).values_list("root_page__path", flat=True)
        for nested_root in nested_roots:
            pages = pages.exclude(path__startswith=nested_root)
        return pages


class AbstractSurveyPage(RoutablePageMixin, Page):
    """A questionnaire page: its questions edited as blocks, its routes, its versions.

    Publishing a changed question set freezes it as a new ``SurveyVersion``; responses
    always point at the version they answered. ``SurveyPage`` is the concrete page type;
    a site that needs a survey page with fields of its own subclasses ``SurveyPage``
    (versions, responses and banners point at it), overriding ``template`` or
    ``content_panels`` as for any page.
    """

    objects = PageManager.from_queryset(SurveyPageQuerySet)()

    intro = RichTextField(_("introduction"), blank=True, default=defaults.default_intro)
    questions = StreamField(
        question_kinds.QuestionsBlock(),
        verbose_name=_("questions"),
        default=defaults.default_questions,
    )
    thank_you_text = RichTextField(_("thank-you text"), default=defaults.default_thank_you_text)
    privacy_notice = RichTextField(
        _("privacy notice"),
        blank=True,
        default=defaults.default_privacy_notice,
        help_text=_("Klauzula informacyjna, shown under the questionnaire."),
    )
    offer_printable = models.BooleanField(
        _("offer the questionnaire to print"),
        default=False,
        help_text=_(
            "Show residents a link to the printable questionnaire (PDF), to fill in by hand "
            "and hand in at the office."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        HelpPanel(
            content=_(
                "Publishing changed questions creates a new questionnaire version. Answers "
                "given to earlier versions are kept unchanged. Editing only the texts around "
                "the questions does not create a version."
            ),
        ),
        FieldPanel("questions"),
        FieldPanel("thank_you_text"),
        FieldPanel("privacy_notice"),
        FieldPanel("offer_printable"),
    ]

    subpage_types = []
    template = "wagtail_ocena/survey_page.html"
    thank_you_template = "wagtail_ocena/thank_you_page.html"

    preview_modes = [("", _("Questionnaire")), ("thank-you", _("Thank-you page"))]

    class Meta:
        abstract = True

    @path("")
    def index_route(self, request):
        from ..views.public import survey_form

        return survey_form(request, self)

    @path(names.THANK_YOU_PATH, name="thank_you")
    def thank_you(self, request):
        from ..views.public import thank_you

        return thank_you(request, self)

    @path(names.PRINTABLE_PATH, name="printable")
    def printable(self, request):
        from ..views.public import printable_questionnaire

        return printable_questionnaire(request, self)

    def serve_preview(self, request, mode_name):
        from ..views.public import survey_form, thank_you

        if mode_name == "thank-you":
            return thank_you(request, self)
        return survey_form(request, self, preview=True)

    def get_thank_you_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage("thank_you")

    @property
    def current_version(self):
        """The most recently published version of the questions, or None.

        An alias answers the versions of its original, so results are not split.
        """
        page_id = self.alias_of_id or self.pk
        return SurveyVersion.objects.filter(page_id=page_id).order_by("-number").first()

    def questions_changed(self):
        """Whether publishing this page would freeze a new version (it has one already)."""
        current = self.current_version
        if current is None or self.alias_of_id:
            return False
        return question_set_fingerprint(self.draft_questions()) != current.fingerprint

    def draft_questions(self):
        """The questions as edited on this page (not frozen), as unsaved ``SurveyQuestion``s."""
        children = list(self.questions)
        fields = [child.block.question_fields(child.value) for child in children]
        _ensure_unique_keys(fields, "text", fallback=names.QUESTION_KEY_FALLBACK)
        questions = []
        for position, (child, question_fields) in enumerate(zip(children, fields, strict=True)):
            options = [
                {"key": key, "label": label}
                for key, label in child.block.question_options(child.value)
            ]
            _ensure_unique_keys(options, "label", fallback=names.OPTION_KEY_FALLBACK)
            # The stream child's name is the question's kind (``questions.QuestionsBlock``).
            question = SurveyQuestion(position=position, kind=child.block_type, **question_fields)
            question.choice_options = [
                QuestionOption(position=index, **option) for index, option in enumerate(options)
            ]
            questions.append(question)
        return questions

    @transaction.atomic
    def freeze_version(self, user=None, revision=None):
        """Freeze the page's questions as a new version, unless they equal the current one.

        Returns the version responses should now point at.
        """
        questions = self.draft_questions()
        fingerprint = question_set_fingerprint(questions)
        # Lock the page row so two concurrent publishes cannot both create version N.
        Page.objects.select_for_update().filter(pk=self.pk).first()
        current = self.versions.order_by("-number").first()
        if current is not None and current.fingerprint == fingerprint:
            return current
        version = SurveyVersion.objects.create(
            page=self,
            number=(current.number + 1) if current else 1,
            fingerprint=fingerprint,
            created_by=user,
            revision=revision,
        )
        for question in questions:
            question.version = version
        SurveyQuestion.objects.bulk_create(questions)
        QuestionOption.objects.bulk_create(
            [option for question in questions for option in _bind_options(question)]
        )
        return version


class SurveyPage(AbstractSurveyPage):
    """The questionnaire "Ankieta badania satysfakcji Klienta" residents answer online."""

    class Meta:
        verbose_name = _("customer satisfaction survey")
        verbose_name_plural = _("customer satisfaction surveys")


def _ensure_unique_keys(values, text_field, fallback):
    # Content written outside the page editor may lack keys or repeat them, which the
    # editor's validation refuses; freezing makes them unique instead.
    for index in fill_keys(values, text_field, fallback):
        values[index]["key"] = ""
    fill_keys(values, text_field, fallback)


def _bind_options(question):
    for option in question.choice_options:
        option.question = question
        yield option


def question_set_fingerprint(questions):
    """A digest of everything about the questions that answers depend on."""
    state = [question.frozen_state() for question in questions]
    encoded = json.dumps(state, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


class FrozenQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are frozen and cannot be changed.")


class FrozenModel(models.Model):
    """Rows that must never change once written: answers depend on them."""

    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is frozen and cannot be changed.")
        super().save(*args, **kwargs)


class SurveyVersionQuerySet(FrozenQuerySet):
    def for_site(self, site):
        """Versions of every survey page on ``site`` (aliases count as their originals)."""
        pages = SurveyPage.objects.of_site(site).values_list("pk", "alias_of_id")
        return self.filter(page_id__in={alias_of or pk for pk, alias_of in pages})


class SurveyVersion(FrozenModel):
    """An immutable, published question set of a survey page."""

    page = models.ForeignKey(
        SurveyPage,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("survey"),
    )
    number = models.PositiveIntegerField(_("number"))
    fingerprint = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SurveyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "number"], name="wagtail_ocena_version_unique_number"
            )
        ]

    def __str__(self):
        return _("version %(code)s") % {"code": self.code}

    @property
    def code(self):
        """Short code printed on paper questionnaires, unique across the installation."""
        return names.version_code(self.page_id, self.number)

    def load_questions(self):
        """The questions in order, each with ``choice_options`` loaded."""
        questions = list(self.questions.prefetch_related("options"))
        for question in questions:
            question.choice_options = list(question.options.all())
        return questions


class SurveyQuestion(FrozenModel):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    key = models.SlugField(_("key"), max_length=50)
    kind = models.CharField(
        _("kind"), max_length=question_kinds.KIND_MAX_LENGTH, choices=question_kinds.kind_choices
    )
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    allow_not_applicable = models.BooleanField(default=False)
    scale_labels = models.JSONField(default=list, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="wagtail_ocena_question_unique_key"
            )
        ]

    def __str__(self):
        return self.text

    def frozen_state(self):
        return {
            "kind": str(self.kind),
            "key": self.key,
            "text": self.text,
            "help_text": self.help_text,
            "required": self.required,
            "allow_not_applicable": self.allow_not_applicable,
            "scale_labels": self.scale_labels,
            "max_length": self.max_length,
            "options": [[option.key, option.label] for option in self.choice_options],
        }

    @property
    def field_name(self):
        return f"q-{self.key}"

    @property
    def type(self):
        """The question's kind (``wagtail_ocena.questions``): everything that differs by kind."""
        return question_kinds.get(self.kind)


class QuestionOption(FrozenModel):
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField()
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("answer"), max_length=255)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "key"], name="wagtail_ocena_option_unique_key"
            )
        ]

    def __str__(self):
        return self.label
