"""Every interval, test and p-value of a report, computed again here with numpy and scipy
from the raw answer rows, and compared with what the report states.

Random responses over two months (the report's and the one before it), through the real
saving path; the expected figures come from the ``Answer`` rows alone (numpy arrays per
response), never from the daily counts or the report's own code.
"""

import datetime
import itertools
import math
from collections import defaultdict

import numpy as np
import pytest
from scipy import stats

from wagtail_ocena.choices import NOT_APPLICABLE, Channel
from wagtail_ocena.models import Answer, Department
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.period import Period

from .conftest import record_response

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
FEBRUARY = MARCH.previous()
REL = 1e-9


def holm(p_values):
    """Holm's adjusted p-values, straight from the definition."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted


@pytest.fixture
def answered(survey, office):
    """About 260 responses in February and March: each respondent's mood moves all their
    ratings; March is better in waiting time; some answers skipped or "not applicable"."""
    rng = np.random.default_rng(20261201)
    version = survey.current_version
    questions = version.load_questions()
    areas = [q.key for q in questions if q.type.rated]
    departments = list(Department.objects.filter(office=office))
    sheets = itertools.count(1)
    for period, count in ((FEBRUARY, 110), (MARCH, 150)):
        for _ in range(count):
            mood = rng.normal(0, 0.8)
            answers = {
                "wydzial": departments[int(rng.integers(len(departments)))],
                "ogolna-ocena": str(int(np.clip(round(3.8 + mood + rng.normal(0, 0.5)), 1, 5))),
            }
            for key in areas:
                roll = rng.random()
                if roll < 0.07:
                    continue  # skipped
                if roll < 0.12:
                    answers[key] = NOT_APPLICABLE
                    continue
                bonus = 1.5 if key == "czas-oczekiwania" and period is MARCH else 0
                rating = round(3.6 + mood + bonus + rng.normal(0, 0.7))
                answers[key] = str(int(np.clip(rating, 1, 5)))
            day = period.start + datetime.timedelta(days=int(rng.integers(period.days)))
            channel = Channel.PAPER if rng.random() < 0.4 else Channel.ELECTRONIC
            fields = {"channel": channel, "submitted_on": day}
            if channel == Channel.PAPER:
                fields.update(batch="b", sheet_number=next(sheets))
            record_response(survey, answers, **fields)
    return survey


class Rows:
    """The period's answers to rated areas as read from the Answer table."""

    def __init__(self, period, areas):
        rows = Answer.objects.filter(
            response__submitted_on__range=(period.start, period.end),
            question__key__in=areas,
            rating__isnull=False,
        ).values_list(
            "response_id", "question__key", "rating", "response__channel",
            "response__department_id", "response__submitted_on",
        )  # fmt: skip
        self.rows = list(rows)

    def ratings(self, key, department=None):
        return np.array(
            [r[2] for r in self.rows if r[1] == key and department in (None, r[4])], dtype=float
        )

    def clusters(self, keep=lambda row: True):
        """Per response: (answers on the scale, positive answers, sum of ratings)."""
        per = defaultdict(lambda: [0, 0, 0])
        for row in self.rows:
            if keep(row):
                cluster = per[row[0]]
                cluster[0] += 1
                cluster[1] += row[2] >= 4
                cluster[2] += row[2]
        return np.array(list(per.values()), dtype=float).reshape(-1, 3)


def ratio(x, y, scale=1.0):
    """R = Σy/Σx and its linearised variance, each response one cluster."""
    n, r = len(x), y.sum() / x.sum()
    variance = n / (n - 1) * np.sum((y - r * x) ** 2) / x.sum() ** 2
    return scale * r, scale * scale * variance, n


def t_interval(estimate, variance, n):
    half = stats.t.ppf(0.975, n - 1) * math.sqrt(variance)
    return estimate - half, estimate + half


def z_p(difference, variance):
    return 2 * stats.norm.sf(abs(difference) / math.sqrt(variance))


def two_proportion_p(a, b):
    x1, n1, x2, n2 = (a >= 4).sum(), len(a), (b >= 4).sum(), len(b)
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * stats.norm.sf(abs(z))


def test_every_area_figure_is_the_independent_one(answered):
    report = build_report(answered.get_site(), MARCH)
    areas = report.rating_questions
    keys = [q.key for q in areas]
    now, before = Rows(MARCH, keys), Rows(FEBRUARY, keys)
    assert report.comparable
    assert "ogolna-ocena" not in keys and report.overall_question.key == "ogolna-ocena"

    index_p, mean_p, office_p = [], [], []
    clusters = now.clusters()
    office, office_variance, _n = ratio(clusters[:, 0], clusters[:, 1], 100)
    for question in areas:
        ratings, previous = now.ratings(question.key), before.ratings(question.key)
        n, positive = len(ratings), int((ratings >= 4).sum())
        assert question.index.value == pytest.approx(100 * positive / n, rel=REL)
        low, high = stats.binomtest(positive, n).proportion_ci(method="wilson")
        assert question.index.interval == pytest.approx((100 * low, 100 * high), rel=REL)
        mean_low, mean_high = stats.t.interval(
            0.95, n - 1, loc=ratings.mean(), scale=stats.sem(ratings)
        )
        assert question.mean.value == pytest.approx(ratings.mean(), rel=REL)
        assert question.mean.interval == pytest.approx((mean_low, mean_high), rel=REL)
        assert question.index_change.difference == pytest.approx(
            100 * (positive / n - (previous >= 4).mean()), rel=REL
        )
        index_p.append(two_proportion_p(ratings, previous))
        assert question.index_change.p == pytest.approx(index_p[-1], rel=REL)
        mean_p.append(stats.ttest_ind(ratings, previous, equal_var=False).pvalue)
        assert question.mean_change.p == pytest.approx(mean_p[-1], rel=REL)
        share = positive / n
        office_p.append(
            z_p(100 * share - office, 100 * 100 * share * (1 - share) / n + office_variance)
        )
        assert question.against_office.p == pytest.approx(office_p[-1], rel=REL)
        asked = report.responses
        answered_count = n + sum(
            1
            for a in Answer.objects.filter(
                question__key=question.key,
                not_applicable=True,
                response__submitted_on__range=(MARCH.start, MARCH.end),
            )
        )
        assert question.skipped == asked - answered_count
    for name, expected in (
        ("index_change", holm(index_p)),
        ("mean_change", holm(mean_p)),
        ("against_office", holm(office_p)),
    ):
        got = [getattr(q, name).adjusted_p for q in areas]
        assert got == pytest.approx(list(expected), rel=REL)
        assert [getattr(q, name).significant for q in areas] == list(expected < 0.05)
    # The waiting time really improved in the data, and the report says so after Holm.
    waiting = next(q for q in areas if q.key == "czas-oczekiwania")
    assert waiting.index_change.significant and waiting.index_change.difference > 0
    assert report.declined_areas == [
        q for q in sorted(areas, key=lambda q: q.index_change.difference)
        if q.index_change.significant and q.index_change.difference < 0
    ][:5]  # fmt: skip
    assert all(q.against_office.significant for q in report.areas_to_improve)


def test_the_headline_is_the_areas_pooled_index_with_a_cluster_interval(answered):
    report = build_report(answered.get_site(), MARCH)
    keys = [q.key for q in report.rating_questions]
    now, before = Rows(MARCH, keys), Rows(FEBRUARY, keys)
    current, previous = now.clusters(), before.clusters()

    index, variance, n = ratio(current[:, 0], current[:, 1], 100)
    assert report.areas_index.value == pytest.approx(index, rel=REL)
    assert report.areas_index.n == n
    assert report.areas_index.interval == pytest.approx(t_interval(index, variance, n), rel=REL)
    # Wider than if every answer were a respondent of its own.
    naive = 100 * 100 * (index / 100) * (1 - index / 100) / current[:, 0].sum()
    assert variance > naive
    mean, mean_variance, _n = ratio(current[:, 0], current[:, 2])
    assert report.areas_mean.value == pytest.approx(mean, rel=REL)
    assert report.areas_mean.interval == pytest.approx(t_interval(mean, mean_variance, n), rel=REL)
    before_index, before_variance, _n = ratio(previous[:, 0], previous[:, 1], 100)
    assert report.areas_index_change.difference == pytest.approx(index - before_index, rel=REL)
    assert report.areas_index_change.p == pytest.approx(
        z_p(index - before_index, variance + before_variance), rel=REL
    )


def test_months_channels_and_departments_are_the_independent_ones(answered, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_ANSWERS = 10
    period = Period(FEBRUARY.start, MARCH.end)
    report = build_report(answered.get_site(), period)
    keys = [q.key for q in report.rating_questions]
    rows = Rows(period, keys)

    points = []
    for number, month in enumerate(report.months):
        cluster = rows.clusters(lambda row, m=month.month: row[5].replace(day=1) == m)
        index, variance, n = ratio(cluster[:, 0], cluster[:, 1], 100)
        assert month.index.value == pytest.approx(index, rel=REL)
        assert month.index.interval == pytest.approx(t_interval(index, variance, n), rel=REL)
        points.append((number, index, variance))
    assert len(points) == 2 and report.trend is None  # a trend needs three months

    by_channel = {}
    for channel in (Channel.PAPER, Channel.ELECTRONIC):
        cluster = rows.clusters(lambda row, c=channel: row[3] == c)
        by_channel[channel] = ratio(cluster[:, 0], cluster[:, 1], 100)
    (paper, paper_variance, _), (electronic, electronic_variance, _) = by_channel.values()
    assert report.channel_difference.difference == pytest.approx(paper - electronic, rel=REL)
    assert report.channel_difference.p == pytest.approx(
        z_p(paper - electronic, paper_variance + electronic_variance), rel=REL
    )

    for department in report.departments:
        assert not department.hidden
        cluster = rows.clusters(lambda row, d=department.key: row[4] == d)
        index, variance, n = ratio(cluster[:, 0], cluster[:, 1], 100)
        assert department.index.value == pytest.approx(index, rel=REL)
        assert department.index.interval == pytest.approx(t_interval(index, variance, n), rel=REL)
        assert [area.key for area in department.areas] == keys
        for area in department.areas:
            ratings = rows.ratings(area.key, department.key)
            positive, n = int((ratings >= 4).sum()), len(ratings)
            assert area.index.value == pytest.approx(100 * positive / n, rel=REL)
            if n >= 10:
                low, high = stats.binomtest(positive, n).proportion_ci(method="wilson")
                assert area.index.interval == pytest.approx((100 * low, 100 * high), rel=REL)
            else:
                assert area.index.interval is None


def test_a_trend_over_months_is_weighted_least_squares(survey, office):
    rng = np.random.default_rng(7)
    areas = [q.key for q in survey.current_version.load_questions() if q.type.rated]
    year = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    for month in range(1, 13):
        for _ in range(int(rng.integers(12, 30))):
            mood = rng.normal(0.05 * month, 0.7)
            answers = {
                key: str(int(np.clip(round(3.4 + mood + rng.normal(0, 0.6)), 1, 5)))
                for key in areas[:5]
            }
            day = datetime.date(2025, month, int(rng.integers(1, 29)))
            record_response(survey, answers, submitted_on=day)

    report = build_report(survey.get_site(), year)
    rows = Rows(year, areas)
    t, y, v = [], [], []
    for number, month in enumerate(report.months):
        cluster = rows.clusters(lambda row, m=month.month: row[5].replace(day=1) == m)
        index, variance, _n = ratio(cluster[:, 0], cluster[:, 1], 100)
        t.append(number), y.append(index), v.append(variance)
    t, y, v = np.array(t, float), np.array(y), np.array(v)
    design, weights = np.column_stack([np.ones_like(t), t]), np.diag(1 / v)
    information = design.T @ weights @ design
    beta = np.linalg.solve(information, design.T @ weights @ y)
    residuals = y - design @ beta
    scale = max(1.0, residuals @ weights @ residuals / (len(t) - 2))
    se = math.sqrt(scale * np.linalg.inv(information)[1, 1])

    assert report.trend.slope == pytest.approx(beta[1], rel=REL)
    assert report.trend.standard_error == pytest.approx(se, rel=REL)
    assert report.trend.p == pytest.approx(2 * stats.t.sf(abs(beta[1] / se), len(t) - 2), rel=REL)
    assert report.trend_direction == ("up" if report.trend.p < 0.05 else "flat")


@pytest.mark.parametrize("count", [0, 1, 2])
def test_few_answers_give_no_intervals_and_no_tests(survey, count, settings):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1  # the statistics, not the anonymity rule
    for _ in range(count):
        record_response(survey, {"czas-oczekiwania": "5"}, submitted_on=MARCH.start)

    report = build_report(survey.get_site(), MARCH)

    waiting = [q for q in report.rating_questions if q.key == "czas-oczekiwania"]
    if count:
        (waiting,) = waiting
        assert waiting.index.interval is None and waiting.mean.interval is None
        assert waiting.index_change.p is None and not waiting.significant
        assert report.areas_index.interval is None
    assert not report.comparable
    assert report.areas_to_improve == [] and report.declined_areas == []


def test_equal_answers_give_no_interval_however_many(survey, settings):
    for day in range(1, 31):
        record_response(survey, {"czas-oczekiwania": "5"}, submitted_on=datetime.date(2026, 3, day))
        record_response(
            survey, {"czas-oczekiwania": "5"}, submitted_on=datetime.date(2026, 2, min(day, 28))
        )

    report = build_report(survey.get_site(), MARCH)

    (waiting,) = [q for q in report.rating_questions if q.key == "czas-oczekiwania"]
    assert waiting.index.value == 100 and waiting.mean.value == 5
    assert waiting.mean.interval is None  # zero width
    lower, upper = waiting.index.interval  # Wilson has width at 100 %
    assert upper == 100 and lower < 100
    assert report.comparable and waiting.index_change.p is None
    assert not waiting.significant
