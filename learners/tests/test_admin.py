"""Learners, consents, applications, idempotency keys in the admin: masked, scoped, read-only."""

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.testing import People
from enrollment.models import IdempotencyRecord
from enrollment.testing import apply, recruiting_class
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db

URL = "/admin/learners/learner/"


def admin_client(user: Any, *codenames: str) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


def test_the_list_is_masked_and_found_by_phone_through_the_blind_index(people: People) -> None:
    course_class = recruiting_class(people)
    learner = apply(course_class, name="김순희", phone="01012345678").application.learner
    apply(course_class, name="박철수", phone="01099998888")
    client = admin_client(people.manager, "view_learner")
    page = client.get(URL).content.decode()
    assert "김*희" in page and "010-****-5678" in page
    assert "김순희" not in page and "01012345678" not in page and "010-1234-5678" not in page
    page = client.get(URL, {"q": "+82 10-1234-5678"}).content.decode()
    assert "김*희" in page and "박*수" not in page
    assert AccessLog.objects.get(action="search").subject_id == str(learner.pk)


def test_opening_a_learner_shows_the_whole_record_and_logs_it(people: People) -> None:
    course_class = recruiting_class(people)
    learner = apply(course_class, name="김순희", phone="01012345678").application.learner
    client = admin_client(people.manager, "view_learner")
    page = client.get(f"{URL}{learner.pk}/change/").content.decode()
    assert "김순희" in page and "010-1234-5678" in page
    assert AccessLog.objects.get(action="view").subject_id == str(learner.pk)
    assert client.post(f"{URL}{learner.pk}/change/", {"birth_year": 1990}).status_code == 403


def test_outsider_gets_nothing(people: People) -> None:
    course_class = recruiting_class(people)
    application = apply(course_class, name="김순희").application
    client = admin_client(people.outsider, "view_learner", "view_consent", "view_application")
    assert "김*희" not in client.get(URL).content.decode()
    assert client.get(f"{URL}{application.learner_id}/change/").status_code == 302
    assert client.get("/admin/learners/consent/").content.decode().count("field-kind") == 0
    page = client.get("/admin/enrollment/application/").content.decode()
    assert f"/admin/enrollment/application/{application.pk}/change/" not in page
    assert not AccessLog.objects.exists()


def test_applications_are_listed_by_status_and_never_changed_here(people: People) -> None:
    course_class = recruiting_class(people, capacity=1)
    first = apply(course_class).application
    apply(course_class)
    client = admin_client(people.manager, "view_application", "change_application")
    page = client.get("/admin/enrollment/application/", {"status__exact": "waitlisted"})
    assert f"/admin/enrollment/application/{first.pk}/change/" not in page.content.decode()
    r = client.post(f"/admin/enrollment/application/{first.pk}/change/", {"status": "cancelled"})
    assert r.status_code == 403
    first.refresh_from_db()
    assert first.status == "confirmed"


def test_idempotency_keys_are_for_national_administrators(people: People) -> None:
    IdempotencyRecord.objects.create(owner="public", key="retry-key-7", fingerprint="f",
                                     status_code=201, body={})
    url = "/admin/enrollment/idempotencyrecord/"
    assert "retry-key-7" not in admin_client(people.manager, "view_idempotencyrecord").get(url)\
        .content.decode()
    assert "retry-key-7" in admin_client(people.national, "view_idempotencyrecord").get(url)\
        .content.decode()
