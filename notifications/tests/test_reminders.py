from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.testing import People
from classes.models import ClassSession, ClassStatus, CourseClass
from enrollment.services import application_cancel
from enrollment.testing import apply, recruiting_class
from notifications.models import MessageKind, OutboxMessage
from notifications.services import reminders_enqueue

pytestmark = pytest.mark.django_db


def meets_tomorrow(course_class: CourseClass) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    ClassSession.objects.filter(course_class=course_class, number=1).update(date=tomorrow)


def reminders() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=MessageKind.REMINDER).order_by("id"))


def test_it_reminds_every_confirmed_learner_of_tomorrows_class(people: People) -> None:
    course_class = recruiting_class(people, capacity=2)
    meets_tomorrow(course_class)
    first = apply(course_class, name="김영희", phone="010-1000-0001")
    apply(course_class, name="이철수", phone="010-1000-0002")
    apply(course_class, name="박대기", phone="010-1000-0003")  # waiting list: no reminder
    other = recruiting_class(people, capacity=2, center=people.seocho_center)
    apply(other)  # meets in two weeks: no reminder

    written = reminders_enqueue(day=timezone.localdate() + timedelta(days=1))
    assert written == 2
    sent = reminders()
    assert [m.phone for m in sent] == ["01010000001", "01010000002"]
    assert sent[0].application == first.application
    assert "김영희" in sent[0].body and "스마트폰 첫걸음" in sent[0].body
    assert "2:00" in sent[0].body  # the time of the session


def test_running_it_twice_reminds_once(people: People) -> None:
    course_class = recruiting_class(people)
    meets_tomorrow(course_class)
    applied = apply(course_class)
    out = StringIO()
    call_command("notifications_remind", stdout=out)
    call_command("notifications_remind", stdout=out)
    assert len(reminders()) == 1
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert reminders()[0].dedupe_key == f"reminder:{applied.application.pk}:{tomorrow}"
    assert "1 reminder(s)" in out.getvalue() and "0 reminder(s)" in out.getvalue()


def test_it_does_not_remind_of_a_cancelled_class_or_application(people: People) -> None:
    course_class = recruiting_class(people, capacity=3)
    meets_tomorrow(course_class)
    cancelled = apply(course_class)
    application_cancel(application=cancelled.application, by=people.manager)
    assert reminders_enqueue(day=timezone.localdate() + timedelta(days=1)) == 0

    apply(course_class)
    CourseClass.objects.filter(pk=course_class.pk).update(status=ClassStatus.CANCELLED)
    assert reminders_enqueue(day=timezone.localdate() + timedelta(days=1)) == 0


def test_the_command_takes_another_day(people: People) -> None:
    course_class = recruiting_class(people)
    apply(course_class)
    day = ClassSession.objects.get(course_class=course_class, number=2).date
    call_command("notifications_remind", "--date", day.isoformat(), stdout=StringIO())
    assert len(reminders()) == 1
