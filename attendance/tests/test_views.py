import pytest
from django.core.cache import cache

from attendance.models import AttendanceMark, Certificate
from attendance.services import attendance_mark_all, certificate_revoke, certificates_issue
from attendance.testing import finish, running_class
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db


def session_url(session, suffix=""):
    return f"/staff/attendance/sessions/{session.pk}/{suffix}"


def test_the_class_day_screen_lists_the_roster_and_logs_the_view(client, people):
    course_class, applications = running_class(people)
    session = course_class.sessions.first()
    client.force_login(people.instructor)
    response = client.get(session_url(session))
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("김영희", "이철수", "박순자"):
        assert name in body
    assert body.count('aria-pressed="false"') == 3
    logged = set(AccessLog.objects.values_list("subject_id", flat=True))
    assert logged == {str(a.learner_id) for a in applications}


@pytest.mark.parametrize("who", ["outsider", "other_instructor"])
def test_outsiders_get_nothing_of_the_class_day_screen(client, people, who):
    course_class, (first, *_) = running_class(people)
    session = course_class.sessions.first()
    if who == "other_instructor":
        course_class.instructor = None
        course_class.save(update_fields=["instructor"])
        who = "instructor"
    client.force_login(getattr(people, who))
    urls = [session_url(session), f"/staff/attendance/classes/{course_class.pk}/",
            session_url(session, "paper/")]
    for url in urls:
        assert client.get(url).status_code == 404
    data = {"application": first.pk, "presence": "present"}
    assert client.post(session_url(session, "mark/"), data).status_code == 404
    assert client.post(session_url(session, "all/")).status_code == 404
    assert client.post(session_url(session, "paper/"), {"present": first.pk}).status_code == 404
    issue = f"/staff/attendance/classes/{course_class.pk}/certificates/"
    assert client.post(issue).status_code == 404
    assert not AttendanceMark.objects.exists()
    assert not AccessLog.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, people):
    course_class, _ = running_class(people)
    response = client.get(session_url(course_class.sessions.first()))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_a_tap_with_htmx_answers_the_row_and_the_counts(client, people):
    course_class, (first, *_) = running_class(people)
    session = course_class.sessions.first()
    client.force_login(people.instructor)
    response = client.post(
        session_url(session, "mark/"), {"application": first.pk, "presence": "present"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="row-{first.pk}"' in body and 'aria-pressed="true"' in body
    assert 'name="presence" value="absent"' in body  # the next tap marks absent
    assert 'hx-swap-oob="true"' in body
    mark = AttendanceMark.objects.get()
    assert (mark.presence, mark.source, mark.marked_by) == ("present", "tablet", people.instructor)


def test_a_tap_without_javascript_redirects_back_to_the_row(client, people):
    course_class, (first, *_) = running_class(people)
    session = course_class.sessions.first()
    client.force_login(people.manager)
    response = client.post(
        session_url(session, "mark/"), {"application": first.pk, "presence": "absent"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"{session_url(session)}#row-{first.pk}")
    assert AttendanceMark.objects.get().presence == "absent"


def test_a_refused_tap_shows_the_reason_in_the_row(client, people):
    course_class, (first, *_) = running_class(people, past=False)
    session = course_class.sessions.last()  # in the future
    client.force_login(people.instructor)
    response = client.post(
        session_url(session, "mark/"), {"application": first.pk, "presence": "present"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_mark_all_marks_everyone_present(client, people):
    course_class, _ = running_class(people)
    session = course_class.sessions.first()
    client.force_login(people.instructor)
    response = client.post(session_url(session, "all/"))
    assert response.status_code == 302
    assert AttendanceMark.objects.filter(presence="present").count() == 3


def test_the_paper_form_records_marks_from_the_sheet(client, people):
    course_class, (first, second, third) = running_class(people)
    session = course_class.sessions.first()
    client.force_login(people.manager)
    assert client.get(session_url(session, "paper/")).status_code == 200
    response = client.post(session_url(session, "paper/"), {"present": [first.pk, third.pk]})
    assert response.status_code == 302
    marks = dict(AttendanceMark.objects.values_list("application_id", "presence"))
    assert marks == {first.pk: "present", second.pk: "absent", third.pk: "present"}
    assert set(AttendanceMark.objects.values_list("source", flat=True)) == {"paper"}


def test_the_class_page_shows_the_grid_and_completion(client, people):
    course_class, (_first, *_) = running_class(people)
    for session in course_class.sessions.all():
        attendance_mark_all(session=session, by=people.instructor)
    client.force_login(people.instructor)
    response = client.get(f"/staff/attendance/classes/{course_class.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "김영희" in body and "4/4" in body
    # The instructor sees no issue button; the class is not finished anyway.
    assert f"/staff/attendance/classes/{course_class.pk}/certificates/" not in body


def test_a_manager_issues_certificates_once_the_class_has_finished(client, people):
    course_class, _ = running_class(people)
    for session in course_class.sessions.all():
        attendance_mark_all(session=session, by=people.instructor)
    finish(course_class)
    client.force_login(people.manager)
    page = client.get(f"/staff/attendance/classes/{course_class.pk}/").content.decode()
    issue_url = f"/staff/attendance/classes/{course_class.pk}/certificates/"
    assert issue_url in page
    assert client.post(issue_url).status_code == 302
    assert Certificate.objects.count() == 3
    page = client.get(f"/staff/attendance/classes/{course_class.pk}/").content.decode()
    assert "certificates.pdf" in page


def test_an_instructor_cannot_issue_certificates(client, people):
    course_class, _ = running_class(people)
    for session in course_class.sessions.all():
        attendance_mark_all(session=session, by=people.instructor)
    finish(course_class)
    client.force_login(people.instructor)
    client.post(f"/staff/attendance/classes/{course_class.pk}/certificates/")
    assert not Certificate.objects.exists()


def issued_certificate(people):
    course_class, _ = running_class(people, learners=1)
    for session in course_class.sessions.all():
        attendance_mark_all(session=session, by=people.instructor)
    finish(course_class)
    (certificate,) = certificates_issue(course_class=course_class, by=people.manager)
    return certificate


def test_the_public_check_confirms_without_personal_data(client, people):
    cache.clear()
    certificate = issued_certificate(people)
    learner = certificate.application.learner
    response = client.get(f"/certificates/check/{certificate.verification_code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "스마트폰 첫걸음" in body and people.gangnam_center.name in body
    assert certificate.number in body
    assert 'check-valid' in body
    assert learner.name not in body and learner.name[0] + "*" not in body
    assert str(learner.birth_year) not in body
    assert learner.phone[-4:] not in body


def test_the_public_check_says_when_a_certificate_was_revoked(client, people):
    cache.clear()
    certificate = issued_certificate(people)
    certificate_revoke(certificate=certificate, by=people.manager)
    response = client.get(f"/certificates/check/{certificate.verification_code}/")
    assert response.status_code == 200
    assert "check-valid" not in response.content.decode()


def test_the_check_form_accepts_a_typed_code(client, people):
    cache.clear()
    certificate = issued_certificate(people)
    code = certificate.verification_code
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "
    response = client.get("/certificates/check/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/check/{code}/"
    assert client.get("/certificates/check/").status_code == 200


def test_an_unknown_code_is_not_found(client, db):
    cache.clear()
    response = client.get("/certificates/check/AAAABBBBCCCC/")
    assert response.status_code == 404
    assert 'role="alert"' in response.content.decode()


def test_the_public_check_is_rate_limited_per_address(client, db, settings):
    cache.clear()
    from attendance import views

    for _ in range(views.CHECK_LIMIT):
        assert client.get("/certificates/check/AAAABBBBCCCC/").status_code == 404
    response = client.get("/certificates/check/AAAABBBBCCCC/")
    assert response.status_code == 429
    assert response["Retry-After"]
    other = client.get("/certificates/check/AAAABBBBCCCC/", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 404


def test_the_class_page_links_to_attendance_for_the_classs_staff(client, people):
    course_class, _ = running_class(people)
    link = f"/staff/attendance/classes/{course_class.pk}/"
    client.force_login(people.instructor)
    assert link in client.get(f"/staff/classes/{course_class.pk}/").content.decode()
    course_class.instructor = None
    course_class.save(update_fields=["instructor"])
    assert link not in client.get(f"/staff/classes/{course_class.pk}/").content.decode()


@pytest.mark.parametrize("who", ["outsider", "instructor"])
def test_only_managers_revoke_a_certificate(client, people, who):
    certificate = issued_certificate(people)
    client.force_login(getattr(people, who))
    response = client.post(
        f"/staff/attendance/certificates/{certificate.pk}/revoke/", {"reason": "잘못 발급"},
    )
    assert response.status_code in (302, 404)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_a_manager_revokes_a_certificate_from_the_class_page(client, people):
    certificate = issued_certificate(people)
    course_class = certificate.application.course_class
    client.force_login(people.manager)
    page = client.get(f"/staff/attendance/classes/{course_class.pk}/").content.decode()
    url = f"/staff/attendance/certificates/{certificate.pk}/revoke/"
    assert url in page
    assert client.post(url, {"reason": "잘못 발급"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    page = client.get(f"/staff/attendance/classes/{course_class.pk}/").content.decode()
    assert url not in page and "certificates.pdf" not in page


@pytest.mark.parametrize("application", ["abc", "", "99999999999999999999", "-1"])
def test_a_malformed_tap_is_a_404(client, people, application):
    course_class, _ = running_class(people)
    client.force_login(people.instructor)
    response = client.post(
        session_url(course_class.sessions.first(), "mark/"),
        {"application": application, "presence": "present"},
    )
    assert response.status_code == 404
