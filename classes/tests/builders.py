"""Builders for the class tests: a course and a class opened through the service."""

from datetime import date, time
from typing import Any

from accounts.testing import People
from centers.models import Center
from classes.models import CourseClass
from classes.services import ClassData, class_create
from courses.models import Course, Level, Topic


def course(title: str = "스마트폰 첫걸음", *, sessions: int = 4, **fields: Any) -> Course:
    defaults: dict[str, Any] = {
        "level": Level.BASIC, "topic": Topic.SMARTPHONE, "target_groups": ["seniors"],
        "summary": "전화 걸기, 사진 찍기, 글자 크게 하기",
        "goals": "스마트폰을 혼자 켜고 쓸 수 있다.",
        "session_count": sessions,
    }
    defaults.update(fields)
    return Course.objects.get_or_create(title=title, defaults=defaults)[0]


def data(
    center: Center, *, course_: Course | None = None, start: date = date(2026, 9, 17),
    weekdays: list[int] | None = None, **fields: Any,
) -> ClassData:
    values: dict[str, Any] = {
        "course": course_ or course(),
        "center": center,
        "start_date": start,
        "weekdays": [3] if weekdays is None else weekdays,
        "starts_at": time(14, 0),
        "ends_at": time(16, 0),
        "capacity": 15,
        "registration_opens": date(2026, 8, 1),
        "registration_closes": date(2026, 9, 10),
    }
    values.update(fields)
    return ClassData(**values)


def open_class(people: People, **fields: Any) -> CourseClass:
    return class_create(data=data(people.gangnam_center, **fields), by=people.manager)
