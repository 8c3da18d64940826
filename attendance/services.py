"""Attendance, completion and certificates: the rules, in one place (docs/attendance.md).

Who may take attendance: the class's instructor and supporters, the managers
of its centre, the regional officers whose region holds it, and national
administrators (`may_take_attendance`). Another instructor of the same centre
may not. Certificates are issued and revoked by the centre's managers (and
national administrators), once the class has finished.

Completion has one rule, `completion_rule`: a learner completes the course by
attending (present or late) at least ceil(sessions × completion_percent / 100)
of the class's sessions. `completion_compute` (one application) and
`completions_for_class` (a whole class, for the grid) both go through it.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scoping import is_national
from attendance.models import ATTENDED, AttendanceMark, Certificate, MarkSource, Presence
from audit.services import audit_record
from classes.models import ClassSession, ClassStatus, CourseClass
from classes.selectors import class_can_manage
from enrollment.locking import locking_transaction
from enrollment.models import Application, ApplicationStatus
from notifications.models import MessageKind
from notifications.services import notification_enqueue

# Attendance is taken for classes that have started; a finished class still
# takes paper entries and corrections.
MARKABLE_STATUSES = (ClassStatus.RUNNING, ClassStatus.FINISHED)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 12  # 32**12 = 2**60 codes: not guessable, even without the rate limit
# pg_advisory_xact_lock key that serialises certificate numbering on PostgreSQL.
NUMBER_LOCK_KEY = 4_240_001


def today() -> date:
    return timezone.localdate()


# --- Who ---------------------------------------------------------------------------


def may_take_attendance(user: Any, course_class: CourseClass) -> bool:
    """The class's own staff, its centre's managers, officers of its region, national."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if is_national(user):
        return True
    in_scope = CourseClass.objects.for_user(user).filter(pk=course_class.pk)
    if not in_scope.exists():
        return False
    if user.pk == course_class.instructor_id or course_class.supporters.filter(pk=user.pk).exists():
        return True
    # Managers and officers reach every class in their centre or region; an
    # instructor's or supporter's centre grant does not reach other classes.
    overseeing = (Role.CENTER_MANAGER, Role.REGIONAL_OFFICER)
    return CourseClass.objects.for_user(user, roles=overseeing).filter(pk=course_class.pk).exists()


def _require_marker(by: User | None, course_class: CourseClass) -> None:
    if not may_take_attendance(by, course_class):
        raise ValidationError(
            _("Only the class's instructor, supporters and centre managers can take "
              "attendance."),
            code="out_of_scope",
        )


def _require_manager(by: User | None, course_class: CourseClass) -> None:
    if by is None or not class_can_manage(user=by, course_class=course_class):
        raise ValidationError(
            _("Only the centre's managers can issue or revoke certificates."),
            code="out_of_scope",
        )


# --- Marks -------------------------------------------------------------------------


def _check_session(session: ClassSession) -> None:
    course_class = session.course_class
    if course_class.status not in MARKABLE_STATUSES:
        raise ValidationError(
            _("Attendance can be taken once the class is in progress."), code="not_running",
        )
    if session.date > today():
        raise ValidationError(
            _("Attendance for session %(number)s can be taken from its day, %(date)s.")
            % {"number": session.number, "date": session.date.isoformat()},
            code="future_session",
        )


def _write_mark(
    *, session: ClassSession, application: Application, presence: str, source: str,
    by: User | None, bulk: bool = False,
) -> AttendanceMark:
    mark = AttendanceMark.objects.filter(session=session, application=application).first()
    if mark is None:
        try:
            # A savepoint: two taps at once on the same learner both try to insert.
            with transaction.atomic():
                mark = AttendanceMark.objects.create(
                    session=session, application=application, presence=presence,
                    source=source, marked_by=by,
                )
        except IntegrityError:
            mark = AttendanceMark.objects.get(session=session, application=application)
        else:
            audit_record(
                actor=by, action="attendance.mark", target=mark,
                data={"from": None, "to": presence, "source": source, "all": bulk,
                      "session": session.pk, "application": application.pk},
            )
            return mark
    # Tolerated race: two tablets correcting the same mark at once both update it;
    # the last one wins and the audit log has both changes.
    if mark.presence == presence and mark.source == source:
        return mark  # a repeated tap changes nothing
    before = mark.presence
    mark.presence = presence
    mark.source = source
    mark.marked_by = by
    mark.marked_at = timezone.now()
    mark.save(update_fields=["presence", "source", "marked_by", "marked_at"])
    audit_record(
        actor=by, action="attendance.mark", target=mark,
        data={"from": before, "to": presence, "source": source, "all": bulk,
              "session": session.pk, "application": application.pk},
    )
    return mark


@transaction.atomic
def attendance_mark(
    *, session: ClassSession, application: Application, presence: str, source: str,
    by: User | None,
) -> AttendanceMark:
    """Record (or correct) whether a confirmed learner came to a session.

    A correction updates the mark; the audit log keeps the earlier value.
    """
    if presence not in Presence.values:
        raise ValidationError(_("Choose present, late or absent."), code="invalid")
    if source not in MarkSource.values:
        raise ValidationError(_("Unknown way of entering attendance."), code="invalid")
    course_class = session.course_class
    _require_marker(by, course_class)
    if (application.course_class_id != course_class.pk
            or application.status != ApplicationStatus.CONFIRMED):
        raise ValidationError(
            _("This learner does not have a confirmed place in this class."),
            code="not_confirmed",
        )
    _check_session(session)
    return _write_mark(
        session=session, application=application, presence=presence, source=source, by=by,
    )


def confirmed_applications(course_class: CourseClass | int) -> Any:
    return Application.objects.filter(
        course_class=course_class, status=ApplicationStatus.CONFIRMED,
    ).order_by("id")


@transaction.atomic
def attendance_mark_all(*, session: ClassSession, by: User | None) -> int:
    """"모두 출석": every confirmed learner without a mark yet is present.

    Marks already given (someone tapped "absent") stay. Returns how many were marked.
    """
    _require_marker(by, session.course_class)
    _check_session(session)
    unmarked = confirmed_applications(session.course_class_id).exclude(marks__session=session)
    count = 0
    for application in unmarked:
        _write_mark(
            session=session, application=application, presence=Presence.PRESENT,
            source=MarkSource.TABLET, by=by, bulk=True,
        )
        count += 1
    return count


@transaction.atomic
def attendance_paper_enter(
    *, session: ClassSession, present: set[int], by: User | None,
) -> int:
    """Enter a signed sheet: the applications in `present` came, every other
    confirmed learner did not. Returns how many marks were written or changed."""
    _require_marker(by, session.course_class)
    _check_session(session)
    applications = list(confirmed_applications(session.course_class_id))
    unknown = present - {application.pk for application in applications}
    if unknown:
        raise ValidationError(
            _("This learner does not have a confirmed place in this class."),
            code="not_confirmed",
        )
    changed = 0
    existing = {
        mark.application_id: (mark.presence, mark.source)
        for mark in AttendanceMark.objects.filter(session=session)
    }
    for application in applications:
        presence = Presence.PRESENT if application.pk in present else Presence.ABSENT
        if existing.get(application.pk) == (presence, MarkSource.PAPER):
            continue
        _write_mark(
            session=session, application=application, presence=presence,
            source=MarkSource.PAPER, by=by,
        )
        changed += 1
    return changed


# --- Completion --------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    attended: int
    total: int
    required: int
    completed: bool


def completion_rule(*, attended: int, total: int, percent: int) -> Completion:
    """The one completion rule: attended ≥ ceil(total × percent / 100), in integers."""
    required = -(-total * percent // 100) if total else 0
    return Completion(
        attended=attended, total=total, required=required,
        completed=total > 0 and attended >= required,
    )


def completion_compute(application: Application) -> Completion:
    course_class = application.course_class
    total = ClassSession.objects.filter(course_class=course_class).count()
    attended = AttendanceMark.objects.filter(
        application=application, presence__in=ATTENDED,
    ).count()
    return completion_rule(
        attended=attended, total=total, percent=course_class.course.completion_percent,
    )


def completions_for_class(
    course_class: CourseClass, *, total: int | None = None,
) -> dict[int, Completion]:
    """{application id: Completion} for the class's confirmed learners (two queries;
    one when the caller already knows the number of sessions)."""
    if total is None:
        total = ClassSession.objects.filter(course_class=course_class).count()
    rows = confirmed_applications(course_class).annotate(
        attended=Count("marks", filter=Q(marks__presence__in=ATTENDED)),
    ).values_list("pk", "attended")
    percent = course_class.course.completion_percent
    return {
        pk: completion_rule(attended=attended, total=total, percent=percent)
        for pk, attended in rows
    }


# --- Certificates ------------------------------------------------------------------


def verification_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verification_code_normalize(code: str) -> str:
    """What a person typed (spaces, hyphens, lower case) → the stored form."""
    return "".join(ch for ch in code.upper() if ch.isalnum())[:40]


def verification_code_display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _lock_numbering() -> None:
    """Serialise certificate numbering until the transaction ends.

    PostgreSQL: a transaction-level advisory lock (bounded by the lock_timeout
    of `locking_transaction`). SQLite: the IMMEDIATE transaction already holds
    the database's write lock. Numbers come from the highest issued number of
    the year, read under this lock, so they run without gaps; the unique
    constraint on `number` backs it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NUMBER_LOCK_KEY])


def _next_number(year: int) -> int:
    highest = Certificate.objects.filter(number__startswith=f"{year}-").aggregate(
        highest=Max("number"),
    )["highest"]
    return int(highest.split("-")[1]) + 1 if highest else 1


def certificates_issue(*, course_class: CourseClass, by: User | None) -> list[Certificate]:
    """Issue a certificate to every learner of a finished class who completed it
    and has none yet, and send each a "completed" message. Returns the new ones.

    May raise `enrollment.locking.EnrollmentBusy` when numbering stays locked.
    """
    with locking_transaction():
        locked = CourseClass.objects.select_related("course", "center").get(pk=course_class.pk)
        _require_manager(by, locked)
        if locked.status != ClassStatus.FINISHED:
            raise ValidationError(
                _("Certificates are issued once the class has finished."), code="not_finished",
            )
        # Before reading who is still without a certificate: two managers pressing
        # the button at once then issue each certificate once.
        _lock_numbering()
        completions = completions_for_class(locked)
        candidates = list(
            confirmed_applications(locked).filter(certificate__isnull=True)
            .select_related("learner").filter(pk__in=[
                pk for pk, completion in completions.items() if completion.completed
            ]),
        )
        if not candidates:
            return []
        now = timezone.now()
        year = timezone.localdate(now).year
        number = _next_number(year)
        issued = []
        for application in candidates:
            completion = completions[application.pk]
            certificate = Certificate.objects.create(
                application=application, number=f"{year}-{number:06d}",
                verification_code=verification_code_new(),
                attended_sessions=completion.attended, total_sessions=completion.total,
                issued_at=now, issued_by=by,
            )
            number += 1
            audit_record(
                actor=by, action="certificate.issue", target=certificate,
                data={"number": certificate.number, "application": application.pk,
                      "attended": completion.attended, "total": completion.total},
            )
            application.course_class = locked
            notification_enqueue(
                kind=MessageKind.COMPLETED, phone=application.learner.phone,
                context={"name": application.learner.name, "class_title": locked.course.title,
                         "center_name": locked.center.name},
                application=application, dedupe_key=f"completed:{application.pk}",
            )
            issued.append(certificate)
        return issued


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, by: User | None, reason: str = "",
) -> Certificate:
    """Withdraw a certificate (issued in error): the public check then says so."""
    # of=self: lock the certificate, not the application and class rows it reads.
    locked = Certificate.objects.select_for_update(of=("self",)).select_related(
        "application__course_class",
    ).get(pk=certificate.pk)
    _require_manager(by, locked.application.course_class)
    if locked.revoked_at is not None:
        raise ValidationError(_("This certificate has already been revoked."), code="revoked")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(
        actor=by, action="certificate.revoke", target=locked,
        data={"number": locked.number, "reason": reason.strip()[:500]},
    )
    certificate.revoked_at = locked.revoked_at
    return locked
