"""Public centre registry: GET /api/v1/centers and /api/v1/centers/{id}.

No authentication: names, addresses, public phone numbers, hours and
accessibility are what a centre publishes; nothing about people.
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate

from api.pagination import Pagination
from centers.models import Center, CenterStatus
from classes.search import center_ids_matching
from regions.models import Region
from regions.selectors import region_get_by_code

router = Router(tags=["centers"])


class CenterFilter(Schema):
    region: str | None = Field(
        None, pattern=r"^\d{10}$", description="10-digit code of a 시·도, 시·군·구 or 행정동",
    )
    q: str = Field(
        "", max_length=50, pattern=r"^[^\x00]*$",  # PostgreSQL text cannot hold NUL
        description="name; 초성 works (ㅇㅅ ㅎㅈ)",
    )


class CenterBriefOut(Schema):
    """A centre as a class's page shows it."""

    id: int
    name: str
    kind: str
    road_address: str
    phone: str
    opening_hours: str
    region_code: str
    region_name: str
    lat: float | None
    lon: float | None
    accessibility: list[str]

    @staticmethod
    def resolve_region_code(obj: Center) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: Center) -> str:
        return obj.region.full_name


class CenterOut(CenterBriefOut):
    status: str
    closed_weekdays: list[int]


def public_centers() -> QuerySet[Center]:
    """Centres that are running or only temporarily closed; closed-down ones are not listed."""
    return (
        Center.objects.exclude(status=CenterStatus.CLOSED)
        .select_related("region")
        .order_by("region__code", "name", "pk")
    )


def _in_region(region: Region) -> Q:
    if region.level == Region.Level.SIDO:
        return Q(region__sido=region)
    if region.level == Region.Level.SIGUNGU:
        return Q(region__sigungu=region)
    return Q(region=region)


@router.get("", response=list[CenterOut])
@paginate(Pagination)
def centers(request: HttpRequest, filters: Query[CenterFilter]) -> object:
    """Learning centres, by region code and name (초성 search included)."""
    found = public_centers()
    if filters.region:
        region = region_get_by_code(filters.region)
        if region is None:
            raise ValidationError([{
                "loc": ("query", "region"), "type": "value_error",
                "msg": _("There is no region with this code."),
            }])
        found = found.filter(_in_region(region))
    if filters.q.strip():
        found = found.filter(pk__in=center_ids_matching(filters.q))
    return found


@router.get("/{center_id}", response=CenterOut)
def center_detail(request: HttpRequest, center_id: int) -> Center:
    """One learning centre."""
    return get_object_or_404(public_centers(), pk=center_id)
