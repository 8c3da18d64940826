"""Builders for survey tests: a finished class whose learners attended."""

from datetime import date, timedelta
from typing import Any

from accounts.testing import People
from attendance.services import attendance_mark_all
from attendance.testing import finish, running_class
from classes.models import ClassSession, CourseClass
from enrollment.models import Application

GOOD = {"instructor": 5, "content": 5, "pace": 4, "place": 5, "useful": 5, "recommend": 5}


def finished_class(
    people: People, *, learners: int = 3, attended: bool = True, ended: date | None = None,
    **fields: Any,
) -> tuple[CourseClass, list[Application]]:
    """A finished class at the 강남 centre (everyone present at every session when
    `attended`); with `ended`, its sessions are moved so the last one is that day."""
    course_class, applications = running_class(people, learners=learners, **fields)
    if attended:
        for session in course_class.sessions.all():
            attendance_mark_all(session=session, by=people.manager)
    course_class = finish(course_class)
    if ended is not None:
        move_end(course_class, ended)
    return course_class, applications


def move_end(course_class: CourseClass, ended: date) -> None:
    sessions = list(course_class.sessions.order_by("number"))
    for index, session in enumerate(sessions):
        ClassSession.objects.filter(pk=session.pk).update(
            date=ended - timedelta(days=len(sessions) - 1 - index),
        )
    CourseClass.objects.filter(pk=course_class.pk).update(
        first_date=ended - timedelta(days=len(sessions) - 1), last_date=ended,
    )
    course_class.refresh_from_db()
