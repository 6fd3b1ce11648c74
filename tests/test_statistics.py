"""The report's statistics against numpy and scipy, from simulated rows of answers.

Every expected figure is computed here from the raw answers (one row per response, one column
per rated question, 0 for "not applicable"), never by calling the module under test.
"""

import ast
import math
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy import stats

from wagtail_ocena.reports import statistics
from wagtail_ocena.reports.statistics import (
    ClusterSums,
    RatingStats,
    holm,
    linear_trend,
    ratio_difference_test,
    round_half_up,
    t_critical,
    t_quantile,
    t_two_sided_p,
    two_proportion_test,
    welch_test,
    wilson_interval,
)

RELATIVE = 1e-10
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEGREES = [1, 2.5, 30, 1000, 1e6]


def simulate(rng, responses, questions=6, not_applicable=0.15, mood=1.0, base=3.6):
    """Answer rows: each respondent's mood shifts all their ratings, as real ones do."""
    moods = rng.normal(0, mood, size=(responses, 1))
    ratings = np.clip(np.rint(base + moods + rng.normal(0, 0.8, (responses, questions))), 1, 5)
    ratings[rng.random((responses, questions)) < not_applicable] = 0
    return ratings.astype(int)


def per_response(ratings):
    """x, p, s per response that has an answer on the scale."""
    ratings = np.asarray(ratings, dtype=int)
    if ratings.ndim == 1:
        ratings = ratings.reshape(-1, 1)
    x = (ratings > 0).sum(axis=1)
    p = (ratings >= 4).sum(axis=1)
    s = ratings.sum(axis=1)
    kept = x > 0
    return x[kept], p[kept], s[kept]


def sums_of(ratings):
    x, p, s = per_response(ratings)
    return ClusterSums(
        rated=len(x),
        answers=int(x.sum()),
        positive=int(p.sum()),
        score=int(s.sum()),
        answers_sq=int((x * x).sum()),
        positive_sq=int((p * p).sum()),
        score_sq=int((s * s).sum()),
        answers_positive=int((x * p).sum()),
        answers_score=int((x * s).sum()),
    )


def linearised(x, y):
    """R = Σy/Σx and n/(n−1) · Σ(y_i − R x_i)² / (Σx)², from the per-response arrays."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ratio = y.sum() / x.sum()
    d = y - ratio * x
    n = len(x)
    return ratio, n / (n - 1) * (d**2).sum() / x.sum() ** 2


def stats_of(answers):
    answers = np.asarray(answers)
    counts = {value: int((answers == value).sum()) for value in range(1, 6)}
    return RatingStats(counts, int((answers == 0).sum()))


# --- distributions -----------------------------------------------------------------------


@pytest.mark.parametrize("df", DEGREES)
@pytest.mark.parametrize(
    "probability", [1e-12, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 0.999999]
)
def test_t_quantile_matches_scipy(probability, df):
    assert t_quantile(probability, df) == pytest.approx(
        stats.t.ppf(probability, df), rel=RELATIVE, abs=1e-300
    )


@pytest.mark.parametrize("df", DEGREES)
@pytest.mark.parametrize("t", [0, 1e-6, 0.1, 0.7, 1.0, 1.96, 2.5, 4.0, 10.0, 37.0, 1e3, 1e8])
def test_t_two_sided_p_value_matches_scipy(t, df):
    expected = 2 * stats.t.sf(t, df)
    assert t_two_sided_p(t, df) == pytest.approx(expected, rel=RELATIVE, abs=1e-300)
    assert t_two_sided_p(-t, df) == pytest.approx(expected, rel=RELATIVE, abs=1e-300)
    assert statistics.t_cdf(-t, df) == pytest.approx(stats.t.cdf(-t, df), rel=RELATIVE)
    assert statistics.t_sf(-t, df) == pytest.approx(stats.t.sf(-t, df), rel=RELATIVE)


@EXAMPLES
@given(
    log_df=st.floats(min_value=-1, max_value=7),
    t=st.floats(min_value=-60, max_value=60, allow_nan=False),
    probability=st.floats(min_value=1e-9, max_value=1 - 1e-9),
)
@example(log_df=math.log10(19_999), t=1.96, probability=0.975)
@example(log_df=math.log10(20_000), t=1.96, probability=0.975)
def test_t_distribution_at_any_real_degrees_of_freedom(log_df, t, probability):
    df = 10**log_df
    expected = 2 * stats.t.sf(abs(t), df)
    if expected > 1e-290:
        assert t_two_sided_p(t, df) == pytest.approx(expected, rel=1e-9)
    assert t_quantile(probability, df) == pytest.approx(stats.t.ppf(probability, df), rel=1e-9)


@pytest.mark.parametrize("df", [*DEGREES, 3, 4.7, 12.25, 29.999, 1e9, math.inf])
def test_t_critical_is_students_quantile_for_any_real_df(df):
    assert t_critical(df) == pytest.approx(stats.t.ppf(0.975, df), rel=RELATIVE)
    assert t_critical(df, 0.99) == pytest.approx(stats.t.ppf(0.995, df), rel=RELATIVE)


def test_t_critical_is_not_a_number_without_degrees_of_freedom():
    assert math.isnan(t_critical(0))
    assert math.isnan(t_critical(-1))


@pytest.mark.parametrize("x", [-37, -8, -1.96, -0.3, 0, 0.3, 1.96, 8, 37])
def test_normal_distribution_matches_scipy(x):
    assert statistics.normal_cdf(x) == pytest.approx(stats.norm.cdf(x), rel=1e-12, abs=1e-320)
    assert statistics.normal_sf(x) == pytest.approx(stats.norm.sf(x), rel=1e-12, abs=1e-320)
    assert statistics.normal_two_sided_p(x) == pytest.approx(
        2 * stats.norm.sf(abs(x)), rel=1e-12, abs=1e-320
    )


@pytest.mark.parametrize("probability", [1e-300, 1e-20, 1e-5, 0.025, 0.2, 0.5, 0.8, 0.975])
def test_normal_quantile_matches_scipy(probability):
    assert statistics.normal_quantile(probability) == pytest.approx(
        stats.norm.ppf(probability), rel=1e-12, abs=1e-15
    )


# --- one question: the mean's interval and the index's Wilson interval ------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("responses", [2, 3, 31, 400])
def test_one_questions_mean_interval_is_students(seed, responses):
    answers = simulate(np.random.default_rng(seed), responses, questions=1)[:, 0]
    on_scale = answers[answers > 0]
    rating = stats_of(answers)
    if len(on_scale) < 2:
        assert rating.confidence_interval is None
        return
    if on_scale.std() == 0:
        # scipy has no interval of zero width; it is the mean itself.
        assert rating.confidence_interval == (on_scale[0], on_scale[0])
        return
    low, high = stats.t.interval(
        0.95, len(on_scale) - 1, loc=on_scale.mean(), scale=stats.sem(on_scale)
    )
    assert rating.mean == pytest.approx(on_scale.mean(), rel=1e-12)
    assert rating.standard_deviation == pytest.approx(on_scale.std(ddof=1), rel=1e-12)
    assert rating.confidence_interval == pytest.approx((low, high), rel=RELATIVE)


@EXAMPLES
@given(n=st.integers(min_value=1, max_value=5000), share=st.floats(min_value=0, max_value=1))
@example(n=1, share=0)
@example(n=1, share=1)
@example(n=2, share=0.5)
@example(n=3000, share=1)
def test_wilson_interval_matches_scipy_in_percent(n, share):
    successes = round(share * n)
    ci = stats.binomtest(successes, n).proportion_ci(0.95, method="wilson")
    low, high = wilson_interval(successes, n)
    assert low == pytest.approx(100 * ci.low, rel=RELATIVE, abs=1e-10)
    assert high == pytest.approx(100 * ci.high, rel=RELATIVE, abs=1e-10)


def test_wilson_interval_at_the_edges():
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 40)
    assert low == 0.0 and 0 < high < 100
    low, high = wilson_interval(40, 40)
    assert high == 100.0 and 0 < low < 100
    low, high = wilson_interval(7, 20, confidence=0.99)
    ci = stats.binomtest(7, 20).proportion_ci(0.99, method="wilson")
    assert (low, high) == pytest.approx((100 * ci.low, 100 * ci.high), rel=RELATIVE)


def test_rating_stats_index_interval_is_wilsons():
    rating = stats_of([5, 4, 4, 3, 1, 0, 2, 5, 0])
    ci = stats.binomtest(4, 7).proportion_ci(method="wilson")
    assert rating.satisfaction_index_interval == pytest.approx(
        (100 * ci.low, 100 * ci.high), rel=RELATIVE
    )
    assert stats_of([]).satisfaction_index_interval is None


# --- minimum answers ---------------------------------------------------------------------


def test_intervals_are_not_shown_below_the_minimum():
    rating = stats_of([5, 4, 3, 2, 4] * 6)
    assert rating.n == 30
    assert rating.shown_confidence_interval() == rating.confidence_interval
    assert rating.shown_index_interval() == rating.satisfaction_index_interval
    assert rating.shown_confidence_interval(minimum=31) is None
    assert rating.shown_index_interval(minimum=31) is None
    fewer = stats_of([5, 4, 3, 2, 4] * 5 + [5, 4, 3, 2])
    assert fewer.shown_confidence_interval() is None
    assert fewer.shown_confidence_interval(minimum=10) == fewer.confidence_interval


def test_a_mean_interval_leaving_the_scale_is_not_shown():
    rating = stats_of([5] * 29 + [1])
    assert rating.confidence_interval[1] > 5
    assert rating.shown_confidence_interval() is None
    assert rating.shown_index_interval() is not None


def test_all_answers_equal_show_no_mean_interval_but_a_wilson_one():
    rating = stats_of([5] * 50)
    low, high = rating.confidence_interval
    assert low == high == 5
    assert rating.shown_confidence_interval() is None
    ci = stats.binomtest(50, 50).proportion_ci(method="wilson")
    assert rating.shown_index_interval() == pytest.approx((100 * ci.low, 100.0), rel=RELATIVE)
    assert stats_of([1] * 50).shown_index_interval() == pytest.approx(
        (0.0, 100 * stats.binomtest(0, 50).proportion_ci(method="wilson").high), rel=RELATIVE
    )


# --- pooled figures: responses as clusters of answers ------------------------------------


rows = st.lists(
    st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=8),
    min_size=0,
    max_size=60,
).map(lambda answers: [row + [0] * (8 - len(row)) for row in answers])


def check_pooled(ratings):
    x, p, s = per_response(ratings)
    sums = sums_of(ratings)
    index, mean = sums.index, sums.mean
    if not len(x):
        assert index is None and mean is None
        return
    for estimate, y, scale in ((index, p, 100), (mean, s, 1)):
        assert estimate.estimate == pytest.approx(scale * y.sum() / x.sum(), rel=1e-12)
        assert estimate.responses == len(x) and estimate.answers == x.sum()
        if len(x) < 2:
            assert estimate.variance is None and estimate.interval() is None
            continue
        ratio, variance = linearised(x, y)
        assert estimate.variance == pytest.approx(scale**2 * variance, rel=1e-9, abs=1e-12)
        half_width = stats.t.ppf(0.975, len(x) - 1) * scale * math.sqrt(variance)
        assert estimate.interval() == pytest.approx(
            (scale * ratio - half_width, scale * ratio + half_width), rel=1e-9, abs=1e-9
        )
    share = p.sum() / x.sum()
    if len(x) >= 2 and 0 < share < 1:
        binomial = share * (1 - share) / x.sum()
        expected = linearised(x, p)[1] / binomial
        assert index.design_effect == pytest.approx(expected, rel=1e-9, abs=1e-12)
    else:
        assert index.design_effect is None


@EXAMPLES
@given(ratings=rows)
@example(ratings=[])
@example(ratings=[[0, 0, 0, 0, 0, 0, 0, 0]])
@example(ratings=[[4, 0, 0, 0, 0, 0, 0, 0]])
@example(ratings=[[4, 5, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0]])
@example(ratings=[[5, 5, 5, 0, 0, 0, 0, 0]] * 40)
def test_pooled_index_and_mean_match_the_linearised_variance_of_the_rows(ratings):
    check_pooled(ratings)


@pytest.mark.parametrize("seed", range(5))
def test_pooled_figures_of_simulated_responses(seed):
    rng = np.random.default_rng(seed)
    ratings = simulate(rng, 300, questions=8)
    check_pooled(ratings)
    x, p, s = per_response(ratings)
    # A respondent's answers go together, so the answers are not independent: deff > 1.
    assert sums_of(ratings).index.design_effect > 1.5
    answered = ratings[ratings > 0]
    naive = answered.var(ddof=1) / x.sum()
    assert sums_of(ratings).mean_design_effect(answered.var(ddof=1)) == pytest.approx(
        linearised(x, s)[1] / naive, rel=1e-9
    )


def test_one_answer_per_response_gives_the_binomial_variance():
    # With x_i = 1 the linearised variance is p(1 − p)/(n − 1): deff = n/(n − 1).
    ratings = np.array([[5], [4], [2], [1], [3], [4], [5], [5], [2], [4]])
    index = sums_of(ratings).index
    assert index.variance == pytest.approx(100**2 * 0.6 * 0.4 / 9, rel=1e-12)
    assert index.design_effect == pytest.approx(10 / 9, rel=1e-12)


def test_day_rows_add_up_to_the_periods_sums():
    rng = np.random.default_rng(7)
    ratings = simulate(rng, 500)
    days = np.array_split(ratings, 17)
    assert sum(sums_of(day) for day in days) == sums_of(ratings)
    assert sum((sums_of(day) for day in days), ClusterSums()) == sums_of(ratings)


def test_cluster_sums_take_database_rows():
    row = {
        "rated": Decimal(3),
        "answers": Decimal(7),
        "positive": 4,
        "score": Decimal(25),
        "answers_sq": 19,
        "positive_sq": 8,
        "score_sq": 229,
        "answers_positive": 12,
        "answers_score": 67,
    }
    sums = ClusterSums(**row)
    assert all(type(value) is int for value in vars(sums).values())
    assert sums.index.estimate == pytest.approx(400 / 7)
    empty = ClusterSums(**dict.fromkeys(row))
    assert empty == ClusterSums() and empty.index is None and empty.mean is None


def test_all_answers_equal_give_zero_variance_and_no_shown_interval():
    sums = sums_of([[5, 4, 0]] * 40)
    assert sums.index.variance == 0
    assert sums.index.estimate == 100
    assert sums.index.shown_interval() is None
    assert sums.mean.variance == 0
    assert sums.mean.shown_interval() is None


def test_pooled_intervals_need_the_minimum_of_responses():
    rng = np.random.default_rng(3)
    sums = sums_of(simulate(rng, 30, questions=8))
    assert sums.rated == 30
    assert sums.index.shown_interval() == sums.index.interval()
    assert sums.mean.shown_interval() == sums.mean.interval()
    assert sums.mean.shown_interval(minimum=31) is None
    few = sums_of(simulate(rng, 12, questions=8))
    assert few.answers >= 30 and few.index.shown_interval() is None


# --- tests of change ---------------------------------------------------------------------


# scipy warns of cancellation when a small sample's answers are (nearly) all equal.
SCIPY_CANCELLATION = pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")


@SCIPY_CANCELLATION
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("sizes", [(2, 2), (2, 40), (35, 600), (300, 280)])
def test_welch_test_matches_scipy(seed, sizes):
    rng = np.random.default_rng(seed)
    a = simulate(rng, sizes[0], questions=1, not_applicable=0)[:, 0]
    b = simulate(rng, sizes[1], questions=1, not_applicable=0, base=3.4)[:, 0]
    first, second = stats_of(a), stats_of(b)
    expected = stats.ttest_ind(a, b, equal_var=False)
    if a.std() == b.std() == 0:
        assert welch_test(first.n, first.mean, 0.0, second.n, second.mean, 0.0).p is None
        return
    t, df, p = welch_test(
        first.n,
        first.mean,
        first.standard_deviation,
        second.n,
        second.mean,
        second.standard_deviation,
    )
    assert t == pytest.approx(expected.statistic, rel=1e-9)
    assert df == pytest.approx(expected.df, rel=1e-9)
    assert p == pytest.approx(expected.pvalue, rel=1e-9)


@SCIPY_CANCELLATION
def test_welch_test_with_one_group_without_spread():
    a, b = np.array([4] * 12), np.array([5, 4, 3, 5, 5, 2, 4])
    expected = stats.ttest_ind(a, b, equal_var=False)
    result = welch_test(12, 4.0, 0.0, 7, b.mean(), b.std(ddof=1))
    assert result == pytest.approx((expected.statistic, expected.df, expected.pvalue), rel=1e-9)


def test_welch_test_is_not_computable_without_spread_or_answers():
    assert welch_test(30, 5.0, 0.0, 40, 4.0, 0.0) == (None, None, None)
    assert welch_test(30, 5.0, 0.0, 40, 5.0, 0.0).p is None
    assert welch_test(1, 5.0, None, 40, 4.0, 1.0) == (None, None, None)
    assert welch_test(0, None, None, 40, 4.0, 1.0).p is None


@pytest.mark.parametrize("seed", range(10))
def test_two_proportion_test_by_hand_and_as_a_chi_square(seed):
    rng = np.random.default_rng(seed)
    first = rng.random(int(rng.integers(5, 400))) < rng.uniform(0.2, 0.9)
    second = rng.random(int(rng.integers(5, 400))) < rng.uniform(0.2, 0.9)
    pooled = np.concatenate([first, second]).mean()
    se = np.sqrt(pooled * (1 - pooled) * (1 / first.size + 1 / second.size))
    z_expected = (first.mean() - second.mean()) / se
    z, p = two_proportion_test(first.sum(), first.size, second.sum(), second.size)
    assert z == pytest.approx(z_expected, rel=1e-12)
    assert p == pytest.approx(2 * stats.norm.sf(abs(z_expected)), rel=1e-10)
    table = [[first.sum(), first.size - first.sum()], [second.sum(), second.size - second.sum()]]
    if min(min(row) for row in table) > 0:
        chi2 = stats.chi2_contingency(table, correction=False)
        assert z * z == pytest.approx(chi2.statistic, rel=1e-10)
        assert p == pytest.approx(chi2.pvalue, rel=1e-9)


def test_two_proportion_test_at_0_and_100_percent():
    assert two_proportion_test(0, 30, 0, 40) == (None, None)
    assert two_proportion_test(30, 30, 40, 40) == (None, None)
    assert two_proportion_test(0, 0, 3, 40) == (None, None)
    z, p = two_proportion_test(0, 30, 40, 40)
    se = math.sqrt(40 / 70 * 30 / 70 * (1 / 30 + 1 / 40))
    assert z == pytest.approx(-1 / se) and p == pytest.approx(2 * stats.norm.sf(1 / se))


@pytest.mark.parametrize("seed", range(6))
def test_ratio_difference_test_from_the_rows_of_two_periods(seed):
    rng = np.random.default_rng(seed)
    before, after = simulate(rng, 250, base=3.5), simulate(rng, 320, base=3.7)
    for figure, column, scale in (("index", 1, 100), ("mean", 2, 1)):
        first, second = per_response(before)[column], per_response(after)[column]
        r1, v1 = linearised(per_response(before)[0], first)
        r2, v2 = linearised(per_response(after)[0], second)
        z_expected = scale * (r1 - r2) / (scale * math.sqrt(v1 + v2))
        z, p = ratio_difference_test(
            getattr(sums_of(before), figure), getattr(sums_of(after), figure)
        )
        assert z == pytest.approx(z_expected, rel=1e-9)
        assert p == pytest.approx(2 * stats.norm.sf(abs(z_expected)), rel=1e-9)


def test_ratio_difference_test_is_not_computable_without_variance():
    all_positive, all_negative = sums_of([[5, 4]] * 40), sums_of([[1, 2]] * 40)
    assert ratio_difference_test(all_positive.index, all_negative.index) == (None, None)
    assert ratio_difference_test(all_positive.index, None) == (None, None)
    one = sums_of([[5, 3]])
    assert ratio_difference_test(one.index, all_positive.index) == (None, None)
    # One side without variance is fine: the other's carries the test.
    ratings = simulate(np.random.default_rng(1), 50)
    x, positive, _ = per_response(ratings)
    share, variance = linearised(x, positive)
    z, p = ratio_difference_test(all_positive.index, sums_of(ratings).index)
    assert z == pytest.approx((1 - share) / math.sqrt(variance), rel=1e-9)
    assert p == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)


def holm_by_definition(p_values):
    present = [i for i, p in enumerate(p_values) if p is not None]
    values = np.array([p_values[i] for i in present], dtype=float)
    order = np.argsort(values, kind="stable")
    m = len(values)
    adjusted_sorted = np.maximum.accumulate(np.minimum(1, (m - np.arange(m)) * values[order]))
    adjusted = list(p_values)
    for position, index in enumerate(order):
        adjusted[present[index]] = adjusted_sorted[position]
    return adjusted


def holm_rejects(p_values, alpha):
    """Holm's step-down procedure itself: reject in order while p_(k) ≤ α / (m − k + 1)."""
    present = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    rejected = set()
    for k, (p, i) in enumerate(present):
        if (len(present) - k) * p > alpha:
            break
        rejected.add(i)
    return rejected


p_lists = st.lists(
    st.one_of(st.none(), st.floats(min_value=0, max_value=1), st.sampled_from([0.01, 0.02])),
    max_size=25,
)


@EXAMPLES
@given(p_values=p_lists)
@example(p_values=[])
@example(p_values=[None, None])
@example(p_values=[0.01, 0.04, 0.03, 0.005])
@example(p_values=[0.5, 0.6, 0.9])
def test_holm_matches_its_definition_and_its_procedure(p_values):
    adjusted = holm(p_values)
    assert len(adjusted) == len(p_values)
    for mine, theirs in zip(adjusted, holm_by_definition(p_values), strict=True):
        assert mine == theirs if theirs is None else mine == pytest.approx(theirs, rel=1e-12)
    for alpha in np.linspace(0.0013, 0.9987, 41):
        mine = {i for i, p in enumerate(adjusted) if p is not None and p <= alpha}
        assert mine == holm_rejects(p_values, alpha)
    present = [(p, a) for p, a in zip(p_values, adjusted, strict=True) if p is not None]
    assert all(p <= a <= 1 for p, a in present)


# --- trend over months -------------------------------------------------------------------


def monthly_points(rng, months=12, drift=0.08, skip=()):
    points = []
    for month in range(1, months + 1):
        if month in skip:
            continue
        ratings = simulate(rng, int(rng.integers(20, 200)), base=3.4 + drift * month)
        index = sums_of(ratings).index
        points.append((month, index.estimate, index.variance))
    return points


def wls_trend(points):
    """The slope, its standard error and p by matrix algebra: the sampling variance of the
    weighted fit, scaled by the residual variance where that is above 1."""
    t, y, v = (np.array(column, dtype=float) for column in zip(*points, strict=True))
    design, weights = np.column_stack([np.ones_like(t), t]), np.diag(1 / v)
    information = design.T @ weights @ design
    beta = np.linalg.solve(information, design.T @ weights @ y)
    residuals = y - design @ beta
    scale = max(1.0, residuals @ weights @ residuals / (len(t) - 2))
    se = math.sqrt(scale * np.linalg.inv(information)[1, 1])
    return beta[1], se, 2 * stats.t.sf(abs(beta[1] / se), len(t) - 2)


@pytest.mark.parametrize("seed", range(8))
def test_linear_trend_is_weighted_least_squares(seed):
    rng = np.random.default_rng(seed)
    points = monthly_points(rng, skip={4, 8} if seed % 2 else ())
    t, y, v = (np.array(column, dtype=float) for column in zip(*points, strict=True))
    slope, se, p = linear_trend(points)

    coefficients, covariance = np.polyfit(t, y, 1, w=1 / np.sqrt(v), cov="unscaled")
    assert slope == pytest.approx(coefficients[0], rel=1e-9)
    assert se >= math.sqrt(covariance[0, 0]) * (1 - 1e-12)  # never below the sampling error
    assert (slope, se, p) == pytest.approx(wls_trend(points), rel=1e-9)


def test_a_trend_from_months_close_to_a_line_keeps_their_sampling_error():
    points = [(1, 80.0, 4.0), (2, 82.0, 1.0), (3, 84.01, 2.0), (4, 86.0, 3.0)]
    t, y, v = (np.array(column, dtype=float) for column in zip(*points, strict=True))
    _coefficients, unscaled = np.polyfit(t, y, 1, w=1 / np.sqrt(v), cov="unscaled")
    slope, se, p = linear_trend(points)
    assert se == pytest.approx(math.sqrt(unscaled[0, 0]), rel=1e-9)
    assert (slope, se, p) == pytest.approx(wls_trend(points), rel=1e-9)


def test_linear_trend_needs_three_points_with_variance():
    assert linear_trend([]) is None
    assert linear_trend([(1, 80.0, 4.0), (2, 82.0, 3.0)]) is None
    assert linear_trend([(1, 80.0, 4.0), (2, 82.0, 0.0), (3, 85.0, 2.0)]) is None
    assert linear_trend([(1, 80.0, 4.0), (2, 82.0, None), (3, 85.0, 2.0)]) is None
    assert linear_trend([(5, 80.0, 4.0), (5, 82.0, 3.0), (5, 85.0, 2.0)]) is None
    points = [(1, 80.0, 4.0), (2, 83.0, 1.0), (3, 81.0, 2.0)]
    assert linear_trend(points) == pytest.approx(wls_trend(points), rel=1e-9)


# --- rounding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, digits, expected",
    [
        (0.05, 1, 0.1),
        (0.15, 1, 0.2),
        (0.25, 1, 0.3),
        (2.675, 2, 2.68),
        (1.005, 2, 1.01),
        (66.65, 1, 66.7),
        (-0.05, 1, -0.1),
        (-66.65, 1, -66.7),
        (2.5, 0, 3.0),
        (0.5, 0, 1.0),
        (3.5, 0, 4.0),
        (88.89, 1, 88.9),
        (100.0, 1, 100.0),
        (7, 1, 7.0),
        (Decimal("66.65"), 1, 66.7),
    ],
)
def test_round_half_up_rounds_the_printed_decimal(value, digits, expected):
    assert round_half_up(value, digits) == expected


def test_round_half_up_passes_none_and_never_gives_negative_zero():
    assert round_half_up(None) is None
    assert math.isnan(round_half_up(math.nan))
    assert math.copysign(1, round_half_up(-0.04)) == 1
    assert math.copysign(1, round_half_up(-0.4, 0)) == 1


@EXAMPLES
@given(
    whole=st.integers(min_value=-(10**6), max_value=10**6),
    fraction=st.integers(min_value=0, max_value=9999),
    digits=st.integers(min_value=0, max_value=3),
)
def test_round_half_up_by_integer_arithmetic(whole, fraction, digits):
    magnitude = abs(whole) * 10_000 + fraction
    written = f"{'-' if whole < 0 else ''}{abs(whole)}.{fraction:04d}"
    kept, rest = divmod(magnitude, 10 ** (4 - digits))
    kept += 2 * rest >= 10 ** (4 - digits)
    expected = (-1 if whole < 0 else 1) * kept / 10**digits
    assert round_half_up(float(written), digits) == expected


# --- the module stays pure Python ---------------------------------------------------------


def test_the_statistics_module_imports_only_the_standard_library():
    tree = ast.parse(Path(statistics.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "it imports nothing of the package"
            imported.add(node.module.partition(".")[0])
    assert imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names
