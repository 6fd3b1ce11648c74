"""A finished action's measured effect, against an independent computation from the answer
rows, and the register's actions in the report."""

import datetime
import io
import json

import numpy as np
import pypdf
import pytest
from django.utils import translation
from scipy import stats

from wagtail_ocena.models import (
    Answer,
    GeneratedReport,
    ImprovementAction,
    ReportApproval,
    SurveyQuestion,
)
from wagtail_ocena.reports import frozen
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.effects import effect_windows
from wagtail_ocena.reports.pdf import render_report_pdf
from wagtail_ocena.reports.period import Period

from .conftest import record_response
from .test_pdf_accessibility import assert_accessible

pytestmark = pytest.mark.django_db

FINISHED = datetime.date(2026, 3, 1)
YEAR = Period(datetime.date(2025, 6, 1), datetime.date(2026, 5, 31))


def action(site, survey, **fields):
    fields = {
        "problem": "Czas oczekiwania na obsługę poniżej wskaźnika Urzędu",
        "description": "Drugie stanowisko w godzinach 8–10",
        "responsible_person": "Jan Kowalski",
        "deadline": datetime.date(2026, 2, 28),
        "status": "done",
        "status_changed_on": FINISHED,
        **fields,
    }
    created = ImprovementAction.objects.create(site=site, **fields)
    created.questions.set(
        [SurveyQuestion.objects.get(version=survey.current_version, key="czas-oczekiwania")]
    )
    created.save()
    return created


def answer_waiting_time(survey, period, ratings, rng):
    for rating in ratings:
        day = period.start + datetime.timedelta(days=int(rng.integers(period.days)))
        record_response(survey, {"czas-oczekiwania": str(rating)}, submitted_on=day)


Z = stats.norm.ppf(0.975)


def wilson(positive, n, z=Z):
    share = positive / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def independent(period):
    """Index, Wilson bounds and counts of the waiting time in ``period``, from the rows."""
    ratings = np.array(
        Answer.objects.filter(
            question__key="czas-oczekiwania",
            rating__isnull=False,
            response__submitted_on__range=(period.start, period.end),
        ).values_list("rating", flat=True)
    )
    positive, n = int((ratings >= 4).sum()), len(ratings)
    return 100 * positive / n, wilson(positive, n), positive, n


def test_a_finished_actions_effect_is_the_independent_two_proportion_test(survey, site):
    rng = np.random.default_rng(12)
    before, after = effect_windows(FINISHED, YEAR.end)
    assert (before.start, before.end) == (datetime.date(2025, 12, 1), datetime.date(2026, 2, 28))
    assert (after.start, after.end) == (datetime.date(2026, 3, 2), datetime.date(2026, 5, 30))
    answer_waiting_time(
        survey, before, rng.choice([1, 2, 3, 4, 5], 70, p=[0.3, 0.3, 0.2, 0.1, 0.1]), rng
    )
    answer_waiting_time(
        survey, after, rng.choice([1, 2, 3, 4, 5], 80, p=[0.05, 0.05, 0.1, 0.4, 0.4]), rng
    )
    # Answers outside both windows, and on the day itself, are not in the comparison.
    record_response(survey, {"czas-oczekiwania": "1"}, submitted_on=FINISHED)
    record_response(survey, {"czas-oczekiwania": "1"}, submitted_on=datetime.date(2025, 11, 30))
    action(site, survey)

    (result,) = build_report(site, YEAR).actions
    (effect,) = result.effects

    index_before, bounds_before, x1, n1 = independent(before)
    index_after, bounds_after, x2, n2 = independent(after)
    assert (effect.before.n, effect.after.n) == (n1, n2) == (70, 80)
    assert effect.before.value == pytest.approx(index_before)
    assert effect.after.value == pytest.approx(index_after)
    assert effect.before.interval == pytest.approx(bounds_before)
    assert effect.after.interval == pytest.approx(bounds_after)
    pooled = (x1 + x2) / (n1 + n2)
    z = (x2 / n2 - x1 / n1) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert effect.change.difference == pytest.approx(index_after - index_before)
    assert effect.change.p == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert effect.change.p < 0.05 and effect.verdict == "improved"


def test_no_real_change_is_no_significant_change(survey, site):
    rng = np.random.default_rng(3)
    before, after = effect_windows(FINISHED, YEAR.end)
    for window in (before, after):
        answer_waiting_time(survey, window, rng.choice([2, 3, 4, 5], 60), rng)
    action(site, survey)

    (effect,) = build_report(site, YEAR).actions[0].effects
    p = effect.change.p
    assert p >= 0.05 and effect.verdict == "no_change"


def test_with_too_few_answers_the_effect_is_not_stated(survey, site):
    rng = np.random.default_rng(4)
    before, after = effect_windows(FINISHED, YEAR.end)
    answer_waiting_time(survey, before, [1, 2, 5] * 12, rng)
    answer_waiting_time(survey, after, [5, 4] * 5, rng)
    action(site, survey)

    (effect,) = build_report(site, YEAR).actions[0].effects
    assert effect.verdict == "too_little_data" and effect.change.p is None
    assert (effect.before.n, effect.after.n) == (36, 10)
    # A report ending the day the action was finished: nothing after it to measure yet.
    short = Period(YEAR.start, FINISHED)
    (effect,) = build_report(site, short).actions[0].effects
    assert effect.after_period is None and effect.verdict == "too_little_data"


def test_the_report_lists_actions_since_the_previous_approved_report_and_open_ones(
    survey, site, clerk, tmp_path
):
    for day in range(1, 29):
        record_response(survey, {"czas-oczekiwania": "4"}, submitted_on=datetime.date(2026, 4, day))
    previous = GeneratedReport.objects.create(
        site=site,
        period_start=datetime.date(2024, 6, 1),
        period_end=datetime.date(2025, 5, 31),
        format="pdf",
        status="done",
    )
    ReportApproval.objects.create(
        report=previous, site=site, period_start=previous.period_start,
        period_end=previous.period_end, approved_by=clerk,
    )  # fmt: skip
    action(site, survey, description="Zrealizowane w poprzednim cyklu",
           status_changed_on=datetime.date(2025, 5, 1))  # fmt: skip
    action(site, survey, description="Zrealizowane w tym roku")
    action(site, survey, description="Zaległe", status="in_progress",
           deadline=datetime.date(2026, 1, 31))  # fmt: skip
    action(site, survey, description="Zaniechane w tym roku", status="dropped",
           status_changed_on=datetime.date(2025, 9, 1))  # fmt: skip

    report = build_report(site, YEAR, group_comments=True)
    listed = {a.description: a for a in report.actions}
    assert set(listed) == {"Zrealizowane w tym roku", "Zaległe", "Zaniechane w tym roku"}
    assert listed["Zaległe"].overdue and not listed["Zrealizowane w tym roku"].overdue
    assert listed["Zaniechane w tym roku"].effects == []

    with translation.override("pl"):
        pdf = render_report_pdf(report, conclusions="Kontynuować działania.")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace(
        "\n", " "
    )
    assert "Działania z rejestru" in text
    assert "Zaległe – w realizacji, termin 31 stycznia 2026 (po terminie)" in text
    assert "Wpływ na „Czas oczekiwania na obsługę”" in text
    assert "Kontynuować działania." in text
    assert_accessible(pdf, "pl", tmp_path)
    # Frozen with the report (§5) and read back as they were.
    thawed = frozen.thaw(json.loads(json.dumps(frozen.freeze(report))))
    assert thawed.actions == report.actions


def test_a_change_in_the_register_makes_the_report_a_different_one(survey, site):
    from wagtail_ocena.reports.archive import fingerprint
    from wagtail_ocena.reports.filters import ReportFilters

    planned = action(site, survey, status="planned")

    def current():
        return fingerprint(site, YEAR, ReportFilters(), "pdf")

    before = current()
    assert current() == before
    planned.status = "in_progress"
    planned.save()
    assert current() != before
