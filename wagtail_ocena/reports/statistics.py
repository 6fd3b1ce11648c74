"""The figures a report states about a rating question, from its answer counts alone."""

import math
from dataclasses import dataclass

# Two-sided 95 % critical values of Student's t for 1–30 degrees of freedom (tables);
# above 30 the Cornish–Fisher expansion in 1/df below agrees with the tables to 0.0001.
_T_975 = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
]  # fmt: skip
_Z_975 = 1.959964

SCALE = (1, 2, 3, 4, 5)
POSITIVE = (4, 5)


def t_critical(degrees_of_freedom):
    if degrees_of_freedom < 1:
        return math.nan
    if degrees_of_freedom <= len(_T_975):
        return _T_975[degrees_of_freedom - 1]
    z, n = _Z_975, degrees_of_freedom
    return (
        z
        + (z**3 + z) / (4 * n)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * n**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * n**3)
    )


@dataclass(frozen=True)
class RatingStats:
    """Distribution, mean with its 95 % confidence interval, and the satisfaction index."""

    counts: dict  # rating 1–5 -> number of answers
    not_applicable: int

    @property
    def n(self):
        return sum(self.counts.get(value, 0) for value in SCALE)

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
        return 100 * sum(self.counts.get(v, 0) for v in POSITIVE) / self.n

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
