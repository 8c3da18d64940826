"""Gain figures against an independent pandas computation over the raw rows."""

import random

import pandas as pd
import pytest
from scipy import stats as scipy_stats

from assessment.models import Area, Diagnostic, DiagnosticStatus, Mode, Purpose, TakenVia
from assessment.outcomes import change_for, changes, gain_summary, paired
from assessment.scoring import placement_level
from enrollment.models import Application
from enrollment.testing import apply, recruiting_class

pytestmark = pytest.mark.django_db

LEVEL_RANK = {"basic": 0, "everyday": 1, "advanced": 2}


def sitting(application, purpose, score, *, status=DiagnosticStatus.COMPLETED, areas=None):
    """A scored sitting written directly: outcomes only read these columns."""
    theta = (score - 50) * 3 / 50
    return Diagnostic.objects.create(
        application=application, learner=application.learner,
        center=application.course_class.center, purpose=purpose, mode=Mode.ADAPTIVE,
        taken_via=TakenVia.SELF, status=status, theta=theta, score=score,
        placement_level=placement_level(theta) if status == DiagnosticStatus.COMPLETED else "",
        area_scores={area: {"score": value} for area, value in (areas or {}).items()},
    )


@pytest.fixture
def cohort(people):
    """30 applications: pairs, pre only, post only, neither, plus sittings that must not count."""
    rng = random.Random(5)
    course_class = recruiting_class(people, capacity=40)
    applications = [apply(course_class).application for _ in range(30)]
    for index, application in enumerate(applications):
        pre = rng.uniform(20, 60)
        post = pre + rng.gauss(8, 6)
        # Every area is asked in most sittings, but not all: per-area n differs.
        pre_areas = {a: rng.uniform(15, 70) for a in Area.values if rng.random() < 0.85}
        post_areas = {a: v + rng.gauss(7, 8) for a, v in pre_areas.items() if rng.random() < 0.9}
        kind = index % 10
        if kind < 6 or kind == 9:
            sitting(application, Purpose.PRE, pre, areas=pre_areas)
        if kind < 6 or kind == 7:
            sitting(application, Purpose.POST, post, areas=post_areas)
        if kind == 9:  # a post-test that was abandoned halfway
            sitting(application, Purpose.POST, 99.0, status=DiagnosticStatus.ABANDONED)
        if kind == 0:  # a placement test the learner took before: never a pre-test
            sitting(application, Purpose.PLACEMENT, 5.0)
        if kind == 1:  # an earlier pre-test set aside, then taken again above
            sitting(application, Purpose.PRE, 1.0, status=DiagnosticStatus.ABANDONED)
        if kind == 8:  # an unfinished pre-test: neither
            sitting(application, Purpose.PRE, 0.0, status=DiagnosticStatus.IN_PROGRESS)
    return Application.objects.filter(course_class=course_class)


def raw_frame(applications):
    rows = list(Diagnostic.objects.values(
        "application_id", "purpose", "status", "score", "placement_level", "area_scores",
    ))
    frame = pd.DataFrame(rows)
    for area in Area.values:
        frame[area] = frame["area_scores"].map(lambda d, a=area: (d.get(a) or {}).get("score"))
    ids = set(applications.values_list("pk", flat=True))
    return frame[frame.application_id.isin(ids)].drop(columns="area_scores")


def pandas_paired(pre, post):
    diff = post - pre
    n = len(diff)
    half = scipy_stats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / n ** 0.5
    return {
        "n": n, "mean_pre": pre.mean(), "mean_post": post.mean(),
        "gain_pct": (post.mean() - pre.mean()) / pre.mean(), "mean_diff": diff.mean(),
        "ci_low": diff.mean() - half, "ci_high": diff.mean() + half,
        "effect": diff.mean() / diff.std(ddof=1),
    }


def test_it_matches_pandas_over_the_raw_rows_with_exclusions(cohort):
    frame = raw_frame(cohort)
    done = frame[(frame.status == "completed") & frame.purpose.isin(["pre", "post"])]
    wide = done.pivot(index="application_id", columns="purpose")
    both = wide.dropna(subset=[("score", "pre"), ("score", "post")])
    expected = pandas_paired(both[("score", "pre")], both[("score", "post")])
    moved = (both[("placement_level", "pre")].map(LEVEL_RANK)
             < both[("placement_level", "post")].map(LEVEL_RANK)).sum()

    gain = gain_summary(cohort)

    assert gain.n_pairs == expected["n"] == 18
    assert gain.n_pre_only == wide[("score", "post")].isna().sum() == 3
    assert gain.n_post_only == wide[("score", "pre")].isna().sum() == 3
    assert gain.n_neither == cohort.count() - len(wide) == 6
    assert gain.mean_pre == pytest.approx(expected["mean_pre"])
    assert gain.mean_post == pytest.approx(expected["mean_post"])
    assert gain.gain_pct == pytest.approx(expected["gain_pct"])
    assert gain.mean_diff == pytest.approx(expected["mean_diff"])
    assert (gain.ci_low, gain.ci_high) == pytest.approx((expected["ci_low"], expected["ci_high"]))
    assert gain.effect_size == pytest.approx(expected["effect"])
    assert gain.moved_up == moved
    assert gain.moved_up_share == pytest.approx(moved / expected["n"])


def test_it_pairs_each_area_on_its_own(cohort):
    frame = raw_frame(cohort)
    done = frame[(frame.status == "completed") & frame.purpose.isin(["pre", "post"])]
    wide = done.pivot(index="application_id", columns="purpose")
    both = wide.dropna(subset=[("score", "pre"), ("score", "post")])
    gain = gain_summary(cohort)
    sizes = set()
    for area in Area.values:
        area_pairs = both.dropna(subset=[(area, "pre"), (area, "post")])
        expected = pandas_paired(area_pairs[(area, "pre")].astype(float),
                                 area_pairs[(area, "post")].astype(float))
        figures = gain.per_area[area]
        assert figures.n_pairs == expected["n"]
        assert figures.mean_diff == pytest.approx(expected["mean_diff"])
        assert (figures.ci_low, figures.ci_high) == pytest.approx(
            (expected["ci_low"], expected["ci_high"]))
        sizes.add(figures.n_pairs)
    assert len(sizes) > 1  # the fixture really has areas missing in some sittings


def test_it_gives_each_learner_pre_post_and_change(cohort):
    found = {change.application_id: change for change in changes(cohort)}
    first = cohort.order_by("pk").first()
    pre = Diagnostic.objects.get(application=first, purpose="pre", status="completed")
    post = Diagnostic.objects.get(application=first, purpose="post", status="completed")
    assert found[first.pk].change == pytest.approx(post.score - pre.score)
    assert change_for(first) == found[first.pk]
    only_pre = cohort.order_by("pk")[6]  # kind 6: neither test
    assert change_for(only_pre).change is None


def test_it_reports_nothing_rather_than_zero_without_pairs(people):
    course_class = recruiting_class(people, capacity=5)
    application = apply(course_class).application
    sitting(application, Purpose.PRE, 40.0)
    gain = gain_summary(Application.objects.filter(pk=application.pk))
    assert gain.n_pairs == 0 and gain.n_pre_only == 1
    assert gain.mean_diff is None and gain.gain_pct is None and gain.moved_up_share is None


def test_it_leaves_the_interval_open_for_a_single_pair():
    one = paired([40.0], [50.0])
    assert one.mean_diff == 10.0 and one.ci_low is None and one.effect_size is None
