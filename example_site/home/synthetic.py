"""Realistic synthetic survey responses, for the demo and the benchmarks.

Rows are written in bulk: this is seed data, not a path residents take.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from wagtail_ocena.choices import NOT_APPLICABLE, Channel, QuestionKind
from wagtail_ocena.models import Answer, SurveyResponse
from wagtail_ocena.models.responses import draft_response

COMMENTS = [
    "Bardzo miła i kompetentna obsługa, dziękuję.",
    "Długo czekałem w kolejce, przydałby się system biletowy.",
    "Pani w USC wszystko cierpliwie wyjaśniła.",
    "Brakuje miejsc parkingowych przy urzędzie.",
    "Formularze są za trudne, przydałyby się wzory wypełnienia.",
    "Proszę o dłuższe godziny pracy w czwartki.",
    "Sprawa załatwiona szybko i sprawnie.",
    "Winda dla osób niepełnosprawnych często nie działa.",
    "Strona internetowa jest nieczytelna na telefonie.",
    "Urzędnik odsyłał mnie do innego pokoju, nikt nie wiedział, kto się tym zajmuje.",
    "Dziękuję za pomoc przy wypełnianiu deklaracji śmieciowej.",
    "Za mało krzeseł w poczekalni.",
    "Wszystko w porządku.",
    "Prosiłbym o możliwość płatności kartą we wszystkich wydziałach.",
    "Szybka i rzeczowa informacja przez telefon.",
]

# Popularity of departments by position in the office's list (the rest share what is left).
DEPARTMENT_WEIGHTS = [18, 22, 16, 8, 7, 6, 9, 4, 7, 3]


def _weighted(rng, items, weights):
    return rng.choices(items, weights=weights[: len(items)] + [3] * (len(items) - len(weights)))[0]


class ResponseGenerator:
    """Draws plausible answers to a survey version, slightly better in newer periods."""

    def __init__(self, version, site, departments, seed=2026, clerk=None):
        self.rng = random.Random(seed)
        self.version = version
        self.site = site
        self.clerk = clerk
        self.questions = version.load_questions()
        self.departments = list(departments)
        # Each department has its own level of service, so per-department reports differ.
        self.department_quality = {
            department.pk: self.rng.uniform(-0.6, 0.5) for department in self.departments
        }

    def _rating(self, quality):
        mean = 3.9 + quality
        return max(1, min(5, round(self.rng.gauss(mean, 0.9))))

    def answers(self, progress):
        """Cleaned answers keyed by question key; ``progress`` runs from 0 (oldest) to 1."""
        rng = self.rng
        department = (
            _weighted(rng, self.departments, DEPARTMENT_WEIGHTS) if self.departments else None
        )
        quality = (
            self.department_quality.get(department.pk, 0) if department else 0
        ) + 0.3 * progress
        answers = {}
        for question in self.questions:
            kind = question.kind
            if kind == QuestionKind.DEPARTMENT:
                answers[question.key] = department
            elif kind in (QuestionKind.RATING, QuestionKind.OVERALL_RATING):
                if question.allow_not_applicable and rng.random() < 0.08:
                    answers[question.key] = NOT_APPLICABLE
                elif question.required or rng.random() < 0.93:
                    answers[question.key] = str(self._rating(quality + rng.uniform(-0.3, 0.3)))
            elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.PROFILE):
                skip = 0.3 if kind == QuestionKind.PROFILE else 0.05
                if question.required or rng.random() > skip:
                    answers[question.key] = rng.choice(question.choice_options).key
            elif kind == QuestionKind.MULTIPLE_CHOICE:
                options = question.choice_options
                answers[question.key] = [
                    option.key for option in rng.sample(options, rng.randint(1, len(options)))
                ]
            elif kind == QuestionKind.OPEN_TEXT and rng.random() < 0.12:
                answers[question.key] = rng.choice(COMMENTS)
        return answers

    def days(self, start, end, electronic_per_day=3.0, paper_per_day=2.0):
        """``(date, channel)`` for every response between ``start`` and ``end`` inclusive."""
        rng = self.rng
        day = start
        while day <= end:
            weekday = day.weekday() < 5
            electronic = rng.randint(0, round(electronic_per_day * (2 if weekday else 0.6)))
            paper = rng.randint(0, round(paper_per_day * 2)) if weekday else 0
            for _ in range(electronic):
                yield day, Channel.ELECTRONIC
            for _ in range(paper):
                yield day, Channel.PAPER
            day += datetime.timedelta(days=1)

    def paper_fields(self, day, sheets):
        """What a clerk typed in with a paper sheet: the month's box at the desk is a batch."""
        batch = f"skrzynka BOI, {day:%m.%Y}"
        sheets[batch] = sheets.get(batch, 0) + 1
        entered_on = min(
            day + datetime.timedelta(days=self.rng.randint(3, 20)),
            timezone.localdate() - datetime.timedelta(days=1),
        )
        return {
            "batch": batch,
            "sheet_number": sheets[batch],
            "sheet_date": day,
            "entered_by": self.clerk,
            "entered_at": timezone.make_aware(
                datetime.datetime.combine(entered_on, datetime.time(9, 0))
            ),
        }

    @transaction.atomic
    def write(self, submissions, batch_size=2000):
        """Save ``(date, channel)`` submissions in bulk; returns how many were written."""
        submissions = list(submissions)
        if not submissions:
            return 0
        first, last = submissions[0][0], submissions[-1][0]
        span = max((last - first).days, 1)
        sheets = {}
        written = 0
        for offset in range(0, len(submissions), batch_size):
            chunk = submissions[offset : offset + batch_size]
            drafts = [
                draft_response(
                    self.version,
                    self.questions,
                    self.answers((day - first).days / span),
                    site=self.site,
                    channel=channel,
                    submitted_on=day,
                    **(self.paper_fields(day, sheets) if channel == Channel.PAPER else {}),
                )
                for day, channel in chunk
            ]
            responses = SurveyResponse.objects.bulk_create([response for response, _ in drafts])
            rows = []
            for response, (_, answer_rows) in zip(responses, drafts, strict=True):
                for row in answer_rows:
                    row.response = response
                    rows.append(row)
            Answer.objects.bulk_create(rows, batch_size=5000)
            written += len(chunk)
        return written
