"""Demo attendance and certificates.

For classes in progress and finished, every session up to today gets a mark
per confirmed learner (about 85 % present, a few late, the rest absent; the
first sessions of running classes on the tablet, a few from paper sheets).
Finished classes get certificates for those who completed, numbered as
`certificates_issue` numbers them. Written with bulk inserts; idempotent: a
class that already has marks is skipped.
"""

from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, RoleGrant
from attendance.models import AttendanceMark, Certificate, MarkSource, Presence
from attendance.services import (
    _next_number,
    completion_rule,
    verification_code_new,
)
from classes.models import ClassSession, ClassStatus, CourseClass
from demo.seeding import DemoContext, in_chunks
from enrollment.models import Application, ApplicationStatus

ORDER = 60
CHUNK = 500


def _classes(context: DemoContext) -> Iterator[list[CourseClass]]:
    marked = AttendanceMark.objects.values("session__course_class_id")
    classes = (
        CourseClass.objects.filter(status__in=[ClassStatus.RUNNING, ClassStatus.FINISHED])
        .exclude(pk__in=marked).select_related("course").order_by("pk")
    )
    yield from in_chunks(classes, CHUNK)


def _presence(context: DemoContext) -> str:
    roll = context.rng.random()
    if roll < 0.85:
        return Presence.PRESENT
    if roll < 0.9:
        return Presence.LATE
    return Presence.ABSENT


def _assign_instructors() -> None:
    """Demo instructors teach their centre's classes, so their class-day screens have classes."""
    grants = RoleGrant.objects.filter(role=Role.INSTRUCTOR, center__isnull=False)
    for grant in grants.order_by("pk"):
        CourseClass.objects.filter(center=grant.center, instructor__isnull=True).update(
            instructor_id=grant.user_id,
        )


def seed(context: DemoContext) -> None:
    _assign_instructors()
    today = timezone.localdate()
    now = timezone.now()
    made = issued = 0
    for chunk in _classes(context):
        with transaction.atomic():
            sessions: dict[int, list[ClassSession]] = {}
            for session in ClassSession.objects.filter(
                course_class__in=chunk, date__lte=today,
            ).order_by("number"):
                sessions.setdefault(session.course_class_id, []).append(session)
            applications: dict[int, list[Application]] = {}
            for application in Application.objects.filter(
                course_class__in=chunk, status=ApplicationStatus.CONFIRMED,
            ).order_by("pk"):
                applications.setdefault(application.course_class_id, []).append(application)
            marks: list[AttendanceMark] = []
            attended: dict[int, int] = {}
            for course_class in chunk:
                for session in sessions.get(course_class.pk, []):
                    source = (MarkSource.PAPER if context.rng.random() < 0.15
                              else MarkSource.TABLET)
                    for application in applications.get(course_class.pk, []):
                        presence = _presence(context)
                        if presence != Presence.ABSENT:
                            attended[application.pk] = attended.get(application.pk, 0) + 1
                        marks.append(AttendanceMark(
                            session=session, application=application, presence=presence,
                            source=source, marked_by=course_class.instructor,
                            marked_at=now,
                        ))
            AttendanceMark.objects.bulk_create(marks, batch_size=2_000)
            made += len(marks)
            issued += _certificates(context, chunk, sessions, applications, attended, now)
    context.notes.append(
        f"Attendance: {made} new marks; {issued} certificates issued.",
    )


def _certificates(
    context: DemoContext, chunk: list[CourseClass], sessions: dict[int, list[ClassSession]],
    applications: dict[int, list[Application]], attended: dict[int, int], now: object,
) -> int:
    year = timezone.localdate().year
    number = _next_number(year)
    certificates = []
    for course_class in chunk:
        if course_class.status != ClassStatus.FINISHED:
            continue
        total = len(sessions.get(course_class.pk, []))
        for application in applications.get(course_class.pk, []):
            completion = completion_rule(
                attended=attended.get(application.pk, 0), total=total,
                percent=course_class.course.completion_percent,
            )
            if not completion.completed:
                continue
            certificates.append(Certificate(
                application=application, number=f"{year}-{number:06d}",
                verification_code=verification_code_new(),
                attended_sessions=completion.attended, total_sessions=completion.total,
                issued_by=None,
            ))
            number += 1
    Certificate.objects.bulk_create(certificates, batch_size=2_000)
    return len(certificates)
