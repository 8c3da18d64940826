"""The class roster: seats and waiting list, contacts, cancel, offers, capacity, export."""

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.testing import People
from enrollment.models import Application, ApplicationStatus
from enrollment.testing import apply, recruiting_class
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def roster_url(course_class: Any) -> str:
    return reverse("enrollment-staff-roster", args=[course_class.pk])


def test_it_shows_seats_and_the_waiting_list_in_order_masked(people: People) -> None:
    course_class = recruiting_class(people, capacity=1)
    apply(course_class, name="김영희", phone="01011112222")
    apply(course_class, name="박철수", phone="01033334444")
    apply(course_class, name="이순자", phone="01055556666")
    r = client_for(people.instructor).get(roster_url(course_class))
    page = r.content.decode()
    assert r.status_code == 200
    assert page.index("김*희") < page.index("박*수") < page.index("이*자")
    assert "김영희" not in page and "01011112222" not in page and "010-****-2222" in page
    assert not AccessLog.objects.exists()


def test_show_contact_reveals_one_learner_and_logs_it(people: People) -> None:
    course_class = recruiting_class(people, capacity=2)
    first = apply(course_class, name="김영희", phone="01011112222").application
    apply(course_class, name="박철수", phone="01033334444")
    url = reverse("enrollment-staff-contact", args=[course_class.pk, first.pk])
    client = client_for(people.manager)
    page = client.post(url).content.decode()
    assert "김영희" in page and "010-1111-2222" in page
    assert "박철수" not in page
    fragment = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "김영희" in fragment and "<html" not in fragment
    entries = AccessLog.objects.filter(action="view", subject_id=str(first.learner_id))
    assert entries.count() == 2 and entries.first().actor == people.manager  # type: ignore[union-attr]


def test_cancelling_promotes_the_first_in_line(people: People) -> None:
    course_class = recruiting_class(people, capacity=1)
    first = apply(course_class).application
    second = apply(course_class).application
    client = client_for(people.manager)
    url = reverse("enrollment-staff-cancel", args=[first.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"reason": "전화로 취소 요청"})
    assert r.status_code == 302 and r["Location"] == roster_url(course_class)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ApplicationStatus.CANCELLED and first.cancel_reason == "전화로 취소 요청"
    assert second.status == ApplicationStatus.CONFIRMED


def test_it_accepts_an_offer_on_the_learners_behalf(people: People) -> None:
    course_class = recruiting_class(people, capacity=1, offer_hours=24)
    first = apply(course_class).application
    second = apply(course_class).application
    client = client_for(people.manager)
    client.post(reverse("enrollment-staff-cancel", args=[first.pk]), {"reason": ""})
    second.refresh_from_db()
    assert second.status == ApplicationStatus.OFFERED
    accept = reverse("enrollment-staff-accept-offer", args=[second.pk])
    assert accept in client.get(roster_url(course_class)).content.decode()
    r = client.post(reverse("enrollment-staff-accept-offer", args=[second.pk]))
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.status == ApplicationStatus.CONFIRMED


def test_raising_the_capacity_promotes_and_lowering_below_taken_is_refused(people: People) -> None:
    course_class = recruiting_class(people, capacity=2)
    for _ in range(3):
        apply(course_class)
    client = client_for(people.manager)
    url = reverse("enrollment-staff-capacity", args=[course_class.pk])
    r = client.post(url, {"capacity": "3"})
    assert r.status_code == 302
    course_class.refresh_from_db()
    assert course_class.capacity == 3 and course_class.seats_taken == 3
    assert not Application.objects.filter(status=ApplicationStatus.WAITLISTED).exists()
    r = client.post(url, {"capacity": "1"})
    assert r.status_code == 400
    assert "3" in r.content.decode()
    course_class.refresh_from_db()
    assert course_class.capacity == 3


def test_the_export_has_full_contacts_and_is_logged(people: People) -> None:
    course_class = recruiting_class(people, capacity=1)
    apply(course_class, name="김영희", phone="01011112222")
    waiting = apply(course_class, name="박철수", phone="01033334444").application
    r = client_for(people.manager).get(
        reverse("enrollment-staff-roster-export", args=[course_class.pk]),
    )
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [row[1] for row in rows] == ["김영희", "박철수"]
    assert rows[1][2] == "010-3333-4444"
    logged = AccessLog.objects.filter(action="export")
    assert logged.count() == 2
    assert str(waiting.learner_id) in set(logged.values_list("subject_id", flat=True))


def test_instructors_read_but_change_nothing(people: People) -> None:
    course_class = recruiting_class(people, capacity=1)
    application = apply(course_class).application
    client = client_for(people.instructor)
    page = client.get(roster_url(course_class)).content.decode()
    assert reverse("enrollment-staff-cancel", args=[application.pk]) not in page
    assert client.post(reverse("enrollment-staff-cancel", args=[application.pk]),
                       {"reason": "x"}).status_code == 403
    assert client.post(reverse("enrollment-staff-capacity", args=[course_class.pk]),
                       {"capacity": "9"}).status_code == 403
    application.refresh_from_db()
    course_class.refresh_from_db()
    assert application.status == ApplicationStatus.CONFIRMED and course_class.capacity == 1


def test_regional_officers_manage_classes_in_their_region(people: People) -> None:
    course_class = recruiting_class(people, capacity=1)
    application = apply(course_class).application
    r = client_for(people.gangnam_officer).post(
        reverse("enrollment-staff-cancel", args=[application.pk]), {"reason": ""},
    )
    assert r.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CANCELLED


def test_outsider_gets_nothing(people: People) -> None:
    course_class = recruiting_class(people, capacity=1)
    application = apply(course_class).application
    client = client_for(people.outsider)
    for url in [
        roster_url(course_class),
        reverse("enrollment-staff-roster-export", args=[course_class.pk]),
        reverse("enrollment-staff-cancel", args=[application.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (reverse("enrollment-staff-contact", args=[course_class.pk, application.pk]), {}),
        (reverse("enrollment-staff-cancel", args=[application.pk]), {"reason": "x"}),
        (reverse("enrollment-staff-accept-offer", args=[application.pk]), {}),
        (reverse("enrollment-staff-capacity", args=[course_class.pk]), {"capacity": "9"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CONFIRMED
    assert not AccessLog.objects.exists()


def test_the_roster_reads_in_a_fixed_number_of_queries(
    people: People, django_assert_max_num_queries: Any,
) -> None:
    course_class = recruiting_class(people, capacity=10)
    for _ in range(25):
        apply(course_class)
    client = client_for(people.manager)
    client.get(roster_url(course_class))  # warm the session
    with django_assert_max_num_queries(6):
        r = client.get(roster_url(course_class))
    assert r.status_code == 200
    contact = f'action="/staff/enrollment/classes/{course_class.pk}/contact/'
    assert r.content.decode().count(contact) == 25
