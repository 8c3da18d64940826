from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.testing import People
from centers.models import CenterClosure
from classes.models import ClassStatus, CourseClass
from classes.schedule import korean_holidays, session_dates, weekdays_label
from classes.services import class_sessions_generate
from classes.tests.builders import course, open_class

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def dates_of(course_class) -> list[date]:
    return list(course_class.sessions.values_list("date", flat=True))


def test_it_skips_chuseok(people: People) -> None:
    # A Thursday class from 2026-09-17: 추석 전날 (09-24) is a Thursday, so the
    # class meets one more week at the end.
    c = open_class(people, course_=course(sessions=4), start=D("2026-09-17"), weekdays=[3])
    assert dates_of(c) == [D("2026-09-17"), D("2026-10-01"), D("2026-10-08"), D("2026-10-15")]
    assert D("2026-09-24") not in dates_of(c)
    assert (c.first_date, c.last_date) == (D("2026-09-17"), D("2026-10-15"))


def test_it_skips_every_day_of_chuseok(people: People) -> None:
    c = open_class(
        people, course_=course(sessions=3), start=D("2026-09-24"), weekdays=[3, 4, 5],
        registration_closes=D("2026-09-20"),
    )
    # 10-03 (Saturday) is 개천절, so the third session moves to the next Thursday.
    assert dates_of(c) == [D("2026-10-01"), D("2026-10-02"), D("2026-10-08")]
    assert not {D("2026-09-24"), D("2026-09-25"), D("2026-09-26")} & set(dates_of(c))


def test_it_skips_substitute_holidays(people: People) -> None:
    march = open_class(
        people, course_=course("월요 수업", sessions=2), start=D("2026-03-02"), weekdays=[0],
        registration_opens=D("2026-02-01"), registration_closes=D("2026-02-27"),
    )
    assert dates_of(march) == [D("2026-03-09"), D("2026-03-16")]
    may = open_class(
        people, course_=course("오월 수업", sessions=2), start=D("2026-05-18"), weekdays=[0],
        registration_opens=D("2026-04-01"), registration_closes=D("2026-05-15"),
    )
    assert dates_of(may) == [D("2026-05-18"), D("2026-06-01")]


def test_it_skips_the_centres_closed_weekday_and_closure_dates(people: People) -> None:
    centre = people.gangnam_center
    centre.closed_weekdays = [1]  # closed on Tuesdays
    centre.save(update_fields=["closed_weekdays"])
    CenterClosure.objects.create(center=centre, date=D("2026-04-16"), reason="소독")
    c = open_class(
        people, course_=course(sessions=3), start=D("2026-04-06"), weekdays=[1, 3],
        registration_opens=D("2026-03-01"), registration_closes=D("2026-04-01"),
    )
    assert dates_of(c) == [D("2026-04-09"), D("2026-04-23"), D("2026-04-30")]


def test_it_meets_twice_a_week(people: People) -> None:
    c = open_class(
        people, course_=course(sessions=5), start=D("2026-04-06"), weekdays=[3, 1],
        registration_opens=D("2026-03-01"), registration_closes=D("2026-04-01"),
    )
    assert dates_of(c) == [
        D("2026-04-07"), D("2026-04-09"), D("2026-04-14"), D("2026-04-16"), D("2026-04-21"),
    ]
    with translation.override("en"):
        assert weekdays_label(c.weekdays) == "every Tu·Th"


def test_it_numbers_exactly_n_sessions_at_the_class_times(people: People) -> None:
    c = open_class(people, course_=course(sessions=8))
    sessions = list(c.sessions.all())
    assert [s.number for s in sessions] == list(range(1, 9))
    assert {(s.starts_at, s.ends_at) for s in sessions} == {(time(14), time(16))}
    assert all(s.date.weekday() == 3 for s in sessions)


def test_it_regenerates_sessions_from_a_new_start(people: People) -> None:
    c = open_class(people, course_=course(sessions=2))
    class_sessions_generate(course_class=c, start_date=D("2026-10-01"), by=people.manager)
    c.refresh_from_db()
    assert dates_of(c) == [D("2026-10-01"), D("2026-10-08")]
    assert (c.first_date, c.last_date) == (D("2026-10-01"), D("2026-10-08"))


def test_it_refuses_new_sessions_once_the_class_runs(people: People) -> None:
    c = open_class(people)
    c.status = ClassStatus.RUNNING
    c.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        class_sessions_generate(course_class=c, start_date=D("2026-10-01"), by=people.manager)
    assert len(dates_of(c)) == 4


def test_it_refuses_a_pattern_that_never_fits(people: People) -> None:
    centre = people.gangnam_center
    centre.closed_weekdays = [3]
    centre.save(update_fields=["closed_weekdays"])
    with pytest.raises(ValidationError, match="회만 잡힙니다"):
        open_class(people, weekdays=[3])


def test_it_knows_the_2026_holidays() -> None:
    days = korean_holidays(2026)
    assert {D("2026-09-24"), D("2026-09-25"), D("2026-09-26")} <= days
    assert {D("2026-03-02"), D("2026-05-25"), D("2026-08-17"), D("2026-10-05")} <= days


def test_it_plans_dates_without_a_database() -> None:
    dates = session_dates(
        start=D("2026-12-21"), weekdays=[4], count=3, closed={D("2027-01-08")},
    )
    # 12-25 성탄절, 01-01 신정 and the closed 01-08 are skipped.
    assert dates == [D("2027-01-15"), D("2027-01-22"), D("2027-01-29")]


def test_it_refuses_a_first_session_in_the_past(people: People) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="in the past"):
        open_class(
            people, start=D("2025-12-30"),
            registration_opens=D("2025-12-01"), registration_closes=D("2025-12-20"),
        )
    c = open_class(people)
    with translation.override("en"), pytest.raises(ValidationError, match="in the past"):
        class_sessions_generate(course_class=c, start_date=D("2025-12-31"), by=people.manager)
    assert dates_of(c)[0] == D("2026-09-17")


def test_it_refuses_a_first_session_years_ahead(people: People) -> None:
    # 9999-12-30 once overflowed the date arithmetic into a server error.
    for start in [D("2028-01-03"), D("9999-12-30")]:
        with translation.override("en"), pytest.raises(ValidationError, match="two years"):
            open_class(people, start=start, registration_closes=D("2027-12-01"))
    assert not CourseClass.objects.exists()


def test_only_a_manager_of_the_centre_regenerates_sessions(people: People) -> None:
    c = open_class(people, course_=course(sessions=2))
    with pytest.raises(ValidationError):
        class_sessions_generate(course_class=c, start_date=D("2026-10-01"), by=people.outsider)
    assert dates_of(c)[0] == D("2026-09-17")
