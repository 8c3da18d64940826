"""Staff learner pages: search by phone or class, the whole record (logged), scope."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import People
from enrollment.testing import apply, recruiting_class
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db

LIST = "/staff/learners/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("typed", ["010 1234 5678", "+82 10-1234-5678", "010-1234-5678"])
def test_it_finds_learners_by_phone_in_any_format(people: People, typed: str) -> None:
    course_class = recruiting_class(people)
    learner = apply(course_class, name="김순희", phone="01012345678").application.learner
    apply(course_class, name="박철수")
    r = client_for(people.manager).post(LIST, {"phone": typed})
    page = r.content.decode()
    assert "김*희" in page and "010-****-5678" in page
    assert "박*수" not in page and "김순희" not in page
    assert AccessLog.objects.get(action="search").subject_id == str(learner.pk)


def test_the_phone_stays_out_of_the_address(people: People) -> None:
    page = client_for(people.manager).get(LIST).content.decode()
    assert '<form method="post"' in page


def test_it_lists_a_classes_learners(people: People) -> None:
    course_class = recruiting_class(people)
    other = recruiting_class(people)
    apply(course_class, name="김순희")
    apply(other, name="박철수")
    page = client_for(people.instructor).get(LIST, {"class": course_class.pk}).content.decode()
    assert "김*희" in page and "박*수" not in page


def test_the_learners_page_shows_the_whole_record_and_logs_it(people: People) -> None:
    course_class = recruiting_class(people)
    learner = apply(course_class, name="김순희", phone="01012345678").application.learner
    r = client_for(people.manager).get(reverse("learners-detail", args=[learner.pk]))
    page = r.content.decode()
    assert "김순희" in page and "010-1234-5678" in page and course_class.course.title in page
    entry = AccessLog.objects.get(action="view")
    assert entry.subject_type == "learners.learner" and entry.subject_id == str(learner.pk)
    assert entry.actor == people.manager


def test_it_shows_only_applications_in_scope_and_counts_the_others(people: People) -> None:
    mine = recruiting_class(people)
    busan = recruiting_class(people, center=people.busan_center)
    learner = apply(mine, phone="01012345678").application.learner
    apply(busan, phone="01012345678")
    page = client_for(people.manager).get(
        reverse("learners-detail", args=[learner.pk])).content.decode()
    assert busan.center.name not in page
    assert "1 more application" in page or "1건" in page


def test_outsider_gets_nothing(people: People) -> None:
    course_class = recruiting_class(people)
    learner = apply(course_class, phone="01012345678").application.learner
    client = client_for(people.outsider)
    page = client.post(LIST, {"phone": "01012345678"}).content.decode()
    assert "010-****-5678" not in page
    assert client.get(LIST, {"class": course_class.pk}).status_code == 404
    assert client.get(reverse("learners-detail", args=[learner.pk])).status_code == 404
    assert client.get(reverse("learners-merge", args=[learner.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_anonymous_users_are_sent_to_login(people: People) -> None:
    r = Client().get(LIST)
    assert r.status_code == 302 and "login" in r["Location"]
