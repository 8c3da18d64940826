"""The demo's simulated tests: reproducible, scored as the services score, plausible."""

import random

import pytest

from assessment import cat, demo, scoring, services
from assessment.models import Diagnostic, Mode, Purpose, Response
from assessment.outcomes import gain_summary
from assessment.testing import fixed_form, small_bank
from attendance.models import Certificate
from classes.models import ClassStatus, CourseClass
from demo.seeding import DemoContext
from enrollment.models import Application
from enrollment.testing import apply, recruiting_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(people, monkeypatch):
    """A finished class of 10 with certificates for 8, on the small test bank."""
    versions = small_bank()
    fixed_form(versions, key="standard", size=15)
    monkeypatch.setattr(demo, "bank_import_default", lambda: None)
    monkeypatch.setitem(demo.CLASS_SHARE, "small", 1.0)
    course_class = recruiting_class(people, capacity=12)
    applications = [apply(course_class).application for _ in range(10)]
    for number, application in enumerate(applications[:8]):
        Certificate.objects.create(
            application=application, number=f"T-{number}", verification_code=f"V{number}",
            attended_sessions=4, total_sessions=4,
        )
    CourseClass.objects.filter(pk=course_class.pk).update(status=ClassStatus.FINISHED)
    return Application.objects.filter(course_class=course_class)


def figures(applications):
    gain = gain_summary(applications)
    return (gain.n_pairs, gain.n_pre_only, gain.n_post_only, gain.n_neither,
            round(gain.mean_pre, 6), round(gain.mean_diff, 6),
            Response.objects.count(), Diagnostic.objects.filter(mode=Mode.FIXED).count())


def run(seed):
    demo.seed(DemoContext(scale="small", rng=random.Random(seed)))


def test_it_gives_the_same_figures_for_the_same_seed(finished):
    run(11)
    first = figures(finished)
    run(11)  # idempotent: the class already has tests
    assert figures(finished) == first
    Response.objects.all().delete()
    Diagnostic.objects.all().delete()
    run(11)
    assert figures(finished) == first
    Response.objects.all().delete()
    Diagnostic.objects.all().delete()
    run(12)
    assert figures(finished) != first


def test_it_scores_each_sitting_as_the_services_would(finished):
    run(3)
    assert Diagnostic.objects.filter(purpose=Purpose.PRE).count() >= 7
    bank = services.bank_load()
    for diagnostic in Diagnostic.objects.all()[:10]:
        answered = list(diagnostic.responses.order_by("position").values_list(
            "item_version_id", "correct"))
        expected = cat.estimate(bank, answered)
        assert diagnostic.theta == pytest.approx(expected.theta)
        assert diagnostic.score == pytest.approx(scoring.theta_to_score(expected.theta))
        assert diagnostic.placement_level == scoring.placement_level(expected.theta)
        if diagnostic.mode == Mode.ADAPTIVE:
            assert len(answered) <= services.RULES.max_items
            assert diagnostic.responses.last().se_after == pytest.approx(expected.se)


def test_it_makes_most_learners_gain(finished):
    run(5)
    gain = gain_summary(finished)
    assert gain.n_pairs >= 5
    assert gain.mean_post > gain.mean_pre  # seeded: the same every run
