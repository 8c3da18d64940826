"""Shared reads over classes for the staff pages."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from accounts.models import Role, User
from accounts.scoping import is_national, role_grants
from centers.models import Center
from classes.models import CourseClass


def class_manageable_centers(user: User | AnonymousUser) -> QuerySet[Center]:
    """The centres whose classes the user may open and change: a manager's own centres."""
    centers = Center.objects.for_user(user)
    if is_national(user):
        return centers
    managed = [g.center_id for g in role_grants(user) if g.role == Role.CENTER_MANAGER]
    return centers.filter(pk__in=managed)


def class_list(
    *, user: User | AnonymousUser, status: str | None = None,
) -> QuerySet[CourseClass]:
    """Classes in the user's scope, soonest first, with what the list shows (one query)."""
    classes = (
        CourseClass.objects.for_user(user)
        .select_related("course", "center", "region", "outreach_site", "bus_visit")
        .annotate(session_total=Count("sessions"))
        .order_by("-first_date", "starts_at", "pk")
    )
    if status:
        classes = classes.filter(status=status)
    return classes


def class_get(*, user: User | AnonymousUser, pk: int) -> CourseClass | None:
    return (
        CourseClass.objects.for_user(user)
        .select_related("course", "center", "region", "outreach_site", "bus_visit",
                        "bus_visit__vehicle", "instructor")
        .prefetch_related("sessions", "supporters")
        .filter(pk=pk)
        .first()
    )


def class_can_manage(*, user: User | AnonymousUser, course_class: CourseClass) -> bool:
    return class_manageable_centers(user).filter(pk=course_class.center_id).exists()
