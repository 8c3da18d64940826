"""Public class search: GET /api/v1/classes and /api/v1/classes/{id}.

No authentication and no personal data: what a learner's page shows.
"""

from datetime import date, time

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import model_validator

from api.pagination import Pagination
from centers.api import CenterBriefOut
from classes.models import CourseClass
from classes.search import ClassHit, ClassQuery, class_search, load_hits, public_classes
from courses.models import Level, TargetGroup, Topic
from regions.selectors import region_get_by_code

router = Router(tags=["classes"])

class ClassFilter(Schema):
    lat: float | None = Field(None, ge=-90, le=90, description="latitude of the learner (WGS84)")
    lon: float | None = Field(None, ge=-180, le=180, description="longitude of the learner")
    region: str | None = Field(
        None, pattern=r"^\d{10}$",
        description="10-digit region code: search from its representative point",
    )
    in_region: bool = Field(False, description="only classes inside `region`")
    topic: Topic | None = None
    level: Level | None = None
    weekday: list[int] = Field(
        default_factory=list, description="0 = Monday … 6 = Sunday; repeat for several days",
    )
    time_of_day: str | None = Field(
        None, pattern="^(morning|afternoon)$", description="morning: starts before 12:00",
    )
    target_group: TargetGroup | None = None
    wheelchair: bool = Field(False, description="only centres with wheelchair access")
    has_seats: bool = Field(False, description="only classes with a free seat")
    q: str = Field(
        "", max_length=50, pattern=r"^[^\x00]*$",  # PostgreSQL text cannot hold NUL
        description="course or centre name; 초성 works (ㄱㄴ)",
    )

    @model_validator(mode="after")
    def _check(self) -> "ClassFilter":
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        if any(not 0 <= day <= 6 for day in self.weekday):
            raise ValueError("weekday is 0 (Monday) to 6 (Sunday)")
        return self


class SessionOut(Schema):
    number: int
    date: date
    starts_at: time
    ends_at: time


class ClassItemOut(Schema):
    id: int
    course_title: str
    center_name: str
    region_code: str
    lat: float
    lon: float
    distance_km: float | None
    next_session: SessionOut | None
    seats_left: int
    status: str
    weekdays: list[int]
    starts_at: time
    ends_at: time
    first_date: date
    session_count: int


def item(hit: ClassHit) -> dict[str, object]:
    course_class = hit.course_class
    return {
        "id": course_class.pk,
        "course_title": course_class.course.title,
        "center_name": course_class.center.name,
        "region_code": course_class.region.code,
        "lat": course_class.lat,
        "lon": course_class.lon,
        "distance_km": None if hit.distance_km is None else round(hit.distance_km, 3),
        "next_session": hit.next_session,
        "seats_left": hit.seats_left,
        "status": course_class.status,
        "weekdays": course_class.weekdays,
        "starts_at": course_class.starts_at,
        "ends_at": course_class.ends_at,
        "first_date": course_class.first_date,
        "session_count": len(hit.sessions),
    }


class _Items:
    """The search, sliced by the paginator, turned into API items."""

    def __init__(self, filters: ClassFilter) -> None:
        region = None
        if filters.region:
            region = region_get_by_code(filters.region)
            if region is None:
                raise ValidationError([{
                    "loc": ("query", "region"), "type": "value_error",
                    "msg": _("There is no region with this code."),
                }])
        self.search = class_search(ClassQuery(
            lat=filters.lat, lon=filters.lon, region=region, within_region=filters.in_region,
            topic=filters.topic or "", level=filters.level or "",
            weekdays=tuple(filters.weekday), time_of_day=filters.time_of_day,  # type: ignore[arg-type]
            target_group=filters.target_group or "", wheelchair=filters.wheelchair,
            has_seats=filters.has_seats, q=filters.q,
        ))

    def all(self) -> "_Items":
        return self

    def count(self) -> int:
        return self.search.count()

    def __getitem__(self, key: slice) -> list[dict[str, object]]:
        return [item(hit) for hit in self.search[key]]


@router.get("", response=list[ClassItemOut])
@paginate(Pagination)
def classes(request: HttpRequest, filters: Query[ClassFilter]) -> object:
    """Upcoming classes (taking applications, or full with sessions ahead), nearest first.

    From `lat`/`lon`, or from a region's point; ordered by great-circle
    distance, ties by id. Without either, soonest first and `distance_km` is null.
    """
    return _Items(filters)


class CourseOut(Schema):
    id: int
    title: str
    level: str
    topic: str
    target_groups: list[str]
    summary: str
    goals: str
    minutes_per_session: int


class ClassDetailOut(Schema):
    id: int
    status: str
    course: CourseOut
    center: CenterBriefOut
    venue_name: str
    region_code: str
    lat: float
    lon: float
    capacity: int
    seats_left: int
    waitlist_length: int
    registration_opens: date
    registration_closes: date
    weekdays: list[int]
    starts_at: time
    ends_at: time
    first_date: date
    last_date: date
    sessions: list[SessionOut]


@router.get("/{class_id}", response=ClassDetailOut)
def class_detail(request: HttpRequest, class_id: int) -> dict[str, object]:
    """One class with its course, centre, every session and its seats."""
    course_class = get_object_or_404(public_classes(), pk=class_id)
    hit = load_hits([(course_class.pk, None)])[0]
    course_class = hit.course_class
    return {
        "id": course_class.pk,
        "status": course_class.status,
        "course": course_class.course,
        "center": course_class.center,
        "venue_name": venue_name(course_class),
        "region_code": course_class.region.code,
        "lat": course_class.lat,
        "lon": course_class.lon,
        "capacity": course_class.capacity,
        "seats_left": hit.seats_left,
        "waitlist_length": course_class.applications.filter(status="waitlisted").count(),
        "registration_opens": course_class.registration_opens,
        "registration_closes": course_class.registration_closes,
        "weekdays": course_class.weekdays,
        "starts_at": course_class.starts_at,
        "ends_at": course_class.ends_at,
        "first_date": course_class.first_date,
        "last_date": course_class.last_date,
        "sessions": hit.sessions,
    }


def venue_name(course_class: CourseClass) -> str:
    if course_class.outreach_site_id:
        return course_class.outreach_site.name  # type: ignore[union-attr]
    if course_class.bus_visit_id:
        return course_class.bus_visit.stop_name  # type: ignore[union-attr]
    return course_class.center.name

