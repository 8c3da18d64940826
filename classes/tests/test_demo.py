import random

import pytest
from django.db.models import Count, F

from centers import demo as centers_demo
from classes import demo
from classes.models import ClassSession, ClassStatus, CourseClass
from classes.schedule import is_korean_holiday
from courses import demo as courses_demo
from demo.seeding import DemoContext

pytestmark = pytest.mark.django_db


def seed_all(seed: int = 7) -> DemoContext:
    context = DemoContext(scale="small", rng=random.Random(seed))
    for module in [centers_demo, courses_demo, demo]:
        module.seed(context)
    return context


def test_it_seeds_a_year_of_classes_once() -> None:
    seed_all()
    count = CourseClass.objects.count()
    assert count >= 200
    statuses = set(CourseClass.objects.values_list("status", flat=True))
    assert {ClassStatus.FINISHED, ClassStatus.RUNNING, ClassStatus.RECRUITING,
            ClassStatus.PLANNED} <= statuses
    seed_all()
    assert CourseClass.objects.count() == count


def test_its_sessions_match_the_courses_and_skip_holidays() -> None:
    seed_all()
    wrong = CourseClass.objects.annotate(n=Count("sessions")).exclude(n=F("course__session_count"))
    assert not wrong.exists()
    all_dates = ClassSession.objects.values_list("date", flat=True)
    assert not any(is_korean_holiday(d) for d in all_dates)
    for c in CourseClass.objects.all()[:50]:
        dates = list(c.sessions.values_list("date", flat=True))
        assert (dates[0], dates[-1]) == (c.first_date, c.last_date)
        assert c.registration_closes < c.first_date


def test_it_is_reproducible() -> None:
    seed_all(3)
    first = list(CourseClass.objects.order_by("pk").values_list(
        "course__title", "first_date", "starts_at", "capacity"))
    CourseClass.objects.all().delete()
    seed_all(3)
    # The centres demo draws the same numbers whether or not it creates rows.
    again = list(CourseClass.objects.order_by("pk").values_list(
        "course__title", "first_date", "starts_at", "capacity"))
    assert again == first
