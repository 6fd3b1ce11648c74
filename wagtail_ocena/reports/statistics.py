"""The figures a report states about rating questions, from answer counts and sums alone.

Pure Python: the distributions (normal, Student's t) are computed here so that the plugin needs
neither numpy nor scipy; the tests check every figure against them.
"""

import functools
import math
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

SCALE = (1, 2, 3, 4, 5)
POSITIVE = (4, 5)
MEAN_BOUNDS = (1, 5)
PERCENT_BOUNDS = (0, 100)
_UNBOUNDED = (-math.inf, math.inf)
# Below this many answers (responses, for pooled figures) a report prints no interval.
MINIMUM_ANSWERS = 30

_EPSILON = 2.220446049250313e-16
_TINY = 1e-300
_MAX_ITERATIONS = 100_000
_LN_SQRT_2PI = 0.5 * math.log(2 * math.pi)
# From here on Student's t is computed by Hill's expansion instead of the incomplete beta.
_LARGE_DF = 20_000

# --- distributions -------------------------------------------------------------------------


def normal_cdf(x):
    """P(Z ≤ x) for a standard normal Z."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def normal_sf(x):
    """P(Z > x) for a standard normal Z, accurate far into the upper tail."""
    return 0.5 * math.erfc(x / math.sqrt(2))


def normal_pdf(x):
    """The standard normal density."""
    return math.exp(-0.5 * x * x - _LN_SQRT_2PI)


def normal_two_sided_p(z):
    """P(|Z| ≥ |z|): the two-sided p-value of a z statistic."""
    return math.erfc(abs(z) / math.sqrt(2))


def normal_quantile(probability):
    """The x with P(Z ≤ x) = probability."""
    if probability == 0.5:
        return 0.0
    if not 0 < probability < 1:
        return _quantile_at_edge(probability)
    if probability > 0.5:
        return _upper_normal_quantile(1 - probability)
    return -_upper_normal_quantile(probability)


def _upper_normal_quantile(tail):
    # Abramowitz & Stegun 26.2.23 (error below 4.5e-4) as the root-finder's first guess.
    w = math.sqrt(-2 * math.log(tail))
    guess = w - (2.515517 + 0.802853 * w + 0.010328 * w * w) / (
        1 + 1.432788 * w + 0.189269 * w * w + 0.001308 * w**3
    )
    return _invert_upper_tail(normal_sf, normal_pdf, tail, max(guess, 1e-3))


def _quantile_at_edge(probability):
    if probability == 0:
        return -math.inf
    if probability == 1:
        return math.inf
    return math.nan


def _invert_upper_tail(survival, density, tail, guess):
    """The x > 0 with survival(x) = tail (0 < tail < 1/2): Newton on log survival, bracketed.

    Newton's steps on the logarithm converge in a few steps, in the far tail too; a step that
    leaves the bracket found so far is replaced by bisection, so the root is always found.
    """
    log_tail = math.log(tail)
    low, high = 0.0, math.inf
    x = guess
    for _ in range(_MAX_ITERATIONS):
        survived = survival(x)
        if survived == tail:
            return x
        if survived == 0:
            high, gap = x, -math.inf
        else:
            gap = math.log(survived) - log_tail
            if gap > 0:
                low = x
            else:
                high = x
        d = density(x)
        new = x + gap * survived / d if d > 0 and math.isfinite(gap) else math.nan
        if not low < new < high:
            new = 2 * x if high == math.inf else (low + high) / 2
        if abs(new - x) <= 4 * _EPSILON * new or high - low <= 4 * _EPSILON * low:
            return new
        x = new
    return x


def _stirling_correction(x):
    """ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π) for x ≥ 10, from the Stirling series."""
    inverse, square = 1 / x, 1 / (x * x)
    series = (-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360)
    total = 0.0
    for coefficient in series:
        total = (total + coefficient) * square
    return (total + 1 / 12) * inverse


def _log_beta(a, b):
    """ln B(a, b), without the cancellation of lgamma differences when a or b is large.

    With df = 2·10⁴, ln Γ(df/2) is about 8·10⁴ and its rounding alone would cost 10⁻¹¹ of a
    p-value; the Stirling forms below (as in R's lbeta) leave only rounding of small terms.
    """
    p, q = min(a, b), max(a, b)
    if p >= 10:
        correction = _stirling_correction(p) + _stirling_correction(q)
        correction -= _stirling_correction(p + q)
        return (
            -0.5 * math.log(q)
            + _LN_SQRT_2PI
            + correction
            + (p - 0.5) * math.log(p / (p + q))
            + q * math.log1p(-p / (p + q))
        )
    if q >= 10:
        correction = _stirling_correction(q) - _stirling_correction(p + q)
        return (
            math.lgamma(p)
            + correction
            + p
            - p * math.log(p + q)
            + (q - 0.5) * math.log1p(-p / (p + q))
        )
    return math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)


def _beta_continued_fraction(a, b, x, y):
    """The continued fraction of I_x(a, b) (Numerical Recipes' betacf, by Lentz's method)."""
    # Its first term 1 − (a + b)x / (a + 1) cancels for x near 1; y = 1 − x keeps it exact.
    first = 1 - (a + b) * x / (a + 1) if x < 0.5 else ((1 - b) + (a + b) * y) / (a + 1)
    c, d = 1.0, first
    d = 1 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, _MAX_ITERATIONS):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > _TINY else _TINY)
            c = 1 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            result *= c * d
        if abs(c * d - 1) <= 1e-15:
            return result
    raise ArithmeticError("the incomplete beta function's continued fraction did not converge")


def _regularised_beta(a, b, x, y):
    """I_x(a, b), the regularised incomplete beta function; y = 1 − x, given exactly."""
    if x <= 0:
        return 0.0
    if y <= 0:
        return 1.0
    log_x = math.log(x) if x < 0.5 else math.log1p(-y)
    log_y = math.log(y) if y < 0.5 else math.log1p(-x)
    front = math.exp(a * log_x + b * log_y - _log_beta(a, b))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_continued_fraction(a, b, x, y) / a
    return 1 - front * _beta_continued_fraction(b, a, y, x) / b


def _t_split(t, degrees_of_freedom):
    """x = df / (df + t²) and 1 − x, each without cancellation or overflow."""
    if abs(t) > math.sqrt(degrees_of_freedom):
        ratio = degrees_of_freedom / t / t
        return ratio / (1 + ratio), 1 / (1 + ratio)
    ratio = t * t / degrees_of_freedom
    return 1 / (1 + ratio), ratio / (1 + ratio)


def t_two_sided_p(t, degrees_of_freedom):
    """P(|T| ≥ |t|) for Student's T with any real df > 0 (df = ∞ is the normal)."""
    if not degrees_of_freedom > 0:
        return math.nan
    if math.isinf(degrees_of_freedom):
        return normal_two_sided_p(t)
    if math.isinf(t):
        return 0.0
    if degrees_of_freedom >= _LARGE_DF:
        return _t_two_sided_p_large_df(t, degrees_of_freedom)
    x, y = _t_split(t, degrees_of_freedom)
    return _regularised_beta(degrees_of_freedom / 2, 0.5, x, y)


def _t_two_sided_p_large_df(t, nu):
    """Hill's asymptotic normalisation (ACM Algorithm 395) of T to a normal deviate.

    Within 10⁻¹² (relative) of the exact p-value from df = 10⁴ on; the continued fraction,
    whose x is then within 1/df of 1, loses digits in proportion to df.
    """
    a = nu - 0.5
    b = 48 * a * a
    y = a * math.log1p(t * t / nu)
    z = math.sqrt(y) * (
        (((((-0.4 * y - 3.3) * y - 24) * y - 85.5) / (0.8 * y * y + 100 + b) + y + 3) / b) + 1
    )
    return normal_two_sided_p(z)


def t_sf(t, degrees_of_freedom):
    """P(T > t) for Student's T with any real df > 0."""
    half = t_two_sided_p(t, degrees_of_freedom) / 2
    return half if t >= 0 else 1 - half


def t_cdf(t, degrees_of_freedom):
    """P(T ≤ t) for Student's T with any real df > 0."""
    return t_sf(-t, degrees_of_freedom)


def t_pdf(t, degrees_of_freedom):
    """Student's t density, for the quantile's Newton steps."""
    nu = degrees_of_freedom
    if math.isinf(nu):
        return normal_pdf(t)
    if abs(t) > math.sqrt(nu):
        log_kernel = 2 * math.log(abs(t)) - math.log(nu) + math.log1p(nu / t / t)
    else:
        log_kernel = math.log1p(t * t / nu)
    return math.exp(-(nu + 1) / 2 * log_kernel - _log_beta(nu / 2, 0.5)) / math.sqrt(nu)


def t_quantile(probability, degrees_of_freedom):
    """The t with P(T ≤ t) = probability, for Student's T with any real df > 0."""
    if not degrees_of_freedom > 0:
        return math.nan
    if math.isinf(degrees_of_freedom):
        return normal_quantile(probability)
    if probability == 0.5:
        return 0.0
    if not 0 < probability < 1:
        return _quantile_at_edge(probability)
    tail = min(probability, 1 - probability)
    t = _upper_t_quantile(tail, degrees_of_freedom)
    return t if probability > 0.5 else -t


def _upper_t_quantile(tail, nu):
    z = _upper_normal_quantile(tail)
    guess = z + (z**3 + z) / (4 * nu) if nu > 2 else z
    return _invert_upper_tail(
        lambda t: t_two_sided_p(t, nu) / 2, lambda t: t_pdf(t, nu), tail, guess
    )


@functools.lru_cache(maxsize=1024)
def t_critical(degrees_of_freedom, confidence=0.95):
    """Student's two-sided critical value (2.776 for df 4 at 95 %), for any real df > 0.

    NaN for df ≤ 0, so that an interval from fewer than two answers is not a number.
    """
    if not degrees_of_freedom > 0:
        return math.nan
    tail = (1 - confidence) / 2
    if math.isinf(degrees_of_freedom):
        return _upper_normal_quantile(tail)
    return _upper_t_quantile(tail, degrees_of_freedom)


def z_critical(confidence=0.95):
    """The standard normal two-sided critical value (1.959964 at 95 %)."""
    return _upper_normal_quantile((1 - confidence) / 2)


# --- one question's answers --------------------------------------------------------------


def wilson_interval(successes, n, confidence=0.95):
    """Wilson's score interval for a share, in percent, or None without answers.

    Unlike the normal approximation it stays within 0–100 % and has width at 0 % and 100 %.
    """
    if not n:
        return None
    z = z_critical(confidence)
    share, z2 = successes / n, z * z / n
    centre = (share + z2 / 2) / (1 + z2)
    half_width = z / (1 + z2) * math.sqrt(share * (1 - share) / n + z2 / (4 * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == n else min(1.0, centre + half_width)
    return (100 * low, 100 * high)


def shown_interval(interval, n, bounds, minimum=MINIMUM_ANSWERS):
    """The interval if the report may print it, else None (it prints “za mało odpowiedzi”).

    Not printed below ``minimum`` answers, when it leaves the scale's ``bounds`` (a mean's
    Student interval can, from few or skewed answers), or when it has no width: all answers
    equal give a zero-width interval, which would claim a certainty the data do not have.
    """
    if interval is None or n < minimum:
        return None
    low, high = interval
    if not low < high or low < bounds[0] or high > bounds[1]:
        return None
    return interval


@dataclass(frozen=True)
class RatingStats:
    """Distribution, mean with its 95 % confidence interval, and the satisfaction index."""

    counts: dict  # rating 1–5 -> number of answers
    not_applicable: int

    @classmethod
    def of_counts(cls, counts):
        """From counted values as the count tables keep them: 1–5, and 0 "not applicable"."""
        return cls({value: counts.get(value, 0) for value in SCALE}, counts.get(0, 0))

    @property
    def n(self):
        return sum(self.counts.get(value, 0) for value in SCALE)

    @property
    def positive(self):
        return sum(self.counts.get(value, 0) for value in POSITIVE)

    @property
    def mean(self):
        if not self.n:
            return None
        return sum(value * self.counts.get(value, 0) for value in SCALE) / self.n

    @property
    def standard_deviation(self):
        if self.n < 2:
            return None
        mean = self.mean
        squares = sum(self.counts.get(v, 0) * (v - mean) ** 2 for v in SCALE)
        return math.sqrt(squares / (self.n - 1))

    @property
    def confidence_interval(self):
        """The mean's 95 % confidence interval (Student's t), or None below two answers."""
        if self.n < 2:
            return None
        half_width = t_critical(self.n - 1) * self.standard_deviation / math.sqrt(self.n)
        return (self.mean - half_width, self.mean + half_width)

    @property
    def satisfaction_index(self):
        """Share of positive answers (4 or 5) among the answers on the scale, in percent."""
        if not self.n:
            return None
        return 100 * self.positive / self.n

    @property
    def satisfaction_index_interval(self):
        """The index's 95 % Wilson interval in percent, or None without answers."""
        return wilson_interval(self.positive, self.n)

    def shown_confidence_interval(self, minimum=MINIMUM_ANSWERS):
        return shown_interval(self.confidence_interval, self.n, MEAN_BOUNDS, minimum)

    def shown_index_interval(self, minimum=MINIMUM_ANSWERS):
        return shown_interval(self.satisfaction_index_interval, self.n, PERCENT_BOUNDS, minimum)

    def share(self, value):
        return 100 * self.counts.get(value, 0) / self.n if self.n else None

    @property
    def distribution(self):
        """``(value, count, share in percent)`` for each point of the scale."""
        return [(value, self.counts.get(value, 0), self.share(value)) for value in SCALE]

    def differs_from(self, other):
        """True when the two means' confidence intervals do not overlap."""
        mine, theirs = self.confidence_interval, other.confidence_interval if other else None
        if mine is None or theirs is None:
            return False
        return mine[1] < theirs[0] or theirs[1] < mine[0]


def merge(stats):
    """One ``RatingStats`` with the answers of all given ones."""
    counts = dict.fromkeys(SCALE, 0)
    not_applicable = 0
    for item in stats:
        for value in SCALE:
            counts[value] += item.counts.get(value, 0)
        not_applicable += item.not_applicable
    return RatingStats(counts, not_applicable)


# --- pooled figures: each response a cluster of answers ----------------------------------


@dataclass(frozen=True)
class RatioEstimate:
    """A pooled figure Σy / Σx over responses, with the variance that treats each response as
    one cluster of answers (one respondent's answers are not independent of each other).

    ``estimate`` and ``variance`` are in the figure's unit (percent for an index, points of
    the scale for a mean); ``variance`` is None below two responses.
    """

    estimate: float
    variance: float | None
    responses: int
    answers: int
    bounds: tuple
    naive_variance: float | None = None

    @property
    def standard_error(self):
        return None if self.variance is None else math.sqrt(self.variance)

    @property
    def design_effect(self):
        """The variance over the one that takes every answer as independent (binomial for an
        index); above 1 when a respondent's answers go together. None when not computable."""
        if self.variance is None or not self.naive_variance:
            return None
        return self.variance / self.naive_variance

    def interval(self, confidence=0.95):
        """Estimate ± Student's t with responses − 1 degrees of freedom (the number of
        independent units less one, as survey software does for clustered samples)."""
        if self.variance is None:
            return None
        half_width = t_critical(self.responses - 1, confidence) * self.standard_error
        return (self.estimate - half_width, self.estimate + half_width)

    def shown_interval(self, minimum=MINIMUM_ANSWERS, confidence=0.95):
        """The interval for the report, or None; the minimum counts responses, not answers."""
        return shown_interval(self.interval(confidence), self.responses, self.bounds, minimum)


def ratio_estimate(n, sum_x, sum_y, sum_xx, sum_yy, sum_xy, *, scale=1, bounds=_UNBOUNDED):
    """R = Σy / Σx over n clusters with its linearised (Taylor) variance

    V(R) = n / (n − 1) · Σ(y_i − R x_i)² / (Σx)², the sum expanded as Σy² − 2RΣxy + R²Σx²;
    with whole-number sums that expansion is taken exactly, so it can neither cancel into a
    negative variance nor round zero variance away from zero. ``scale`` multiplies R (100 for
    percent). None without answers; the variance is None below two clusters.
    """
    if not sum_x:
        return None
    ratio = sum_y / sum_x
    variance = None
    if n >= 2:
        spread = sum_x * sum_x * sum_yy - 2 * sum_x * sum_y * sum_xy + sum_y * sum_y * sum_xx
        variance = n / (n - 1) * max(spread, 0) / sum_x**4 * scale * scale
    return RatioEstimate(scale * ratio, variance, n, sum_x, bounds)


def _whole(value):
    # Database SUMs come as None over no rows, and as Decimal on PostgreSQL.
    if value is None:
        return 0
    return int(value) if value == int(value) else value


@dataclass(frozen=True)
class ClusterSums:
    """The sums over responses i that pooled figures need, as the daily counts store them.

    x_i is the number of a response's answers on the scale among the pooled questions, p_i how
    many of them are positive (4 or 5), s_i the sum of its ratings; ``rated`` counts responses
    with x_i > 0. Day rows add up: ``sum(rows, ClusterSums())``, or ``ClusterSums(**row)``.
    """

    rated: int = 0  # n
    answers: int = 0  # Σx
    positive: int = 0  # Σp
    score: int = 0  # Σs
    answers_sq: int = 0  # Σx²
    positive_sq: int = 0  # Σp²
    score_sq: int = 0  # Σs²
    answers_positive: int = 0  # Σxp
    answers_score: int = 0  # Σxs

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _whole(getattr(self, f.name)))

    def __add__(self, other):
        if not isinstance(other, ClusterSums):
            return NotImplemented
        return ClusterSums(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __radd__(self, other):
        # sum() starts from 0.
        return self if other == 0 else NotImplemented

    @property
    def index(self):
        """The pooled satisfaction index (positive answers among all, percent), or None."""
        estimate = ratio_estimate(
            self.rated,
            self.answers,
            self.positive,
            self.answers_sq,
            self.positive_sq,
            self.answers_positive,
            scale=100,
            bounds=PERCENT_BOUNDS,
        )
        if estimate is None:
            return None
        share = self.positive / self.answers
        return replace(estimate, naive_variance=100 * 100 * share * (1 - share) / self.answers)

    @property
    def mean(self):
        """The pooled mean rating (sum of ratings over answers), or None."""
        return ratio_estimate(
            self.rated,
            self.answers,
            self.score,
            self.answers_sq,
            self.score_sq,
            self.answers_score,
            bounds=MEAN_BOUNDS,
        )

    def mean_design_effect(self, answer_variance):
        """The pooled mean's design effect, given the variance of single ratings (which these
        sums do not hold: ``merge(stats).standard_deviation ** 2`` of the same answers)."""
        mean = self.mean
        if mean is None or mean.variance is None or not answer_variance:
            return None
        return mean.variance / (answer_variance / self.answers)


# --- tests of change ---------------------------------------------------------------------


class WelchTest(NamedTuple):
    t: float | None
    degrees_of_freedom: float | None
    p: float | None


class ZTest(NamedTuple):
    z: float | None
    p: float | None


def welch_test(n1, mean1, sd1, n2, mean2, sd2):
    """Welch's t-test of mean1 − mean2, with Welch–Satterthwaite df; two-sided p.

    sd is the sample standard deviation (n − 1). All None below two answers on either side
    or when both standard errors are zero (all answers equal: the p-value is not computable).
    """
    if n1 < 2 or n2 < 2 or sd1 is None or sd2 is None:
        return WelchTest(None, None, None)
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    if v1 + v2 == 0:
        return WelchTest(None, None, None)
    t = (mean1 - mean2) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    return WelchTest(t, df, t_two_sided_p(t, df))


def two_proportion_test(x1, n1, x2, n2):
    """The classic z-test of x1/n1 − x2/n2 with the pooled standard error; two-sided p.

    It takes answers as independent; for pooled indices use ``ratio_difference_test``.
    """
    if not n1 or not n2:
        return ZTest(None, None)
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return ZTest(None, None)
    z = (x1 / n1 - x2 / n2) / se
    return ZTest(z, normal_two_sided_p(z))


def ratio_difference_test(a, b):
    """z-test of a − b for two independent ``RatioEstimate``s, SE = √(V_a + V_b); normal p.

    The two-proportion test corrected for clustering: (None, None) when either variance is
    unknown or both are zero.
    """
    if a is None or b is None or a.variance is None or b.variance is None:
        return ZTest(None, None)
    se = math.sqrt(a.variance + b.variance)
    if se == 0:
        return ZTest(None, None)
    z = (a.estimate - b.estimate) / se
    return ZTest(z, normal_two_sided_p(z))


def holm(p_values):
    """Holm's step-down adjusted p-values, in the given order; None entries stay None.

    The k-th smallest of m p-values becomes max over j ≤ k of min(1, (m − j + 1) · p_(j)).
    """
    ranked = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    adjusted = list(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(ranked):
        running = max(running, min(1.0, (len(ranked) - rank) * p))
        adjusted[i] = running
    return adjusted


# --- trend over months -------------------------------------------------------------------


class Trend(NamedTuple):
    slope: float
    standard_error: float
    p: float


def linear_trend(points):
    """The weighted least-squares slope through (t, estimate, variance) points, weights
    1 / variance, with a two-sided t-test on k − 2 degrees of freedom.

    The slope's variance is the sampling one (1 / Σw(t − t̄)²), scaled up by the weighted
    residual variance when the months scatter more than their sampling variances explain —
    never down, so that a few months lying close to a line do not claim more certainty than
    their own answers give. None below three points or with a variance that is not positive.
    """
    points = list(points)
    if len(points) < 3 or any(variance is None or variance <= 0 for *_, variance in points):
        return None
    times, estimates = [t for t, *_ in points], [y for _, y, _ in points]
    weights = [1 / variance for *_, variance in points]
    total = sum(weights)
    t_mean = sum(map(math.prod, zip(weights, times, strict=True))) / total
    y_mean = sum(map(math.prod, zip(weights, estimates, strict=True))) / total
    dt = [t - t_mean for t in times]
    dy = [y - y_mean for y in estimates]
    sxx = sum(w * d * d for w, d in zip(weights, dt, strict=True))
    if sxx == 0:
        return None
    slope = sum(map(math.prod, zip(weights, dt, dy, strict=True))) / sxx
    residuals = sum(w * (e - slope * d) ** 2 for w, d, e in zip(weights, dt, dy, strict=True))
    df = len(points) - 2
    se = math.sqrt(max(1.0, residuals / df) / sxx)
    return Trend(slope, se, t_two_sided_p(slope / se, df))


# --- rounding ----------------------------------------------------------------------------


def decimal_half_up(value, digits=1):
    """``value`` to ``digits`` places as a ``Decimal``, ties away from zero, on its decimal
    form: 66.65 → 66.7 and 2.675 → 2.68 as printed, although the binary floats lie below."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def round_half_up(value, digits=1):
    """``value`` rounded by ``decimal_half_up``, as a float: the one rule for screen, PDF,
    XLSX and CSV. None and non-finite values pass through."""
    if value is None or not math.isfinite(value):
        return value
    return float(decimal_half_up(value, digits)) + 0.0  # + 0.0 turns −0.0 into 0.0
