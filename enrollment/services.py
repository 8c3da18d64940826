"""Enrollment rules, in one place: apply, cancel, waiting list, offers, capacity.

Locking (docs/enrollment.md): every operation that can take a seat locks the
class row first (`select_for_update` on PostgreSQL; on SQLite the immediate
transaction already holds the database's write lock), then checks and
changes `CourseClass.seats_taken` and the applications. One lock per
transaction, always the class row, so two operations never deadlock. The
check constraint `courseclass_never_overbooked` and the partial unique
constraint `application_one_active_per_class` back the rules in the database.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scoping import is_national
from audit.services import audit_record
from classes.models import ClassStatus, CourseClass
from enrollment.locking import locking_transaction
from enrollment.models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Application,
    ApplicationStatus,
)
from finder.formatting import clock, day_label
from learners.models import Learner
from learners.services import (
    ConsentGiven,
    LearnerData,
    channel_of,
    consent_clean,
    consent_record,
    learner_get_or_create,
)
from notifications.models import MessageKind
from notifications.services import notification_enqueue
from privacy.crypto import blind_index_key

# Roles that enter and change applications (national administrators always may).
MANAGING_ROLES = (Role.REGIONAL_OFFICER, Role.CENTER_MANAGER)
MANAGE_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MANAGE_CODE_LENGTH = 8


class DuplicateApplication(Exception):
    """The learner already has an active application to this class."""

    def __init__(self, application: Application) -> None:
        super().__init__(application.pk)
        self.application = application


@dataclass
class Applied:
    application: Application
    manage_code: str  # shown once to the applicant and sent by SMS; only its hash is kept
    waitlist_position: int | None


# --- Management codes --------------------------------------------------------------


def manage_code_new() -> str:
    raw = "".join(secrets.choice(MANAGE_CODE_ALPHABET) for _ in range(MANAGE_CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def manage_code_hash(code: str) -> str:
    # Keyed: a code has only 40 bits, so a plain hash in a copied table would be
    # reversed in minutes; without the blind-index key it reveals nothing.
    normal = "".join(code.split()).replace("-", "").upper()
    return hmac.new(
        blind_index_key(), f"manage_code\x00{normal}".encode(), hashlib.sha256,
    ).hexdigest()


def application_by_code(code: str) -> Application | None:
    return (
        Application.objects.select_related("course_class__course", "course_class__center")
        .filter(manage_code_hash=manage_code_hash(code)).first()
    )


# --- Reads -------------------------------------------------------------------------


def waitlist(course_class: CourseClass | int) -> Any:
    """The class's waiting list, first in line first."""
    return Application.objects.filter(
        course_class=course_class, status=ApplicationStatus.WAITLISTED,
    ).order_by("-priority", "id")


def waitlist_position(application: Application) -> int | None:
    if application.status != ApplicationStatus.WAITLISTED:
        return None
    ahead = waitlist(application.course_class_id).filter(
        Q(priority__gt=application.priority)
        | Q(priority=application.priority, id__lt=application.pk),
    )
    return ahead.count() + 1


def today() -> Any:
    return timezone.localdate()


# --- Refusals ----------------------------------------------------------------------


def application_refusal(course_class: CourseClass) -> str | None:
    """Why the class takes no application today, or None when it does."""
    status = course_class.status
    if status == ClassStatus.CANCELLED:
        return _("This class has been cancelled.")
    if status in (ClassStatus.RUNNING, ClassStatus.FINISHED):
        return _("This class has already started, so it no longer takes applications.")
    if status == ClassStatus.PLANNED or today() < course_class.registration_opens:
        return _("Applications for this class open on %(date)s.") % {
            "date": date_format(course_class.registration_opens, "DATE_FORMAT"),
        }
    if status == ClassStatus.CLOSED or today() > course_class.registration_closes:
        return _("Applications for this class closed on %(date)s.") % {
            "date": date_format(course_class.registration_closes, "DATE_FORMAT"),
        }
    return None


def staff_may_enroll(user: User | None, course_class: CourseClass) -> bool:
    """Staff enter and change applications for the classes in their scope.

    Instructors and supporters read their classes' rosters but change nothing.
    """
    if user is None:
        return False
    if is_national(user):
        return True
    in_scope = CourseClass.objects.for_user(user, roles=MANAGING_ROLES)
    return in_scope.filter(pk=course_class.pk).exists()


def _require_scope(by: User | None, course_class: CourseClass) -> None:
    if by is not None and not staff_may_enroll(by, course_class):
        raise ValidationError(
            _("You can only handle applications for classes of your own centres or region."),
            code="out_of_scope",
        )


def _lock_class(pk: int) -> CourseClass:
    # The one lock of an enrollment transaction: the class row. Taken before the
    # seats are counted, so two applicants cannot both see the last seat free.
    # of=("self",): without it PostgreSQL also locks the joined course and centre
    # rows, which every class of that course or centre shares, and the opening-day
    # rush queues on one lock nationwide (bench/rush.py).
    return (
        CourseClass.objects.select_for_update(of=("self",))
        .select_related("course", "center").get(pk=pk)
    )


# --- Notifications -----------------------------------------------------------------


def _when(moment: datetime) -> str:
    """A date and time as people say it: "12월 9일 (수) 오후 2시"."""
    return f"{day_label(moment.date())} {clock(moment.time())}"


def _first_session(course_class: CourseClass) -> str:
    return _when(datetime.combine(course_class.first_date, course_class.starts_at))


def _notify(
    kind: MessageKind, application: Application, *, phone: str | None = None, **extra: Any,
) -> None:
    course_class = application.course_class
    learner = application.learner
    context = {
        "name": learner.name,
        "class_title": course_class.course.title,
        "center_name": course_class.center.name,
        "first_session": _first_session(course_class),
        "helpline": settings.HELPLINE_PHONE,
        "manage_url": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("enrollment-manage"),
        **extra,
    }
    notification_enqueue(
        kind=kind, phone=phone or learner.phone, context=context, application=application,
    )


# --- Seats and the waiting list ----------------------------------------------------


def _take_seat(course_class: CourseClass) -> None:
    CourseClass.objects.filter(pk=course_class.pk).update(seats_taken=F("seats_taken") + 1)
    course_class.seats_taken += 1


def _free_seat(course_class: CourseClass) -> None:
    CourseClass.objects.filter(pk=course_class.pk).update(seats_taken=F("seats_taken") - 1)
    course_class.seats_taken -= 1


def _promotes(course_class: CourseClass) -> bool:
    """Freed seats go to the waiting list until the class starts."""
    return course_class.status in (ClassStatus.RECRUITING, ClassStatus.CLOSED)


def _promote(course_class: CourseClass, application: Application, by: User | None) -> None:
    now = timezone.now()
    before = application.status
    if course_class.offer_hours:
        application.status = ApplicationStatus.OFFERED
        application.offer_expires_at = now + timedelta(hours=course_class.offer_hours)
        fields = ["status", "offer_expires_at"]
    else:
        application.status = ApplicationStatus.CONFIRMED
        application.confirmed_at = now
        fields = ["status", "confirmed_at"]
    application.save(update_fields=fields)
    _take_seat(course_class)
    audit_record(
        actor=by, action="application.promote", target=application,
        data={"from": before, "to": application.status},
    )
    if application.status == ApplicationStatus.OFFERED:
        deadline = _when(timezone.localtime(application.offer_expires_at))
        _notify(MessageKind.OFFERED, application, deadline=deadline)
    else:
        _notify(MessageKind.PROMOTED, application)


def waitlist_promote(*, course_class: CourseClass, by: User | None) -> int:
    """Give free seats to the waiting list, first in line first; returns how many.

    The caller holds the class row's lock (inside `locking_transaction`, after
    `select_for_update`), as `classes.services.class_update` does.
    """
    if not _promotes(course_class):
        return 0
    free = course_class.capacity - course_class.seats_taken
    promoted = 0
    if free <= 0:
        return 0
    for application in waitlist(course_class).select_related("learner")[:free]:
        application.course_class = course_class
        _promote(course_class, application, by)
        promoted += 1
    return promoted


# --- Operations --------------------------------------------------------------------


def application_create(
    *, course_class: CourseClass | int, learner: LearnerData, consent: ConsentGiven,
    channel: str, by: User | None = None,
) -> Applied:
    """Apply a learner to a class: a seat when one is free, else the waiting list.

    Raises ValidationError (a Korean message) when the application is refused,
    DuplicateApplication when the learner already has an active one,
    EnrollmentBusy when the class stays locked too long. Nothing is written
    unless the application is made.
    """
    consent = consent_clean(consent)
    pk = course_class if isinstance(course_class, int) else course_class.pk
    channel = channel_of(consent, channel)
    with locking_transaction():
        # What needs no seat comes before the class lock, so that the lock (the
        # queue on a popular class) is held for the seat decision only; a refusal
        # below rolls it back. Two first applications of one person meet at the
        # learner's unique constraint.
        person, _created = learner_get_or_create(data=learner, channel=channel, by=by)
        consent_record(learner=person, consent=consent, channel=channel, by=by)
        locked = _lock_class(pk)
        _require_scope(by, locked)
        reason = application_refusal(locked)
        if reason:
            raise ValidationError(reason, code="closed")
        existing = Application.objects.filter(
            course_class=locked, learner=person, status__in=ACTIVE_STATUSES,
        ).first()
        if existing is not None:
            raise DuplicateApplication(existing)
        return _application_write(locked, person, learner, consent, channel, by)


def _priority(course_class: CourseClass, data: LearnerData) -> int:
    if not course_class.waitlist_priority:
        return 0
    return int(bool(set(data.target_groups) & set(course_class.course.target_groups)))


def _application_write(
    course_class: CourseClass, person: Learner, data: LearnerData, consent: ConsentGiven,
    channel: str, by: User | None,
) -> Applied:
    code = manage_code_new()
    # A free seat goes to a new applicant only when nobody is waiting for it
    # (a seat freed while the class stopped promoting stays for the queue).
    seat_free = course_class.seats_taken < course_class.capacity
    confirmed = seat_free and not waitlist(course_class).exists()
    now = timezone.now()
    application = Application.objects.create(
        course_class=course_class, learner=person, channel=channel, created_by=by,
        status=ApplicationStatus.CONFIRMED if confirmed else ApplicationStatus.WAITLISTED,
        confirmed_at=now if confirmed else None, priority=_priority(course_class, data),
        manage_code_hash=manage_code_hash(code),
    )
    if confirmed:
        _take_seat(course_class)
    audit_record(
        actor=by, action="application.create", target=application,
        data={"to": application.status, "channel": channel, "class": course_class.pk},
    )
    position = waitlist_position(application)
    if consent.proxy_phone:
        _notify(MessageKind.RECEIVED, application, phone=consent.proxy_phone, manage_code=code)
    if confirmed:
        _notify(MessageKind.CONFIRMED, application, manage_code=code)
    else:
        _notify(MessageKind.WAITLISTED, application, manage_code=code, position=position)
    return Applied(application=application, manage_code=code, waitlist_position=position)


def application_cancel(
    *, application: Application, by: User | None, reason: str = "", channel: str = "",
) -> Application:
    """Cancel an application; a freed seat goes to the waiting list in the same transaction.

    `by` is None when the learner cancels with the management code.
    """
    with locking_transaction():
        locked_class = _lock_class(application.course_class_id)
        _require_scope(by, locked_class)
        current = Application.objects.select_related("learner").get(pk=application.pk)
        if current.status not in ACTIVE_STATUSES:
            raise ValidationError(_("This application has already been cancelled."))
        if locked_class.status in (ClassStatus.FINISHED, ClassStatus.CANCELLED):
            raise ValidationError(_("The class has ended, so the application cannot change."))
        before = current.status
        current.status = ApplicationStatus.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancel_reason = reason.strip()[:200]
        current.offer_expires_at = None
        current.save(update_fields=["status", "cancelled_at", "cancel_reason", "offer_expires_at"])
        current.course_class = locked_class
        audit_record(
            actor=by, action="application.cancel", target=current,
            data={"from": before, "to": current.status, "channel": channel or "staff",
                  "reason": current.cancel_reason},
        )
        _notify(MessageKind.CANCELLED, current)
        if before in SEAT_STATUSES:
            _free_seat(locked_class)
            waitlist_promote(course_class=locked_class, by=by)
        return current


def offer_accept(*, application: Application, by: User | None = None) -> Application:
    """The learner takes the seat offered to them, before the deadline."""
    with locking_transaction():
        locked_class = _lock_class(application.course_class_id)
        _require_scope(by, locked_class)
        current = Application.objects.select_related("learner").get(pk=application.pk)
        if current.status != ApplicationStatus.OFFERED:
            raise ValidationError(_("There is no seat offer to accept for this application."))
        if current.offer_expires_at and current.offer_expires_at < timezone.now():
            raise ValidationError(_("The time to accept this seat has passed."))
        current.status = ApplicationStatus.CONFIRMED
        current.confirmed_at = timezone.now()
        current.offer_expires_at = None
        current.save(update_fields=["status", "confirmed_at", "offer_expires_at"])
        current.course_class = locked_class
        audit_record(
            actor=by, action="application.accept_offer", target=current,
            data={"from": ApplicationStatus.OFFERED, "to": current.status},
        )
        _notify(MessageKind.PROMOTED, current)
        return current


def offers_expire(*, now: datetime | None = None) -> int:
    """Cancel offers whose deadline passed and offer their seats to the next in line."""
    now = now or timezone.now()
    expired = Application.objects.filter(
        status=ApplicationStatus.OFFERED, offer_expires_at__lt=now,
    ).values_list("pk", "course_class_id")
    count = 0
    for pk, class_pk in expired:
        with locking_transaction():
            locked_class = _lock_class(class_pk)
            current = Application.objects.select_related("learner").get(pk=pk)
            if current.status != ApplicationStatus.OFFERED:
                continue  # accepted or cancelled since the list was read
            current.status = ApplicationStatus.CANCELLED
            current.cancelled_at = now
            current.cancel_reason = "offer expired"
            current.offer_expires_at = None
            current.save(
                update_fields=["status", "cancelled_at", "cancel_reason", "offer_expires_at"],
            )
            audit_record(
                actor=None, action="application.offer_expired", target=current,
                data={"from": ApplicationStatus.OFFERED, "to": current.status},
            )
            _free_seat(locked_class)
            waitlist_promote(course_class=locked_class, by=None)
            count += 1
    return count


def class_capacity_set(*, course_class: CourseClass, capacity: int, by: User | None) -> int:
    """Change a class's capacity; returns how many waiting learners got a seat.

    Capacity may not go below the seats already taken.
    """
    with locking_transaction():
        locked = _lock_class(course_class.pk)
        _require_scope(by, locked)
        if capacity < 1:
            raise ValidationError(_("A class needs at least one seat."))
        if capacity < locked.seats_taken:
            raise ValidationError(
                _("%(taken)d learners already have a seat: the capacity cannot be lower.")
                % {"taken": locked.seats_taken},
                code="below_taken",
            )
        before = locked.capacity
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        audit_record(
            actor=by, action="course_class.capacity", target=locked,
            data={"from": before, "to": capacity},
        )
        promoted = waitlist_promote(course_class=locked, by=by)
        course_class.capacity = capacity
        course_class.seats_taken = locked.seats_taken
        return promoted


def waitlist_fill(*, course_class: CourseClass, by: User | None) -> int:
    """Give any free seats to the waiting list (e.g. after the class reopens)."""
    with locking_transaction():
        locked = _lock_class(course_class.pk)
        return waitlist_promote(course_class=locked, by=by)
