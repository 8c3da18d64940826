import pytest

from assessment.models import Diagnostic, DiagnosticStatus, Mode, Purpose, TakenVia
from assessment.scoring import placement_level
from classes.models import ClassStatus, CourseClass
from enrollment.testing import apply, recruiting_class


def sitting(application, purpose, score):
    theta = (score - 50) * 3 / 50
    return Diagnostic.objects.create(
        application=application, learner=application.learner,
        center=application.course_class.center, purpose=purpose,
        mode=Mode.ADAPTIVE, taken_via=TakenVia.SELF, status=DiagnosticStatus.COMPLETED,
        theta=theta, score=score, placement_level=placement_level(theta),
        area_scores={"device": {"score": score}},
    )


def finished_class(people, center, learners):
    """A finished class; `learners` is [(birth_year, target_groups, pre, post)]."""
    course_class = recruiting_class(people, capacity=len(learners) + 1, center=center)
    for birth_year, groups, pre, post in learners:
        application = apply(course_class, birth_year=birth_year, target_groups=groups).application
        if pre is not None:
            sitting(application, Purpose.PRE, pre)
        if post is not None:
            sitting(application, Purpose.POST, post)
    CourseClass.objects.filter(pk=course_class.pk).update(status=ClassStatus.FINISHED)
    course_class.refresh_from_db()
    return course_class


@pytest.fixture
def classes(people):
    """강남: 4 learners (3 pairs); 서초: 2 pairs; 부산: 2 learners (1 pair)."""
    gangnam = finished_class(people, people.gangnam_center, [
        (1950, ["seniors"], 30.0, 40.0), (1940, ["seniors", "low_income"], 20.0, 35.0),
        (1975, ["career_break"], 50.0, 55.0), (1948, ["seniors"], 40.0, None),
    ])
    seocho = finished_class(people, people.seocho_center, [
        (1952, ["seniors"], 35.0, 45.0), (1944, [], 25.0, 30.0),
    ])
    busan = finished_class(people, people.busan_center, [
        (1960, ["multicultural"], 45.0, 60.0), (1949, ["seniors"], None, None),
    ])
    return {"gangnam": gangnam, "seocho": seocho, "busan": busan}
