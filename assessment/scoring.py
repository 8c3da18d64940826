"""From θ (the IRT ability scale) to what people read: a 0–100 score and a level.

The score is a linear transformation of θ, so differences and means keep
their meaning: score = 50 + θ × 50/3, clipped to 0–100 (θ = −3 → 0, θ = 0 → 50,
θ = +3 → 100). Its standard error is the θ standard error × 50/3. The
transformation is documented in docs/assessment.md; changing it changes
every reported figure, so it is a constant here, not a setting.
"""

from assessment.models import ItemLevel

SCALE_CENTER = 50.0
POINTS_PER_THETA = 50.0 / 3.0

# θ below the first cut → basic; below the second → everyday; otherwise advanced.
PLACEMENT_CUTS = (-0.5, 0.7)


def theta_to_score(theta: float) -> float:
    return min(100.0, max(0.0, SCALE_CENTER + POINTS_PER_THETA * theta))


def se_to_score(se: float) -> float:
    return POINTS_PER_THETA * se


def placement_level(theta: float) -> ItemLevel:
    low, high = PLACEMENT_CUTS
    if theta < low:
        return ItemLevel.BASIC
    if theta < high:
        return ItemLevel.EVERYDAY
    return ItemLevel.ADVANCED
