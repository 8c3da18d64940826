import pytest

from attendance.selectors import class_grid, roster
from attendance.services import attendance_mark_all
from attendance.testing import running_class

pytestmark = pytest.mark.django_db


def test_the_roster_takes_two_queries_whatever_its_size(people, django_assert_num_queries):
    course_class, _ = running_class(people, learners=8)
    session = course_class.sessions.first()
    attendance_mark_all(session=session, by=people.instructor)
    with django_assert_num_queries(2):
        rows = roster(session)
        names = [row.application.learner.name for row in rows]
    assert len(names) == 8 and all(row.presence == "present" for row in rows)


def test_the_grid_takes_a_fixed_number_of_queries(people, django_assert_num_queries):
    course_class, _ = running_class(people, learners=6, sessions=5, title="키오스크 주문")
    for session in course_class.sessions.all()[:3]:
        attendance_mark_all(session=session, by=people.instructor)
    course_class.course  # loaded, as class_get loads it  # noqa: B018
    with django_assert_num_queries(5):
        sessions, rows = class_grid(course_class)
        names = [row.application.learner.name for row in rows]
    assert len(sessions) == 5 and len(names) == 6
    assert rows[0].cells == ["present"] * 3 + ["", ""]
    assert rows[0].completion.attended == 3 and not rows[0].completion.completed
