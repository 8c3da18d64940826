from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from accounts.services import role_grant_create
from accounts.testing import People
from audit.models import AuditEntry
from classes.models import ClassStatus, CourseClass
from classes.services import class_data, class_transition, class_update
from classes.tests.builders import course, data, open_class
from courses.models import Course

pytestmark = pytest.mark.django_db

S = ClassStatus


def move(people: People, c: CourseClass, *steps: str, reason: str = "") -> CourseClass:
    for step in steps:
        c = class_transition(course_class=c, to=step, by=people.manager, reason=reason)
    return c


def refusal(people: People, c: CourseClass, to: str, reason: str = "") -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        class_transition(course_class=c, to=to, by=people.manager, reason=reason)
    return " ".join(caught.value.messages)


def test_it_walks_the_whole_lifecycle(people: People) -> None:
    c = move(people, open_class(people), S.RECRUITING, S.CLOSED, S.RECRUITING, S.CLOSED,
             S.RUNNING, S.FINISHED)
    assert CourseClass.objects.get(pk=c.pk).status == S.FINISHED
    moves = AuditEntry.objects.filter(action="course_class.transition", target_id=str(c.pk))
    assert [e.data["to"] for e in moves.order_by("pk")] == [
        S.RECRUITING, S.CLOSED, S.RECRUITING, S.CLOSED, S.RUNNING, S.FINISHED,
    ]


def test_it_starts_a_class_straight_from_recruiting(people: People) -> None:
    c = move(people, open_class(people), S.RECRUITING, S.RUNNING)
    assert c.status == S.RUNNING


@pytest.mark.parametrize("path", [[], [S.RECRUITING], [S.RECRUITING, S.CLOSED]])
def test_it_cancels_with_a_reason_before_the_class_runs(people: People, path: list[str]) -> None:
    c = move(people, open_class(people), *path)
    assert "reason" in refusal(people, c, S.CANCELLED)
    c = move(people, c, S.CANCELLED, reason="신청자 부족")
    assert (c.status, c.cancel_reason) == (S.CANCELLED, "신청자 부족")


@pytest.mark.parametrize(
    ("path", "to", "why"),
    [
        ([S.RECRUITING, S.RUNNING, S.FINISHED], S.RECRUITING,
         "A finished class cannot take applications again."),
        ([S.RECRUITING, S.RUNNING, S.FINISHED], S.RUNNING, "A finished class cannot change"),
        ([S.RECRUITING, S.RUNNING], S.CANCELLED, "cannot be cancelled; finish it instead"),
        ([S.RECRUITING, S.RUNNING], S.RECRUITING, "cannot take applications again"),
        ([], S.CLOSED, "must take applications first"),
        ([], S.RUNNING, "must take applications first"),
        ([S.RECRUITING], S.FINISHED, "Only a class in progress can be finished"),
        ([S.RECRUITING], S.RECRUITING, "already"),
    ],
)
def test_it_refuses_and_explains(people: People, path: list[str], to: str, why: str) -> None:
    c = move(people, open_class(people), *path)
    assert why in refusal(people, c, to)
    assert CourseClass.objects.get(pk=c.pk).status == c.status


def test_it_refuses_to_reopen_a_cancelled_class(people: People) -> None:
    c = move(people, open_class(people), S.CANCELLED, reason="강사 사정")
    assert "cannot be reopened" in refusal(people, c, S.RECRUITING)


def test_it_refuses_another_centres_manager(people: People) -> None:
    c = open_class(people)
    with pytest.raises(ValidationError):
        class_transition(course_class=c, to=S.RECRUITING, by=people.outsider)
    with pytest.raises(ValidationError):
        class_transition(course_class=c, to=S.RECRUITING, by=people.instructor)
    assert CourseClass.objects.get(pk=c.pk).status == S.PLANNED


def test_it_copies_the_centre_point_and_region(people: People) -> None:
    c = open_class(people)
    region = people.gangnam_center.region
    assert (c.region, c.lat, c.lon) == (region, region.lat, region.lon)
    assert AuditEntry.objects.filter(action="course_class.create", target_id=str(c.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"capacity": 0}, "Capacity must be between 1 and 100"),
        ({"capacity": 101}, "Capacity must be between 1 and 100"),
        ({"registration_closes": date(2026, 9, 17)}, "close before the first session"),
        ({"registration_opens": date(2026, 9, 12)}, "open before they close"),
        ({"starts_at": time(16), "ends_at": time(14)}, "end after it starts"),
        ({"weekdays": []}, "at least one weekday"),
    ],
)
def test_it_refuses_bad_classes(people: People, fields: dict, why: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        open_class(people, **fields)
    assert why in " ".join(caught.value.messages)
    assert not CourseClass.objects.exists()


def test_it_names_only_staff_of_the_centre(people: People) -> None:
    c = open_class(people, instructor=people.instructor)
    assert c.instructor == people.instructor
    with translation.override("en"), pytest.raises(ValidationError, match="not an instructor"):
        open_class(people, instructor=people.outsider)
    with translation.override("en"), pytest.raises(ValidationError, match="not a supporter"):
        open_class(people, supporters=[people.manager])
    role_grant_create(user=people.manager, role=Role.SUPPORTER, center=people.gangnam_center)
    assert list(open_class(people, supporters=[people.manager]).supporters.all()) == [
        people.manager,
    ]


def test_it_refuses_a_manager_opening_at_another_centre(people: People) -> None:
    from classes.services import class_create

    with pytest.raises(ValidationError):
        class_create(data=data(people.busan_center), by=people.manager)


def test_it_replans_sessions_when_the_schedule_changes(people: People) -> None:
    c = open_class(people)
    new = class_data(c)
    new.weekdays = [1]
    new.start_date = date(2026, 9, 15)
    c = class_update(course_class=c, data=new, by=people.manager)
    assert {s.date.weekday() for s in c.sessions.all()} == {1}
    assert c.first_date == date(2026, 9, 15)


def test_it_keeps_the_sessions_of_a_running_class(people: People) -> None:
    c = move(people, open_class(people), S.RECRUITING, S.RUNNING)
    before = list(c.sessions.values_list("date", flat=True))
    new = class_data(c)
    new.weekdays = [1]
    with translation.override("en"), pytest.raises(ValidationError, match="in progress"):
        class_update(course_class=c, data=new, by=people.manager)
    assert list(c.sessions.values_list("date", flat=True)) == before
    # Capacity may still change while the class runs.
    new = class_data(c)
    new.capacity = 20
    assert class_update(course_class=c, data=new, by=people.manager).capacity == 20


def test_a_withdrawn_course_opens_no_new_class_but_its_classes_go_on(people: People) -> None:
    c = open_class(people)
    Course.objects.filter(pk=c.course_id).update(is_active=False)
    with translation.override("en"), pytest.raises(ValidationError, match="no longer offered"):
        open_class(people)
    new = class_data(c)
    new.course = Course.objects.get(pk=c.course_id)
    new.capacity = 20
    assert class_update(course_class=c, data=new, by=people.manager).capacity == 20
    # Nor does an existing class move to it.
    other = open_class(people, course_=course("키오스크 주문"))
    new = class_data(other)
    new.course = Course.objects.get(pk=c.course_id)
    with translation.override("en"), pytest.raises(ValidationError, match="no longer offered"):
        class_update(course_class=other, data=new, by=people.manager)
