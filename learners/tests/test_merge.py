"""Merging duplicate learners: applications and consents move, history stays."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.testing import People
from audit.models import AuditEntry
from enrollment.models import Application
from enrollment.services import application_cancel
from enrollment.testing import apply, recruiting_class
from learners.models import Consent, Learner
from learners.services import learner_merge
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def two_records(people: People) -> tuple[Learner, Learner, Any, Any]:
    """One person entered twice with the name typed differently."""
    first_class = recruiting_class(people)
    second_class = recruiting_class(people)
    keep = apply(first_class, name="김순희", phone="01012345678").application.learner
    duplicate = apply(second_class, name="김 순희", phone="01012345678",
                      target_groups=["low_income"]).application.learner
    return keep, duplicate, first_class, second_class


def test_it_moves_applications_and_consents_and_keeps_history(people: People) -> None:
    keep, duplicate, _first, second_class = two_records(people)
    moved = list(duplicate.applications.values_list("pk", flat=True))
    learner_merge(keep=keep, duplicate=duplicate, by=people.manager)
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert duplicate.merged_into == keep and duplicate.merged_at is not None
    assert set(Application.objects.filter(learner=keep).values_list("course_class", flat=True)) \
        >= {second_class.pk}
    assert Consent.objects.filter(learner=keep).count() == 2
    assert not Consent.objects.filter(learner=duplicate).exists()
    assert keep.target_groups == ["seniors", "low_income"]
    # The duplicate's row and its audit trail stay.
    assert Learner.objects.filter(pk=duplicate.pk).exists()
    entry = AuditEntry.objects.get(action="learner.merge")
    assert entry.actor == people.manager and entry.data["applications"] == moved
    assert AuditEntry.objects.filter(action="learner.merged_into",
                                     target_id=str(duplicate.pk)).exists()


def test_it_refuses_when_both_have_an_active_application_to_one_class(people: People) -> None:
    keep, duplicate, first_class, _second = two_records(people)
    both = apply(first_class, name="김 순희", phone="01012345678").application
    with pytest.raises(ValidationError, match=first_class.course.title):
        learner_merge(keep=keep, duplicate=duplicate, by=people.manager)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert both.learner_id == duplicate.pk
    # After cancelling one of them on the roster, the merge goes through.
    application_cancel(application=both, by=people.manager)
    learner_merge(keep=keep, duplicate=duplicate, by=people.manager)
    assert Application.objects.filter(learner=keep).count() == 3


def test_it_refuses_merging_a_record_twice_or_into_itself(people: People) -> None:
    keep, duplicate, _first, _second = two_records(people)
    with pytest.raises(ValidationError):
        learner_merge(keep=keep, duplicate=keep, by=people.manager)
    learner_merge(keep=keep, duplicate=duplicate, by=people.manager)
    with pytest.raises(ValidationError):
        learner_merge(keep=keep, duplicate=duplicate, by=people.manager)


def test_it_refuses_learners_outside_the_users_scope(people: People) -> None:
    keep, duplicate, _first, _second = two_records(people)
    with pytest.raises(ValidationError):
        learner_merge(keep=keep, duplicate=duplicate, by=people.outsider)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_the_merge_screen_compares_side_by_side_then_merges(people: People) -> None:
    keep, duplicate, _first, _second = two_records(people)
    client = client_for(people.manager)
    url = reverse("learners-merge", args=[keep.pk])
    page = client.get(url).content.decode()
    assert f"?duplicate={duplicate.pk}" in page  # offered: same phone
    page = client.get(url, {"duplicate": duplicate.pk}).content.decode()
    assert "김순희" in page and "김 순희" in page
    assert AccessLog.objects.filter(action="view").count() == 2
    r = client.post(url, {"duplicate": duplicate.pk})
    assert r.status_code == 302 and r["Location"] == reverse("learners-detail", args=[keep.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk


def test_the_merge_screen_explains_a_refusal(people: People) -> None:
    keep, duplicate, first_class, _second = two_records(people)
    apply(first_class, name="김 순희", phone="01012345678")
    r = client_for(people.manager).post(
        reverse("learners-merge", args=[keep.pk]), {"duplicate": duplicate.pk},
    )
    assert r.status_code == 200 and first_class.course.title in r.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_instructors_cannot_merge(people: People) -> None:
    keep, duplicate, _first, _second = two_records(people)
    client = client_for(people.instructor)
    url = reverse("learners-merge", args=[keep.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"duplicate": duplicate.pk}).status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_a_merged_record_stays_readable_with_a_pointer_to_the_kept_one(people: People) -> None:
    keep, duplicate, _first, _second = two_records(people)
    learner_merge(keep=keep, duplicate=duplicate, by=people.manager)
    client = client_for(people.manager)
    page = client.get(reverse("learners-detail", args=[duplicate.pk])).content.decode()
    assert reverse("learners-detail", args=[keep.pk]) in page and "김 순희" in page
    page = client.get(reverse("learners-detail", args=[keep.pk])).content.decode()
    assert reverse("learners-detail", args=[duplicate.pk]) in page
    assert client_for(people.outsider).get(
        reverse("learners-detail", args=[duplicate.pk])).status_code == 404
