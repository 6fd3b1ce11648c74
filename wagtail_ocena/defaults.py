"""The questionnaire and texts a new survey page starts with.

Written in the site's language (``LANGUAGE_CODE``) rather than the editor's admin
language: the questionnaire is content for the office's residents.
"""

import functools

from django.conf import settings
from django.utils import translation
from django.utils.deconstruct import deconstructible
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

SCALE_LABELS = [
    gettext_noop("bad"),
    gettext_noop("rather bad"),
    gettext_noop("average"),
    gettext_noop("good"),
    gettext_noop("very good"),
]


@deconstructible
class SiteLanguageText:
    """A default text, translated into the site's language when used: block defaults
    become questionnaire content, whatever language the editor's admin is in."""

    def __init__(self, message):
        self.message = message

    def __call__(self):
        with translation.override(settings.LANGUAGE_CODE):
            return _(self.message)

    def __eq__(self, other):
        return isinstance(other, SiteLanguageText) and self.message == other.message

    def __hash__(self):
        return hash(self.message)


def _in_site_language(build):
    @functools.wraps(build)
    def wrapper():
        with translation.override(settings.LANGUAGE_CODE):
            return build()

    return wrapper


def _scale():
    return {f"label_{n}": _(label) for n, label in enumerate(SCALE_LABELS, start=1)}


def _question(kind, key, text, required=False, help_text="", **extra):
    return {
        "type": kind,
        "value": {
            "key": key,
            "text": text,
            "help_text": help_text,
            "required": required,
            **extra,
        },
    }


def _choice(kind, key, text, options, required=False, help_text=""):
    return _question(
        kind,
        key,
        text,
        required=required,
        help_text=help_text,
        options=[{"key": option_key, "label": label} for option_key, label in options],
    )


def _rating(key, text, required=False, allow_not_applicable=True):
    return _question(
        "rating",
        key,
        text,
        required=required,
        allow_not_applicable=allow_not_applicable,
        scale=_scale(),
    )


@_in_site_language
def default_questions():
    """The default questionnaire, in the raw StreamField format of ``SurveyPage.questions``."""
    return [
        _question(
            "department",
            "wydzial",
            _("In which department or at which desk was your matter handled?"),
            required=True,
        ),
        _choice(
            "single_choice",
            "cel-wizyty",
            _("What was the purpose of your visit?"),
            [
                ("wniosek", _("submitting an application or documents")),
                ("odbior", _("collecting a document or decision")),
                ("informacja", _("getting information")),
                ("oplata", _("paying a tax or fee")),
                ("inna", _("another matter")),
            ],
        ),
        _choice(
            "single_choice",
            "czestotliwosc",
            _("How often do you handle matters at the office?"),
            [
                ("pierwszy-raz", _("this is the first time")),
                ("kilka-razy-w-roku", _("a few times a year")),
                ("co-miesiac", _("once a month or more often")),
            ],
        ),
        _choice(
            "single_choice",
            "sprawa-zalatwiona",
            _("Was your matter dealt with?"),
            [
                ("tak", _("yes")),
                ("czesciowo", _("partly, or it is still in progress")),
                ("nie", _("no")),
            ],
        ),
        _choice(
            "single_choice",
            "wlasciwy-urzednik",
            _("Did you get to the right clerk straight away?"),
            [("tak", _("yes")), ("nie", _("no"))],
        ),
        _rating("czas-oczekiwania", _("Waiting time before being served")),
        _rating("szybkosc-obslugi", _("Speed of handling the matter")),
        _rating("kompetencje", _("Staff competence and clarity of the information given")),
        _rating("uprzejmosc", _("Courtesy of the staff")),
        _rating("pomoc", _("Help in getting the matter done (guidance, filling in forms)")),
        _rating("terminowosc", _("Keeping deadlines")),
        _rating("godziny-pracy", _("Opening hours of the office")),
        _rating("formularze", _("Readability of forms and documents")),
        _rating("oznakowanie", _("Signage and conditions on the premises")),
        _rating("dostepnosc", _("Accessibility for people with disabilities")),
        _rating("strona-www", _("The office's website")),
        _question(
            "overall_rating",
            "ogolna-ocena",
            _("Overall, how satisfied are you with the service at the office?"),
            required=True,
            allow_not_applicable=False,
            scale=_scale(),
        ),
        _choice(
            "single_choice",
            "porownanie",
            _("Compared with other institutions, the service at our office is:"),
            [
                ("lepsza", _("better")),
                ("podobna", _("similar")),
                ("gorsza", _("worse")),
                ("nie-wiem", _("I have no opinion")),
            ],
        ),
        _question(
            "open_text",
            "uwagi",
            _("Your comments and suggestions"),
            help_text=_("Please do not write your name or other personal data here."),
            max_length=2000,
        ),
        _choice(
            "profile",
            "klient",
            _("You are:"),
            [
                ("osoba-fizyczna", _("a private person")),
                ("firma", _("representing a business or institution")),
            ],
        ),
        _choice(
            "profile",
            "wiek",
            _("Your age:"),
            [
                ("do-25", _("up to 25")),
                ("26-40", _("26–40")),
                ("41-55", _("41–55")),
                ("56-70", _("56–70")),
                ("powyzej-70", _("over 70")),
            ],
        ),
        _choice(
            "profile",
            "plec",
            _("Sex:"),
            [
                ("kobieta", _("a woman")),
                ("mezczyzna", _("a man")),
                ("bez-odpowiedzi", _("I prefer not to say")),
            ],
        ),
        _choice(
            "profile",
            "mieszkaniec",
            _("Do you live in the municipality?"),
            [("tak", _("yes")), ("nie", _("no"))],
        ),
    ]


@_in_site_language
def default_intro():
    return format_html(
        "<p>{}</p>",
        _(
            "We want to serve you as well as we can. Please tell us how you were served: "
            "the questionnaire is anonymous and takes about three minutes."
        ),
    )


@_in_site_language
def default_thank_you_text():
    return format_html(
        "<p>{}</p>",
        _("Thank you for your answers. Your opinion helps us serve residents better."),
    )


@_in_site_language
def default_privacy_notice():
    return format_html(
        "<p>{}</p><p>{}</p>",
        _(
            "The questionnaire is anonymous. We do not record your name, address, IP "
            "address or anything else that identifies you; we keep only the day on which "
            "the questionnaire was filled in. Please do not write personal data in the "
            "comment field: if you do, the office will remove it."
        ),
        _(
            "The answers are used only to measure and improve the quality of service, as "
            "required by the mayor's ordinance on the customer-satisfaction survey."
        ),
    )
