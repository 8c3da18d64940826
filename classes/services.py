"""Writes on classes: create, update, session generation, lifecycle.

Every rule about a class lives here; the staff pages, the admin, the API and
the demo call these functions.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleGrant, User
from accounts.scoping import is_national, role_grants
from audit.services import audit_record
from centers.models import BusVisit, Center, CenterStatus, OutreachSite
from centers.selectors import center_closed_dates
from classes.models import ClassSession, ClassStatus, CourseClass
from classes.schedule import session_dates
from courses.models import Course

MIN_CAPACITY = 1
MAX_CAPACITY = 100
# Classes are planned at most this far ahead (and the date arithmetic stays in range).
MAX_DAYS_AHEAD = 2 * 365

# to-status → the statuses it may be reached from.
TRANSITIONS: dict[str, set[str]] = {
    ClassStatus.RECRUITING: {ClassStatus.PLANNED, ClassStatus.CLOSED},
    ClassStatus.CLOSED: {ClassStatus.RECRUITING},
    ClassStatus.RUNNING: {ClassStatus.RECRUITING, ClassStatus.CLOSED},
    ClassStatus.FINISHED: {ClassStatus.RUNNING},
    ClassStatus.CANCELLED: {ClassStatus.PLANNED, ClassStatus.RECRUITING, ClassStatus.CLOSED},
}
# Once a class runs, its sessions are what learners attend: they stay as they are.
SCHEDULE_LOCKED = {ClassStatus.RUNNING, ClassStatus.FINISHED, ClassStatus.CANCELLED}
EDIT_LOCKED = {ClassStatus.FINISHED, ClassStatus.CANCELLED}


@dataclass
class ClassData:
    """Everything a centre manager decides about a class."""

    course: Course
    center: Center
    start_date: date
    weekdays: list[int]
    starts_at: time
    ends_at: time
    capacity: int
    registration_opens: date
    registration_closes: date
    outreach_site: OutreachSite | None = None
    bus_visit: BusVisit | None = None
    instructor: User | None = None
    supporters: Sequence[User] = field(default_factory=list)


# Fields whose change means new sessions.
SCHEDULE_FIELDS = (
    "course", "center", "outreach_site", "bus_visit", "start_date", "weekdays", "starts_at",
    "ends_at",
)


def _require_manager(by: User | None, center: Center) -> None:
    """Only a national administrator or a manager of the centre may open or edit its classes.

    `by=None` is the system (the demo, a command), which is trusted.
    """
    if by is None or is_national(by):
        return
    if any(
        grant.role == Role.CENTER_MANAGER and grant.center_id == center.pk
        for grant in role_grants(by)
    ):
        return
    raise ValidationError(_("You can only manage the classes of your own centres."))


def today() -> date:
    """The local date that "in the past" is measured from (the tests pin it)."""
    return timezone.localdate()


def _start_refusal(start: date) -> str | None:
    """Why sessions cannot be planned from `start`, or None when they can."""
    now = today()
    if start < now:
        return _("The first session cannot be in the past.")
    if start > now + timedelta(days=MAX_DAYS_AHEAD):
        return _("The first session must be within two years from today.")
    return None


def _validate_weekdays(weekdays: Any) -> list[int]:
    if not isinstance(weekdays, list) or not weekdays:
        raise ValidationError(_("Choose at least one weekday."))
    if not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in weekdays):
        raise ValidationError(_("Weekdays must be numbers from 0 (Monday) to 6 (Sunday)."))
    return sorted(set(weekdays))


def _staff_with_role(user: User, center: Center, roles: set[str]) -> bool:
    return RoleGrant.objects.filter(user=user, center=center, role__in=roles).exists()


def _validate(
    data: ClassData, *, planning: bool = True, course_before: Course | None = None,
) -> None:
    """Refuse what breaks a rule. `planning`: sessions are (re)planned from data.start_date;
    `course_before`: the course of the class being edited, which it keeps even once withdrawn.
    """
    errors: list[ValidationError] = []

    def refuse(message: str, **params: Any) -> None:
        errors.append(ValidationError(message % params if params else message))

    if planning and (why := _start_refusal(data.start_date)):
        refuse(why)

    if not data.course.is_active and data.course != course_before:
        refuse(_("The course “%(course)s” is no longer offered."), course=data.course.title)
    if data.center.status == CenterStatus.CLOSED:
        refuse(_("Classes cannot be opened at a centre that has closed down."))
    if data.outreach_site and data.bus_visit:
        refuse(_("A class meets at one place: an outreach site or a bus stop, not both."))
    if data.outreach_site and data.outreach_site.hub_id != data.center.pk:
        refuse(_("This outreach site is served by another hub centre."))
    if data.bus_visit:
        visit = data.bus_visit
        if visit.vehicle.base_id != data.center.pk:
            refuse(_("This bus visit is run by another centre."))
        if data.start_date != visit.date:
            refuse(
                _("A class on the learning bus starts on the day of the visit (%(date)s)."),
                date=visit.date.isoformat(),
            )
        if data.starts_at < visit.starts_at or data.ends_at > visit.ends_at:
            refuse(
                _("A class on the learning bus must fit within the visit's hours "
                  "(%(start)s–%(end)s)."),
                start=visit.starts_at.strftime("%H:%M"), end=visit.ends_at.strftime("%H:%M"),
            )
    if not MIN_CAPACITY <= data.capacity <= MAX_CAPACITY:
        refuse(
            _("Capacity must be between %(min)s and %(max)s learners."),
            min=MIN_CAPACITY, max=MAX_CAPACITY,
        )
    if data.starts_at >= data.ends_at:
        refuse(_("A session must end after it starts."))
    if data.registration_opens > data.registration_closes:
        refuse(_("Applications must open before they close."))
    if data.registration_closes >= data.start_date:
        refuse(
            _("Applications must close before the first session (%(date)s)."),
            date=data.start_date.isoformat(),
        )
    if data.instructor is not None and not _staff_with_role(
        data.instructor, data.center, {Role.INSTRUCTOR},
    ):
        refuse(
            _("%(name)s is not an instructor at this centre."),
            name=data.instructor.get_full_name() or data.instructor.username,
        )
    for supporter in data.supporters:
        if data.instructor is not None and supporter.pk == data.instructor.pk:
            refuse(_("The instructor cannot also be one of the supporters."))
        elif not _staff_with_role(supporter, data.center, {Role.SUPPORTER, Role.INSTRUCTOR}):
            refuse(
                _("%(name)s is not a supporter at this centre."),
                name=supporter.get_full_name() or supporter.username,
            )
    if errors:
        raise ValidationError(errors)


def _venue_point(data: ClassData) -> tuple[Any, float, float]:
    """Where the class meets: the venue's 행정동 and point (or the centre's 동 point)."""
    if data.outreach_site is not None:
        site = data.outreach_site
        return site.region, site.lat, site.lon
    if data.bus_visit is not None:
        visit = data.bus_visit
        return visit.region, visit.lat, visit.lon
    center = data.center
    region = center.region
    lat = center.lat if center.lat is not None else region.lat
    lon = center.lon if center.lon is not None else region.lon
    return region, lat, lon


def _apply(course_class: CourseClass, data: ClassData) -> None:
    region, lat, lon = _venue_point(data)
    course_class.course = data.course
    course_class.center = data.center
    course_class.outreach_site = data.outreach_site
    course_class.bus_visit = data.bus_visit
    course_class.region = region
    course_class.lat = lat
    course_class.lon = lon
    course_class.capacity = data.capacity
    course_class.registration_opens = data.registration_opens
    course_class.registration_closes = data.registration_closes
    course_class.weekdays = _validate_weekdays(data.weekdays)
    course_class.starts_at = data.starts_at
    course_class.ends_at = data.ends_at
    course_class.instructor = data.instructor


def _plan_dates(*, center: Center, start: date, weekdays: list[int], count: int) -> list[date]:
    dates = session_dates(
        start=start, weekdays=weekdays, count=count,
        closed=lambda first, last: center_closed_dates(center, first, last),
    )
    if len(dates) < count:
        raise ValidationError(
            _("Only %(found)s of %(count)s sessions fit in the next two years: "
              "check the weekdays and the centre's closed days.")
            % {"found": len(dates), "count": count},
        )
    return dates


def _write_sessions(course_class: CourseClass, dates: list[date]) -> list[ClassSession]:
    course_class.sessions.all().delete()
    sessions = ClassSession.objects.bulk_create(
        ClassSession(
            course_class=course_class, number=number, date=day,
            starts_at=course_class.starts_at, ends_at=course_class.ends_at,
        )
        for number, day in enumerate(dates, start=1)
    )
    course_class.first_date = dates[0]
    course_class.last_date = dates[-1]
    return sessions


@transaction.atomic
def class_sessions_generate(
    *, course_class: CourseClass, start_date: date, by: User | None = None,
) -> list[ClassSession]:
    """Replace the class's sessions with `course.session_count` sessions from `start_date`.

    Sessions fall on the class's weekdays at its times, skipping Korean public
    holidays (substitute holidays included) and the centre's closed days;
    first_date and last_date follow them. Refused once the class runs.
    """
    # Lock the row: a transition to 진행중 must not slip in between the check and the write.
    locked = CourseClass.objects.select_for_update().get(pk=course_class.pk)
    _require_manager(by, locked.center)
    if locked.status in SCHEDULE_LOCKED:
        raise ValidationError(_("The sessions of a class that has started cannot be changed."))
    if why := _start_refusal(start_date):
        raise ValidationError(why)
    weekdays = _validate_weekdays(locked.weekdays)
    dates = _plan_dates(
        center=locked.center, start=start_date, weekdays=weekdays,
        count=locked.course.session_count,
    )
    if locked.registration_closes >= dates[0]:
        raise ValidationError(
            _("Applications must close before the first session (%(date)s).")
            % {"date": dates[0].isoformat()},
        )
    sessions = _write_sessions(locked, dates)
    locked.save(update_fields=["first_date", "last_date", "updated_at"])
    audit_record(
        actor=by, action="course_class.sessions_generate", target=locked,
        data={"first_date": dates[0].isoformat(), "last_date": dates[-1].isoformat(),
              "count": len(dates)},
    )
    course_class.first_date, course_class.last_date = locked.first_date, locked.last_date
    return sessions


@transaction.atomic
def class_create(*, data: ClassData, by: User | None) -> CourseClass:
    """Open a class at a centre (or at its outreach site or bus visit) with its sessions."""
    _require_manager(by, data.center)
    _validate(data)
    dates = _plan_dates(
        center=data.center, start=data.start_date, weekdays=_validate_weekdays(data.weekdays),
        count=data.course.session_count,
    )
    if data.registration_closes >= dates[0]:
        raise ValidationError(
            _("Applications must close before the first session (%(date)s).")
            % {"date": dates[0].isoformat()},
        )
    course_class = CourseClass(status=ClassStatus.PLANNED)
    _apply(course_class, data)
    course_class.first_date = dates[0]
    course_class.last_date = dates[-1]
    course_class.full_clean()
    course_class.save()
    course_class.supporters.set(data.supporters)
    _write_sessions(course_class, dates)
    audit_record(
        actor=by, action="course_class.create", target=course_class,
        data={"course": data.course.pk, "center": data.center.pk,
              "first_date": dates[0].isoformat(), "sessions": len(dates)},
    )
    return course_class


def class_data(course_class: CourseClass) -> ClassData:
    """The class as it stands, as the data an edit starts from."""
    return ClassData(
        course=course_class.course, center=course_class.center,
        start_date=course_class.first_date, weekdays=list(course_class.weekdays),
        starts_at=course_class.starts_at, ends_at=course_class.ends_at,
        capacity=course_class.capacity,
        registration_opens=course_class.registration_opens,
        registration_closes=course_class.registration_closes,
        outreach_site=course_class.outreach_site, bus_visit=course_class.bus_visit,
        instructor=course_class.instructor, supporters=list(course_class.supporters.all()),
    )


def _key(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value)
    return getattr(value, "pk", value)


@transaction.atomic
def class_update(*, course_class: CourseClass, data: ClassData, by: User | None) -> CourseClass:
    """Change a class. Sessions are planned again when the schedule changes.

    A running class keeps its sessions: changing its course, place, weekdays,
    times or start is refused. A finished or cancelled class is not edited.
    """
    # Lock the row: a transition or another edit of the same class waits for this one.
    course_class = CourseClass.objects.select_for_update().get(pk=course_class.pk)
    _require_manager(by, course_class.center)
    if data.center.pk != course_class.center_id:
        _require_manager(by, data.center)
    if course_class.status in EDIT_LOCKED:
        raise ValidationError(
            _("A %(status)s class cannot be edited.")
            % {"status": course_class.get_status_display()},
        )
    before = class_data(course_class)
    changed = [
        name for name in ClassData.__dataclass_fields__
        if _key(getattr(before, name)) != _key(getattr(data, name))
        and name != "supporters"
    ]
    if sorted(u.pk for u in before.supporters) != sorted(u.pk for u in data.supporters):
        changed.append("supporters")
    schedule_changed = any(name in SCHEDULE_FIELDS for name in changed)
    if schedule_changed and course_class.status in SCHEDULE_LOCKED:
        raise ValidationError(
            _("The class is in progress: its course, place, weekdays, times and dates "
              "can no longer be changed.")
        )
    _validate(data, planning=schedule_changed, course_before=course_class.course)
    if data.capacity < course_class.seats_taken:
        raise ValidationError(
            _("%(taken)d learners already have a seat: the capacity cannot be lower.")
            % {"taken": course_class.seats_taken},
        )
    capacity_raised = data.capacity > course_class.capacity
    _apply(course_class, data)
    if schedule_changed:
        dates = _plan_dates(
            center=data.center, start=data.start_date, weekdays=course_class.weekdays,
            count=data.course.session_count,
        )
        if data.registration_closes >= dates[0]:
            raise ValidationError(
                _("Applications must close before the first session (%(date)s).")
                % {"date": dates[0].isoformat()},
            )
        _write_sessions(course_class, dates)
    course_class.full_clean()
    course_class.save()
    course_class.supporters.set(data.supporters)
    audit_record(
        actor=by, action="course_class.update", target=course_class,
        data={"changed": changed, "sessions_replanned": schedule_changed},
    )
    if capacity_raised:
        # Enrollment builds on classes; imported here so that classes does not
        # depend on it at import time. The row lock above is the one it needs.
        from enrollment.services import waitlist_promote

        waitlist_promote(course_class=course_class, by=by)
    return course_class


def _refusal(course_class: CourseClass, to: str) -> str | None:
    """Why the class may not move to `to`, or None when it may."""
    current = course_class.status
    labels = dict(ClassStatus.choices)
    if to not in labels:
        return _("Unknown class status.")
    if current == to:
        return _("The class is already “%(status)s”.") % {"status": labels[to]}
    if current == ClassStatus.FINISHED:
        if to in (ClassStatus.RECRUITING, ClassStatus.CLOSED):
            return _("A finished class cannot take applications again.")
        return _("A finished class cannot change any more.")
    if current == ClassStatus.CANCELLED:
        return _("A cancelled class cannot be reopened. Open a new class instead.")
    if current == ClassStatus.RUNNING and to != ClassStatus.FINISHED:
        if to == ClassStatus.CANCELLED:
            return _("A class in progress cannot be cancelled; finish it instead.")
        return _("A class in progress cannot take applications again.")
    if current == ClassStatus.PLANNED and to in (ClassStatus.CLOSED, ClassStatus.RUNNING):
        return _("A planned class must take applications first.")
    if to == ClassStatus.FINISHED and current != ClassStatus.RUNNING:
        return _("Only a class in progress can be finished.")
    if current not in TRANSITIONS.get(to, set()):
        return _("A class cannot go from “%(from)s” to “%(to)s”.") % {
            "from": labels[current], "to": labels[to],
        }
    return None


@transaction.atomic
def class_transition(
    *, course_class: CourseClass, to: str, by: User | None, reason: str = "",
) -> CourseClass:
    """Move a class along its lifecycle, or raise ValidationError saying why not.

    계획 → 모집중 → 모집마감 (and back to 모집중) → 진행중 → 종료; 모집중 → 진행중
    directly; 폐강 from 계획, 모집중 or 모집마감, with a reason.
    """
    # Lock the row so that two managers pressing buttons at once cannot both pass
    # the check against the same old status.
    # of=self: lock the class, not its centre's row that every class there shares.
    locked = CourseClass.objects.select_for_update(of=("self",)).select_related("center").get(
        pk=course_class.pk,
    )
    _require_manager(by, locked.center)
    refusal = _refusal(locked, to)
    if refusal is None and to == ClassStatus.CANCELLED and not reason.strip():
        refusal = _("Give a reason for cancelling the class.")
    if refusal is None and to == ClassStatus.RUNNING and not locked.sessions.exists():
        refusal = _("The class has no sessions yet.")
    if refusal is not None:
        raise ValidationError(refusal, code="refused")
    before = locked.status
    locked.status = to
    fields = ["status", "updated_at"]
    if to == ClassStatus.CANCELLED:
        locked.cancel_reason = reason.strip()
        fields.append("cancel_reason")
    locked.save(update_fields=fields)
    audit_record(
        actor=by, action="course_class.transition", target=locked,
        data={"from": before, "to": to, "reason": reason.strip()},
    )
    course_class.status = locked.status
    course_class.cancel_reason = locked.cancel_reason
    return locked
