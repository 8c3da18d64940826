"""Builders for enrollment tests: a class taking applications today, applicants."""

from datetime import time, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from accounts.testing import People
from centers.models import Center
from classes.models import ClassStatus, CourseClass
from classes.services import ClassData, class_create, class_transition
from courses.models import Course, Level, Topic
from enrollment.services import Applied, application_create
from learners.models import Channel
from learners.services import ConsentGiven, LearnerData

_phones = count(1)


def course(title: str = "스마트폰 첫걸음", *, sessions: int = 4, **fields: Any) -> Course:
    defaults: dict[str, Any] = {
        "level": Level.BASIC, "topic": Topic.SMARTPHONE, "target_groups": ["seniors"],
        "summary": "전화 걸기, 사진 찍기, 글자 크게 하기",
        "goals": "스마트폰을 혼자 켜고 쓸 수 있다.", "session_count": sessions,
    }
    defaults.update(fields)
    return Course.objects.get_or_create(title=title, defaults=defaults)[0]


def recruiting_class(
    people: People, *, capacity: int = 3, center: Center | None = None, **fields: Any,
) -> CourseClass:
    """A class at the Gangnam centre taking applications today, starting in two weeks."""
    today = timezone.localdate()
    data = ClassData(
        course=fields.pop("course_", None) or course(),
        center=center or people.gangnam_center,
        start_date=today + timedelta(days=14),
        weekdays=[0, 1, 2, 3, 4],
        starts_at=time(14, 0),
        ends_at=time(16, 0),
        capacity=capacity,
        registration_opens=today - timedelta(days=1),
        registration_closes=today + timedelta(days=7),
    )
    created = class_create(data=data, by=None)
    class_transition(course_class=created, to=ClassStatus.RECRUITING, by=None)
    if fields:
        CourseClass.objects.filter(pk=created.pk).update(**fields)
    created.refresh_from_db()
    return created


def next_phone() -> str:
    """A fresh mobile number for each applicant: 010-9xxx-xxxx."""
    return f"0109{next(_phones):07d}"


def learner_data(**fields: Any) -> LearnerData:
    values: dict[str, Any] = {
        "name": "김영희", "phone": next_phone(), "birth_year": 1950, "sex": "female",
        "target_groups": ["seniors"],
    }
    values.update(fields)
    return LearnerData(**values)


def apply(
    course_class: CourseClass, *, by: Any = None, channel: str = Channel.ONLINE, **fields: Any,
) -> Applied:
    return application_create(
        course_class=course_class, learner=learner_data(**fields),
        consent=ConsentGiven(personal_info=True), channel=channel, by=by,
    )
