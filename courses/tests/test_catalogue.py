import random

import pytest
from django.core.exceptions import ValidationError

from courses import demo
from courses.models import Course, Level, TargetGroup, Topic
from demo.seeding import DemoContext

pytestmark = pytest.mark.django_db


def seed() -> None:
    demo.seed(DemoContext(scale="small", rng=random.Random(1)))


def test_it_seeds_a_national_catalogue_once() -> None:
    seed()
    count = Course.objects.count()
    seed()
    assert Course.objects.count() == count >= 30


def test_it_covers_every_level_topic_and_target_group_with_a_plan_per_session() -> None:
    seed()
    courses = list(Course.objects.prefetch_related("lesson_plans"))
    assert {c.level for c in courses} == set(Level.values)
    assert {c.topic for c in courses} == set(Topic.values)
    assert {g for c in courses for g in c.target_groups} == set(TargetGroup.values)
    for course in courses:
        assert [p.number for p in course.lesson_plans.all()] == list(
            range(1, course.session_count + 1)
        )
        assert course.goals and all(p.content for p in course.lesson_plans.all())


def test_it_refuses_an_unknown_target_group() -> None:
    course = Course(
        title="t", level=Level.BASIC, topic=Topic.KIOSK, target_groups=["martians"],
        summary="s", goals="g", session_count=2,
    )
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    assert "target_groups" in caught.value.message_dict
    course.target_groups = ["seniors", "seniors"]
    with pytest.raises(ValidationError):
        course.full_clean()
    course.target_groups = ["seniors"]
    course.full_clean()
