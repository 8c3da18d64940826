from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from api.pagination import Pagination
from regions.models import Region
from regions.selectors import region_list

router = Router(tags=["regions"])


class RegionFilter(Schema):
    level: Region.Level | None = Field(None, description="sido, sigungu or eupmyeondong")
    parent: str | None = Field(
        None, pattern=r"^\d{10}$",
        description="10-digit code of the parent region; former codes resolve",
    )


class RegionOut(Schema):
    code: str
    name: str
    full_name: str
    level: str
    parent_code: str | None
    lat: float
    lon: float

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.parent.code if obj.parent else None


@router.get("", response=list[RegionOut])
@paginate(Pagination)
def regions(request: HttpRequest, filters: Query[RegionFilter]) -> object:
    """시·도, 시·군·구 and 읍·면·동 with their 행정안전부 codes and a representative point."""
    return region_list(level=filters.level, parent_code=filters.parent)
