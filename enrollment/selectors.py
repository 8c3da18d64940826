"""Shared reads for the staff enrollment screens: who may manage, rosters."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.scoping import is_national, role_grants
from classes.models import ClassStatus, CourseClass
from enrollment.models import SEAT_STATUSES, Application, ApplicationStatus
from enrollment.services import MANAGING_ROLES

# The intake form offers at most this many classes (a national administrator
# reaches every class; a centre manager has a handful).
INTAKE_CLASS_LIMIT = 300


def enrollment_manageable_classes(user: User | AnonymousUser) -> QuerySet[CourseClass]:
    """Classes the user may enter and change applications for (not read-only roles)."""
    return CourseClass.objects.for_user(user, roles=MANAGING_ROLES)


def enrollment_may_manage(user: User | AnonymousUser) -> bool:
    """Has the user any role that enters applications (whatever the class)?"""
    return is_national(user) or any(g.role in MANAGING_ROLES for g in role_grants(user))


def enrollment_can_manage(*, user: User | AnonymousUser, course_class: CourseClass) -> bool:
    return enrollment_manageable_classes(user).filter(pk=course_class.pk).exists()


def intake_classes(user: User | AnonymousUser) -> QuerySet[CourseClass]:
    """Classes the user may enter applications for that take them today, soonest first."""
    today = timezone.localdate()
    return (
        enrollment_manageable_classes(user)
        .filter(
            status=ClassStatus.RECRUITING,
            registration_opens__lte=today, registration_closes__gte=today,
        )
        .select_related("course", "center")
        .order_by("first_date", "starts_at", "pk")
    )


def roster_class_get(*, user: User | AnonymousUser, pk: int) -> CourseClass | None:
    """A class the user may see (instructors included), with what the roster shows."""
    return (
        CourseClass.objects.for_user(user)
        .select_related("course", "center")
        .filter(pk=pk)
        .first()
    )


@dataclass
class Roster:
    seated: list[Application]  # confirmed and offered, in the order they got the seat
    waiting: list[Application]  # the waiting list, first in line first

    @property
    def waiting_count(self) -> int:
        return len(self.waiting)


def roster_get(*, course_class: CourseClass) -> Roster:
    """The class's active applications, with their learners, in one query."""
    active = (
        Application.objects.filter(
            course_class=course_class,
            status__in=[*SEAT_STATUSES, ApplicationStatus.WAITLISTED],
        )
        .select_related("learner")
        .order_by("-priority", "id")
    )
    seated: list[Application] = []
    waiting: list[Application] = []
    for application in active:
        if application.status == ApplicationStatus.WAITLISTED:
            waiting.append(application)
        else:
            seated.append(application)
    seated.sort(key=_seat_order)
    return Roster(seated=seated, waiting=waiting)


def _seat_order(application: Application) -> Any:
    return (application.confirmed_at or application.created_at, application.pk)


def application_get(*, user: User | AnonymousUser, pk: int) -> Application | None:
    return (
        Application.objects.for_user(user)
        .select_related("learner", "course_class__course", "course_class__center")
        .filter(pk=pk)
        .first()
    )
