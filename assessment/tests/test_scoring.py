import numpy as np
import pytest

from assessment import scoring
from assessment.models import Area, ItemLevel


@pytest.mark.parametrize(("theta", "score"), [(-3.0, 0.0), (0.0, 50.0), (3.0, 100.0)])
def test_it_maps_the_documented_anchors(theta, score):
    assert scoring.theta_to_score(theta) == pytest.approx(score)


@pytest.mark.parametrize(("theta", "score"), [(-3.5, 0.0), (-10.0, 0.0), (3.2, 100.0)])
def test_it_clips_to_0_and_100(theta, score):
    assert scoring.theta_to_score(theta) == score


def test_it_is_linear_inside_the_range():
    thetas = np.linspace(-2.9, 2.9, 13)
    scores = [scoring.theta_to_score(float(t)) for t in thetas]
    slope, intercept = np.polyfit(thetas, scores, 1)
    assert slope == pytest.approx(50 / 3)
    assert intercept == pytest.approx(50)
    assert np.allclose(np.polyval([slope, intercept], thetas), scores)


def test_it_scales_the_standard_error_by_the_same_slope():
    assert scoring.se_to_score(0.3) == pytest.approx(5.0)
    assert scoring.se_to_score(0.6) == pytest.approx(2 * scoring.se_to_score(0.3))
    # An SE of δ in θ is the score difference between θ and θ + δ.
    assert scoring.se_to_score(0.3) == pytest.approx(
        scoring.theta_to_score(0.5) - scoring.theta_to_score(0.2))


def test_it_inverts_the_score():
    assert scoring.score_to_theta(scoring.theta_to_score(1.23)) == pytest.approx(1.23)


LOW, HIGH = scoring.PLACEMENT_CUTS


@pytest.mark.parametrize(("theta", "level"), [
    (-2.5, ItemLevel.BASIC), (LOW - 0.01, ItemLevel.BASIC), (LOW, ItemLevel.EVERYDAY),
    (HIGH - 0.01, ItemLevel.EVERYDAY), (HIGH, ItemLevel.ADVANCED), (2.5, ItemLevel.ADVANCED),
])
def test_it_places_at_the_cuts(theta, level):
    assert LOW < 0 < HIGH
    assert scoring.placement_level(theta) == level


def test_it_derives_cuts_from_the_levels_median_difficulties():
    cuts = scoring.cuts_from_difficulties({
        "basic": [-2.0, -1.4, -1.0, 3.0], "everyday": [-0.4, 0.0, 0.3], "advanced": [0.8, 1.2, 2.0],
    })
    # Medians −1.2, 0.0, 1.2 → midpoints −0.6 and 0.6.
    assert cuts == (-0.6, 0.6)


def test_its_cuts_follow_the_rule_on_the_item_bank():
    from assessment.item_bank import DEFAULT, bank_files_read

    if len(list(DEFAULT.glob("*.json"))) < len(Area):
        pytest.skip("the item bank files are not all written yet")

    by_level: dict[str, list[float]] = {level: [] for level in ItemLevel.values}
    for item in bank_files_read():
        by_level[item["level"]].append(item["irt"]["b"])
    assert scoring.cuts_from_difficulties(by_level) == pytest.approx(scoring.PLACEMENT_CUTS)
