"""From θ (the IRT ability scale) to what people read: a 0–100 score and a level.

The score is a linear transformation of θ, so differences and means keep
their meaning: score = 50 + θ × 50/3, clipped to 0–100 (θ = −3 → 0, θ = 0 → 50,
θ = +3 → 100). Its standard error is the θ standard error × 50/3. The
transformation is documented in docs/assessment.md; changing it changes
every reported figure, so it is a constant here, not a setting.

Placement cuts: the cut between two adjacent levels is the midpoint of the
median difficulties (b) of the two levels' items in the bank, rounded to
0.1 (`cuts_from_difficulties`). A learner at the cut answers the easier
level's typical item more often than not and the harder level's typical
item less often than not. The constants below are that rule applied to the
expert bank; tests check they still agree with the bank files.
"""

from collections.abc import Iterable, Mapping
from statistics import median

from assessment.models import ItemLevel

SCALE_CENTER = 50.0
POINTS_PER_THETA = 50.0 / 3.0

# θ below the first cut → basic; below the second → everyday; otherwise advanced.
# The expert bank's median difficulties: basic −1.55, everyday 0.05, advanced 1.5.
PLACEMENT_CUTS = (-0.8, 0.8)


def theta_to_score(theta: float) -> float:
    return min(100.0, max(0.0, SCALE_CENTER + POINTS_PER_THETA * theta))


def se_to_score(se: float) -> float:
    return POINTS_PER_THETA * se


def score_to_theta(score: float) -> float:
    """The inverse of `theta_to_score` inside 0–100 (for reading cut scores as points)."""
    return (score - SCALE_CENTER) / POINTS_PER_THETA


def placement_level(theta: float, cuts: tuple[float, float] = PLACEMENT_CUTS) -> ItemLevel:
    low, high = cuts
    if theta < low:
        return ItemLevel.BASIC
    if theta < high:
        return ItemLevel.EVERYDAY
    return ItemLevel.ADVANCED


def cuts_from_difficulties(difficulties: Mapping[str, Iterable[float]]) -> tuple[float, float]:
    """The placement cuts the rule gives for {level: item difficulties}."""
    medians = [median(list(difficulties[level])) for level in ItemLevel.values]
    low = round((medians[0] + medians[1]) / 2, 1)
    high = round((medians[1] + medians[2]) / 2, 1)
    return low, high
