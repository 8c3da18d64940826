"""Who may see what: the one place where roles become query filters.

Every list, detail, export and API call over scoped data goes through
`Model.objects.for_user(user)`. A model opts in by using `ScopedQuerySet`
and declaring `scope_paths`: the ORM path from its rows to a region and to a
centre. A user sees a row if any of their role grants reaches it:

- national administrators (and superusers) see everything;
- a regional officer sees rows whose region lies in their 시·도 or 시·군·구;
- centre managers, instructors and supporters see rows of their centres.

Anyone else, or an anonymous user, sees nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from django.db.models import Q

from accounts.models import CENTER_ROLES, Role, RoleGrant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopePaths:
    """ORM paths from a scoped model to a Region and to a Center.

    `region` is "" when the model is Region itself; `center` is "pk" when the
    model is Center itself. None means the model cannot be reached that way.
    """

    region: str | None = None
    center: str | None = None


def role_grants(user: "User | AnonymousUser") -> list[RoleGrant]:
    """The user's grants, read once per request and kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleGrant] | None = getattr(user, "_role_grants_cache", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user).select_related("region", "center"))
        user._role_grants_cache = cached  # type: ignore[union-attr,attr-defined]
    return cached


def is_national(user: "User | AnonymousUser") -> bool:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return any(grant.role == Role.NATIONAL_ADMIN for grant in role_grants(user))


def has_role(user: "User | AnonymousUser", *roles: Role) -> bool:
    return is_national(user) or any(grant.role in roles for grant in role_grants(user))


def _join(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


def _grant_filter(grant: RoleGrant, paths: ScopePaths) -> Q:
    if grant.role == Role.REGIONAL_OFFICER and paths.region is not None and grant.region:
        # The region's own level names the ancestor field: sido or sigungu.
        return Q(**{_join(paths.region, grant.region.level): grant.region_id})
    if grant.role in CENTER_ROLES and paths.center is not None and grant.center_id:
        return Q(**{paths.center: grant.center_id})
    return NOTHING


def scope_filter(
    user: "User | AnonymousUser", paths: ScopePaths, roles: Iterable[Role] | None = None,
) -> Q:
    """A filter that keeps exactly the rows the user may see.

    With `roles`, only the user's grants of those roles count (national
    administrators still see everything): e.g. the rows a user may change,
    where instructors and supporters only read.
    """
    if is_national(user):
        return Q()
    allowed = None if roles is None else set(roles)
    combined = NOTHING
    for grant in role_grants(user):
        if allowed is None or grant.role in allowed:
            combined |= _grant_filter(grant, paths)
    return combined


class ScopedQuerySet(models.QuerySet[Any]):
    def for_user(
        self, user: "User | AnonymousUser", *, roles: Iterable[Role] | None = None,
    ) -> Self:
        paths: ScopePaths = self.model.scope_paths
        return self.filter(scope_filter(user, paths, roles))


class Scoped:
    """Mixin for models whose rows belong to a region or a centre."""

    scope_paths: ClassVar[ScopePaths]
