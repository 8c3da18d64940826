"""Reads for the attendance pages: the session's roster, the class grid."""

from dataclasses import dataclass
from typing import Any

from attendance.models import ATTENDED, AttendanceMark, Certificate, Presence
from attendance.services import (
    Completion,
    completions_for_class,
    confirmed_applications,
    may_take_attendance,
)
from classes.models import ClassSession, CourseClass
from classes.selectors import class_get
from enrollment.models import Application


def class_for_its_staff(*, user: Any, pk: int) -> CourseClass | None:
    """The class, if the user is one of the people who run it (may_take_attendance).

    Attendance, the class's tests and its surveys are open to the same people.
    """
    course_class = class_get(user=user, pk=pk)
    if course_class is None or not may_take_attendance(user, course_class):
        return None
    return course_class


def session_get(*, user: Any, pk: int) -> ClassSession | None:
    """A session of a class in the user's scope (the caller still checks who may mark)."""
    return (
        ClassSession.objects.select_related(
            "course_class__course", "course_class__center", "course_class__region",
        )
        .filter(course_class__in=CourseClass.objects.for_user(user), pk=pk)
        .first()
    )


@dataclass
class RosterRow:
    application: Application
    presence: str  # "" when not marked yet

    @property
    def attended(self) -> bool:
        return self.presence in ATTENDED

    @property
    def label(self) -> str:
        return str(Presence(self.presence).label) if self.presence else ""


def roster(session: ClassSession) -> list[RosterRow]:
    """The session's confirmed learners in application order, with their marks (two queries)."""
    marks = dict(
        AttendanceMark.objects.filter(session=session).values_list("application_id", "presence"),
    )
    return [
        RosterRow(application=application, presence=marks.get(application.pk, ""))
        for application in confirmed_applications(session.course_class_id).select_related(
            "learner",
        )
    ]


def roster_row(session: ClassSession, application: Application) -> RosterRow:
    mark = AttendanceMark.objects.filter(session=session, application=application).first()
    return RosterRow(application=application, presence=mark.presence if mark else "")


@dataclass
class Counts:
    total: int
    present: int
    absent: int
    unmarked: int


def counts(rows: list[RosterRow]) -> Counts:
    present = sum(1 for row in rows if row.attended)
    absent = sum(1 for row in rows if row.presence == Presence.ABSENT)
    return Counts(total=len(rows), present=present, absent=absent,
                  unmarked=len(rows) - present - absent)


def session_counts(session: ClassSession) -> Counts:
    return counts(roster(session))


@dataclass
class GridRow:
    application: Application
    cells: list[str]  # presence per session, "" when not marked
    completion: Completion
    certificate: Certificate | None


def class_grid(course_class: CourseClass) -> tuple[list[ClassSession], list[GridRow]]:
    """Learners × sessions with completion and certificate (four queries)."""
    sessions = list(ClassSession.objects.filter(course_class=course_class).order_by("number"))
    applications = list(
        confirmed_applications(course_class).select_related("learner"),
    )
    marks = {
        (application_id, session_id): presence
        for application_id, session_id, presence in AttendanceMark.objects.filter(
            session__course_class=course_class,
        ).values_list("application_id", "session_id", "presence")
    }
    certificates = {
        c.application_id: c
        for c in Certificate.objects.filter(application__course_class=course_class)
    }
    completions = completions_for_class(course_class, total=len(sessions))
    rows = [
        GridRow(
            application=application,
            cells=[marks.get((application.pk, s.pk), "") for s in sessions],
            completion=completions[application.pk],
            certificate=certificates.get(application.pk),
        )
        for application in applications
    ]
    return sessions, rows


def class_certificates(course_class: CourseClass) -> Any:
    return (
        Certificate.objects.filter(application__course_class=course_class, revoked_at__isnull=True)
        .select_related(
            "application__learner", "application__course_class__course",
            "application__course_class__center",
        )
        .order_by("number")
    )
