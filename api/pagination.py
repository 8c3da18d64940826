"""The one pagination of every list endpoint: `limit`, `offset` → `{"items", "count"}`.

ninja's LimitOffsetPagination leaves `offset` unbounded; an offset past what
SQLite's integers hold was a 500 ("datatype mismatch"), so it is capped here
and a larger one is a 422 with the usual Korean message.
"""

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT,
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
