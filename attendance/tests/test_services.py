from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.services import role_grant_create
from accounts.testing import _user
from attendance.models import AttendanceMark, Certificate, MarkSource, Presence
from attendance.services import (
    attendance_mark,
    attendance_mark_all,
    attendance_paper_enter,
    certificate_revoke,
    certificates_issue,
    completion_compute,
    completion_rule,
    completions_for_class,
    may_take_attendance,
)
from attendance.testing import finish, running_class
from audit.models import AuditEntry
from classes.models import ClassSession
from enrollment.services import application_cancel
from notifications.models import MessageKind, OutboxMessage

pytestmark = pytest.mark.django_db


@contextmanager
def refused(code: str) -> Iterator[None]:
    """The service refuses with a ValidationError of this code (its message is Korean)."""
    with pytest.raises(ValidationError) as raised:
        yield
    assert [error.code for error in raised.value.error_list] == [code]


def mark(session, application, by, presence=Presence.PRESENT, source=MarkSource.TABLET):
    return attendance_mark(
        session=session, application=application, presence=presence, source=source, by=by,
    )


def test_it_marks_a_confirmed_learner_present(people):
    course_class, (first, *_) = running_class(people)
    session = course_class.sessions.first()
    result = mark(session, first, people.instructor)
    assert (result.presence, result.source, result.marked_by) == (
        "present", "tablet", people.instructor,
    )
    entry = AuditEntry.objects.get(action="attendance.mark")
    assert entry.data["from"] is None and entry.data["to"] == "present"


def test_it_keeps_the_earlier_value_of_a_correction_in_the_audit_log(people):
    course_class, (first, *_) = running_class(people)
    session = course_class.sessions.first()
    mark(session, first, people.instructor)
    mark(session, first, people.manager, Presence.ABSENT)
    stored = AttendanceMark.objects.get()
    assert (stored.presence, stored.marked_by) == ("absent", people.manager)
    changes = [
        (e.data["from"], e.data["to"])
        for e in AuditEntry.objects.filter(action="attendance.mark").order_by("id")
    ]
    assert changes == [(None, "present"), ("present", "absent")]


def test_it_writes_nothing_for_a_repeated_tap(people):
    course_class, (first, *_) = running_class(people)
    session = course_class.sessions.first()
    mark(session, first, people.instructor)
    mark(session, first, people.instructor)
    assert AuditEntry.objects.filter(action="attendance.mark").count() == 1


@pytest.mark.parametrize("who", ["outsider", "seoul_officer_of_busan", "other_instructor"])
def test_it_refuses_staff_who_are_not_the_classs(people, who):
    course_class, (first, *_) = running_class(people)
    if who == "outsider":
        user = people.outsider
    elif who == "other_instructor":
        # An instructor at the same centre, but not of this class.
        user = _user("other-instructor", "다른강사")
        role_grant_create(user=user, role=Role.INSTRUCTOR, center=people.gangnam_center)
    else:
        user = _user("busan-instructor", "부산강사")
        role_grant_create(user=user, role=Role.INSTRUCTOR, center=people.busan_center)
    with pytest.raises(ValidationError):
        mark(course_class.sessions.first(), first, user)
    assert not AttendanceMark.objects.exists()


def test_it_lets_the_classs_staff_and_overseers_mark(people):
    course_class, _ = running_class(people)
    supporter = _user("supporter", "서포터")
    role_grant_create(user=supporter, role=Role.SUPPORTER, center=people.gangnam_center)
    course_class.supporters.add(supporter)
    allowed = {
        name: may_take_attendance(getattr(people, name), course_class)
        for name in ("national", "seoul_officer", "gangnam_officer", "manager", "instructor",
                     "outsider")
    }
    assert allowed == {
        "national": True, "seoul_officer": True, "gangnam_officer": True, "manager": True,
        "instructor": True, "outsider": False,
    }
    assert may_take_attendance(supporter, course_class)
    assert not may_take_attendance(None, course_class)


def test_it_refuses_a_learner_who_is_not_confirmed(people):
    course_class, (first, *_) = running_class(people)
    application_cancel(application=first, by=people.manager)
    first.refresh_from_db()
    with refused("not_confirmed"):
        mark(course_class.sessions.first(), first, people.instructor)


def test_it_refuses_a_learner_of_another_class(people):
    course_class, _ = running_class(people)
    _other_class, (stranger, *_) = running_class(people, title="카카오톡 배우기")
    with pytest.raises(ValidationError):
        mark(course_class.sessions.first(), stranger, people.instructor)


def test_it_refuses_a_session_after_today(people):
    course_class, (first, *_) = running_class(people)
    session = course_class.sessions.last()
    ClassSession.objects.filter(pk=session.pk).update(
        date=timezone.localdate() + timedelta(days=1),
    )
    session.refresh_from_db()
    with refused("future_session"):
        mark(session, first, people.instructor)
    ClassSession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    session.refresh_from_db()
    assert mark(session, first, people.instructor).presence == "present"


def test_it_refuses_a_class_that_has_not_started(people):
    course_class, (first, *_) = running_class(people)
    course_class.status = "recruiting"
    course_class.save(update_fields=["status"])
    with refused("not_running"):
        mark(course_class.sessions.first(), first, people.instructor)


def test_it_refuses_an_unknown_presence(people):
    course_class, (first, *_) = running_class(people)
    with pytest.raises(ValidationError):
        mark(course_class.sessions.first(), first, people.instructor, presence="maybe")


def test_mark_all_marks_only_the_unmarked_present(people):
    course_class, (first, second, third) = running_class(people)
    session = course_class.sessions.first()
    mark(session, first, people.instructor, Presence.ABSENT)
    assert attendance_mark_all(session=session, by=people.instructor) == 2
    presences = dict(AttendanceMark.objects.values_list("application_id", "presence"))
    assert presences == {first.pk: "absent", second.pk: "present", third.pk: "present"}
    assert attendance_mark_all(session=session, by=people.instructor) == 0


def test_mark_all_refuses_an_outsider(people):
    course_class, _ = running_class(people)
    with pytest.raises(ValidationError):
        attendance_mark_all(session=course_class.sessions.first(), by=people.outsider)
    assert not AttendanceMark.objects.exists()


def test_it_enters_a_paper_sheet(people):
    course_class, (first, second, third) = running_class(people)
    session = course_class.sessions.first()
    mark(session, third, people.instructor)
    attendance_paper_enter(session=session, present={first.pk}, by=people.manager)
    marks = {m.application_id: (m.presence, m.source) for m in AttendanceMark.objects.all()}
    assert marks == {
        first.pk: ("present", "paper"), second.pk: ("absent", "paper"),
        third.pk: ("absent", "paper"),
    }


def test_a_paper_sheet_refuses_a_stranger(people):
    course_class, _ = running_class(people)
    _, (stranger, *_) = running_class(people, title="카카오톡 배우기")
    with pytest.raises(ValidationError):
        attendance_paper_enter(
            session=course_class.sessions.first(), present={stranger.pk}, by=people.manager,
        )
    assert not AttendanceMark.objects.exists()


@pytest.mark.parametrize(("total", "percent", "required"), [
    (4, 80, 4), (10, 80, 8), (5, 80, 4), (6, 80, 5), (3, 100, 3), (7, 50, 4), (1, 1, 1),
])
def test_the_completion_rule_rounds_up(total, percent, required):
    assert completion_rule(attended=required, total=total, percent=percent).completed
    below = completion_rule(attended=required - 1, total=total, percent=percent)
    assert below.required == required and not below.completed


def test_no_sessions_means_not_completed():
    assert not completion_rule(attended=0, total=0, percent=80).completed


def test_it_computes_completion_from_present_and_late(people):
    course_class, (first, second, _) = running_class(people, sessions=10, title="인터넷 뱅킹")
    sessions = list(course_class.sessions.all())
    for session in sessions[:7]:
        mark(session, first, people.instructor)
        mark(session, second, people.instructor)
    mark(sessions[7], first, people.instructor, Presence.LATE)
    mark(sessions[7], second, people.instructor, Presence.ABSENT)
    assert completion_compute(first) == completion_rule(attended=8, total=10, percent=80)
    assert completion_compute(first).completed
    assert not completion_compute(second).completed
    by_class = completions_for_class(course_class)
    assert by_class[first.pk] == completion_compute(first)
    assert by_class[second.pk] == completion_compute(second)


def attend_all(course_class, applications, by):
    for session in course_class.sessions.all():
        for application in applications:
            mark(session, application, by)


def test_it_issues_numbered_certificates_to_those_who_completed(people):
    course_class, (first, second, _third) = running_class(people)
    attend_all(course_class, [first, second], people.instructor)
    finish(course_class)
    issued = certificates_issue(course_class=course_class, by=people.manager)
    year = timezone.localdate().year
    assert [c.number for c in issued] == [f"{year}-000001", f"{year}-000002"]
    assert {c.application_id for c in issued} == {first.pk, second.pk}
    assert issued[0].verification_code != issued[1].verification_code
    assert (issued[0].attended_sessions, issued[0].total_sessions) == (4, 4)
    messages = OutboxMessage.objects.filter(kind=MessageKind.COMPLETED)
    assert {m.application_id for m in messages} == {first.pk, second.pk}
    assert "스마트폰 첫걸음" in messages[0].body
    # Again: nothing new, and the numbers continue with the next class.
    assert certificates_issue(course_class=course_class, by=people.manager) == []
    other, learners = running_class(people, title="키오스크 주문", learners=1)
    attend_all(other, learners, people.instructor)
    finish(other)
    assert [c.number for c in certificates_issue(course_class=other, by=people.manager)] == [
        f"{year}-000003",
    ]


def test_it_issues_certificates_only_for_a_finished_class(people):
    course_class, learners = running_class(people)
    attend_all(course_class, learners, people.instructor)
    with refused("not_finished"):
        certificates_issue(course_class=course_class, by=people.manager)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("who", ["instructor", "outsider", "gangnam_officer"])
def test_only_managers_issue_certificates(people, who):
    course_class, learners = running_class(people)
    attend_all(course_class, learners, people.instructor)
    finish(course_class)
    with pytest.raises(ValidationError):
        certificates_issue(course_class=course_class, by=getattr(people, who))
    assert not Certificate.objects.exists()
    assert not OutboxMessage.objects.filter(kind=MessageKind.COMPLETED).exists()


def test_it_revokes_a_certificate_once(people):
    course_class, learners = running_class(people, learners=1)
    attend_all(course_class, learners, people.instructor)
    finish(course_class)
    (certificate,) = certificates_issue(course_class=course_class, by=people.manager)
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, by=people.outsider)
    certificate_revoke(certificate=certificate, by=people.manager, reason="잘못 발급")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, by=people.manager)
    assert AuditEntry.objects.filter(action="certificate.revoke").count() == 1


def test_a_failing_message_leaves_no_certificate_behind(people, monkeypatch):
    course_class, learners = running_class(people)
    attend_all(course_class, learners, people.instructor)
    finish(course_class)

    def broken(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("attendance.services.notification_enqueue", broken)
    with pytest.raises(RuntimeError):
        certificates_issue(course_class=course_class, by=people.manager)
    assert not Certificate.objects.exists()
    assert not AuditEntry.objects.filter(action="certificate.issue").exists()
