"""Builders for the search tests: a course, a centre and classes placed at points."""

from datetime import date, time

from centers.models import Center, CenterKind
from classes.models import ClassSession, ClassStatus, CourseClass
from courses.models import Course, Level, Topic
from regions.models import Region

TODAY = date(2026, 9, 1)
YEOKSAM1 = "1168064000"


def make_course(title: str = "스마트폰 첫걸음", **fields: object) -> Course:
    defaults: dict[str, object] = {
        "level": Level.BASIC, "topic": Topic.SMARTPHONE, "target_groups": ["seniors"],
        "summary": "전화, 사진, 글자 크기", "goals": "스마트폰을 혼자 쓸 수 있어요",
        "session_count": 8,
    }
    defaults.update(fields)
    return Course.objects.create(title=title, **defaults)


def make_center(
    name: str = "역삼1동 행정복지센터", code: str = YEOKSAM1, **fields: object,
) -> Center:
    region = Region.objects.get(code=code)
    fields.setdefault("lat", region.lat)
    fields.setdefault("lon", region.lon)
    return Center.objects.create(
        name=name, kind=CenterKind.COMMUNITY_SERVICE, region=region, **fields,
    )


def class_at(
    course: Course, center: Center, *, lat: float | None = None, lon: float | None = None,
    save: bool = True, sessions: int = 0, **fields: object,
) -> CourseClass:
    defaults: dict[str, object] = {
        "region": center.region, "capacity": 12,
        "registration_opens": date(2026, 8, 1), "registration_closes": date(2026, 9, 10),
        "weekdays": [1, 3], "starts_at": time(14, 0), "ends_at": time(16, 0),
        "first_date": date(2026, 9, 15), "last_date": date(2026, 10, 8),
        "status": ClassStatus.RECRUITING,
    }
    defaults.update(fields)
    lat = center.lat if lat is None else lat
    lon = center.lon if lon is None else lon
    assert lat is not None and lon is not None
    course_class = CourseClass(
        course=course, center=center, lat=lat, lon=lon,
        **defaults,
    )
    if save:
        course_class.save()
        for number in range(1, sessions + 1):
            ClassSession.objects.create(
                course_class=course_class, number=number,
                date=date(2026, 9, 14 + number), starts_at=course_class.starts_at,
                ends_at=course_class.ends_at,
            )
    return course_class
