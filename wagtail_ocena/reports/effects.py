"""The register's actions in a report, and whether a finished one moved the index it was meant
to move.

For each rated question an action is linked to, the question's satisfaction index in a window
before the day the action was finished is compared with the window after it (Wilson's
intervals, the two-proportion test), read from the office's daily counts like every report
figure; the questions are matched across questionnaire versions by their key. Below the
minimum of answers in either window the report says there are too few data yet.
"""

import datetime

from django.db.models import Q, Sum

from ..conf import get_setting
from ..models import (
    OPEN_STATUSES,
    ActionStatus,
    DailyOfficeAnswerCount,
    ImprovementAction,
    ReportApproval,
    SurveyVersion,
)
from .period import Period
from .statistics import RatingStats, two_proportion_test
from .structure import ActionResult, Comparison, QuestionEffect, index_estimate

IMPROVED = "improved"
NO_CHANGE = "no_change"
WORSE = "worse"
TOO_LITTLE_DATA = "too_little_data"


def report_actions(site, period, minimum):
    """The office's actions a report of ``period`` lists: those finished or dropped since the
    end of its previous approved yearly report (or since the period's start, if it has none)
    up to the period's end, and those still open; finished ones with their effects."""
    approved = (
        ReportApproval.objects.filter(site=site, period_end__lt=period.end)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    since = approved + datetime.timedelta(days=1) if approved else period.start
    actions = (
        ImprovementAction.objects.filter(site=site)
        .filter(Q(status__in=OPEN_STATUSES) | Q(status_changed_on__range=(since, period.end)))
        .prefetch_related("questions")
        .order_by("status", "deadline", "pk")
    )
    return [
        ActionResult(
            description=action.description,
            problem=action.problem,
            status=action.status,
            status_label=str(action.get_status_display()),
            status_changed_on=action.status_changed_on,
            deadline=action.deadline,
            responsible=action.responsible_person,
            overdue=action.overdue_on(period.end),
            effects=question_effects(action, period.end, minimum),
        )
        for action in actions
    ]


def register_state(site):
    """What of the office's register its reports print, for their fingerprint: every action's
    fields and questions, the approved reports they are listed since, the effects' window."""
    actions = ImprovementAction.objects.filter(site=site).order_by("pk")
    return {
        "actions": [
            list(row)
            for row in actions.values_list(
                "pk",
                "description",
                "problem",
                "status",
                "status_changed_on",
                "deadline",
                "responsible_person",
            )
        ],  # fmt: skip
        "questions": list(
            ImprovementAction.questions.through.objects.filter(improvementaction__site=site)
            .order_by("improvementaction_id", "surveyquestion_id")
            .values_list("improvementaction_id", "surveyquestion_id")
        ),
        "approved": list(
            ReportApproval.objects.filter(site=site)
            .order_by("period_end")
            .values_list("period_end", flat=True)
        ),
        "days": get_setting("ACTION_EFFECT_DAYS"),
    }


def effect_windows(finished_on, end):
    """The windows an action finished on ``finished_on`` is measured in: the
    ``ACTION_EFFECT_DAYS`` before it, and as many after it as have passed by ``end`` (None if
    none has)."""
    days = get_setting("ACTION_EFFECT_DAYS")
    before = Period(
        finished_on - datetime.timedelta(days=days), finished_on - datetime.timedelta(days=1)
    )
    after_start = finished_on + datetime.timedelta(days=1)
    after_end = min(finished_on + datetime.timedelta(days=days), end)
    return before, (Period(after_start, after_end) if after_start <= after_end else None)


def question_effects(action, end, minimum):
    """The effect of a finished ``action`` on each of its questions, measured up to ``end``."""
    if action.status != ActionStatus.DONE:
        return []
    before_period, after_period = effect_windows(action.status_changed_on, end)
    versions = SurveyVersion.objects.for_site(action.site)
    effects = []
    for question in action.questions.all():
        before = _answers(action.site, question.key, versions, before_period)
        after = _answers(action.site, question.key, versions, after_period)
        effect = QuestionEffect(
            question.text,
            before_period,
            after_period,
            before=index_estimate(before, minimum),
            after=index_estimate(after, minimum),
        )
        if after is not None and before.n >= minimum and after.n >= minimum:
            test = two_proportion_test(after.positive, after.n, before.positive, before.n)
            difference = after.satisfaction_index - before.satisfaction_index
            effect.change = Comparison(difference, test.p)
            if not effect.change.significant:
                effect.verdict = NO_CHANGE
            else:
                effect.verdict = IMPROVED if difference > 0 else WORSE
        effects.append(effect)
    return effects


def _answers(site, key, versions, period):
    """The rated question ``key``'s answers in ``period``, over every version asking it."""
    if period is None:
        return None
    rows = (
        DailyOfficeAnswerCount.objects.filter(
            site=site,
            day__range=(period.start, period.end),
            question__key=key,
            question__version__in=versions,
        )
        .values_list("value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return RatingStats.of_counts(dict(rows))
