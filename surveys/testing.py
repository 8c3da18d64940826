"""Builders for survey tests: a finished class whose learners attended."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.testing import People
from attendance.services import attendance_mark_all
from attendance.testing import finish, running_class
from classes.models import ClassSession, CourseClass
from enrollment.models import Application
from surveys.models import SurveyKind, SurveyResponse

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


def closed_class(people: People, learners: int) -> tuple[CourseClass, list[Application]]:
    """A class whose survey closed yesterday, its answers given before that."""
    course_class, applications = finished_class(people, learners=learners)
    from surveys.selectors import results_open_on

    opens = results_open_on(course_class, SurveyKind.COURSE_END)
    assert opens is not None and course_class.last_date is not None
    days = (opens - course_class.last_date).days
    ended = timezone.localdate() - timedelta(days=days)
    move_end(course_class, ended)
    return course_class, applications


def backdate(course_class: CourseClass) -> None:
    """Every answer of the class given on its last day."""
    SurveyResponse.objects.filter(application__course_class=course_class).update(
        submitted_at=timezone.make_aware(
            datetime.combine(course_class.last_date, time.min),
        ),
    )
