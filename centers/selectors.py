"""Shared reads over centres."""

from datetime import date, timedelta
from typing import TYPE_CHECKING

from accounts.models import Role
from accounts.scoping import is_national, role_grants
from centers.models import Center, OutreachRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def center_closed_dates(center: Center, start: date, end: date) -> set[date]:
    """The days from `start` to `end` (both included) on which `center` is closed.

    Its weekly closed days (`closed_weekdays`, 0 = Monday) and its one-off
    closures (`CenterClosure`). Public holidays are not included: the caller
    adds them (the `holidays` package). One query.
    """
    if end < start:
        return set()
    weekdays = set(center.closed_weekdays or [])
    closed = {
        start + timedelta(days=offset)
        for offset in range((end - start).days + 1)
        if (start + timedelta(days=offset)).weekday() in weekdays
    }
    closed.update(
        center.closures.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )
    return closed


def outreach_request_list(
    *, user: "User | AnonymousUser", status: str | None = None, limit: int = 200,
) -> list[OutreachRequest]:
    """The outreach requests `user` may see, newest first, with hub and area (one query)."""
    requests = OutreachRequest.objects.for_user(user).select_related("hub", "region", "site")
    if status:
        requests = requests.filter(status=status)
    return list(requests.order_by("-created_at", "-pk")[:limit])


def outreach_request_can_decide(
    *, user: "User | AnonymousUser", outreach_request: OutreachRequest,
) -> bool:
    """Whether `user` may accept, schedule or decline: the hub's managers, or national staff.

    Instructors and supporters of the hub and regional officers see requests, but
    the hub decides (as with classes, `classes.selectors.class_can_manage`).
    """
    if is_national(user):
        return True
    return any(
        grant.role == Role.CENTER_MANAGER and grant.center_id == outreach_request.hub_id
        for grant in role_grants(user)
    )
