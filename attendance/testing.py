"""Builders for attendance tests: a running class whose sessions have taken place."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.testing import People
from classes.models import ClassSession, ClassStatus, CourseClass
from classes.services import class_transition
from enrollment.models import Application
from enrollment.testing import apply, course, recruiting_class

NAMES = ["김영희", "이철수", "박순자", "최민호", "정말순", "강덕배", "조은비", "윤복남", "장춘자",
         "임동수", "한금례", "오태식"]


def running_class(
    people: People, *, learners: int = 3, sessions: int = 4, percent: int = 80,
    title: str = "스마트폰 첫걸음", past: bool = True, names: list[str] | None = None,
    **fields: Any,
) -> tuple[CourseClass, list[Application]]:
    """A class at the 강남 centre with confirmed learners, in progress.

    With `past`, its sessions are moved to the last `sessions` days up to today
    (the last session is today), so attendance can be taken for every one.
    """
    the_course = course(title, sessions=sessions, completion_percent=percent)
    course_class = recruiting_class(
        people, capacity=max(learners, 1), course_=the_course,
        instructor=fields.pop("instructor", people.instructor), **fields,
    )
    applications = []
    for index in range(learners):
        pool = names or NAMES
        name = pool[index % len(pool)] + ("" if index < len(pool) else str(index))
        applications.append(apply(course_class, name=name).application)
    class_transition(course_class=course_class, to=ClassStatus.RUNNING, by=None)
    if past:
        today = timezone.localdate()
        for session in course_class.sessions.all():
            ClassSession.objects.filter(pk=session.pk).update(
                date=today - timedelta(days=sessions - session.number),
            )
    course_class.refresh_from_db()
    return course_class, applications


def finish(course_class: CourseClass) -> CourseClass:
    class_transition(course_class=course_class, to=ClassStatus.FINISHED, by=None)
    course_class.refresh_from_db()
    return course_class
