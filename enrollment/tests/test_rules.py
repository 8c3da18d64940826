import pytest
from django.core.exceptions import ValidationError

from enrollment.models import Application, ApplicationStatus
from enrollment.services import (
    DuplicateApplication,
    application_cancel,
    class_capacity_set,
    waitlist_position,
)
from enrollment.testing import apply, recruiting_class
from notifications.models import MessageKind, OutboxMessage

pytestmark = pytest.mark.django_db


def test_it_confirms_until_full_then_waitlists(people):
    course_class = recruiting_class(people, capacity=2)
    results = [apply(course_class) for _ in range(4)]
    assert [r.application.status for r in results] == [
        "confirmed", "confirmed", "waitlisted", "waitlisted",
    ]
    assert [r.waitlist_position for r in results] == [None, None, 1, 2]
    course_class.refresh_from_db()
    assert course_class.seats_taken == 2


def test_a_cancellation_promotes_the_first_in_line(people):
    course_class = recruiting_class(people, capacity=1)
    first = apply(course_class).application
    second = apply(course_class).application
    third = apply(course_class).application
    application_cancel(application=first, by=people.manager)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == ApplicationStatus.CONFIRMED
    assert waitlist_position(third) == 1
    assert OutboxMessage.objects.filter(application=second, kind=MessageKind.PROMOTED).exists()


def test_the_same_person_cannot_apply_twice(people):
    course_class = recruiting_class(people)
    applied = apply(course_class, phone="01055556666")
    with pytest.raises(DuplicateApplication) as raised:
        apply(course_class, phone="010-5555-6666")
    assert raised.value.application == applied.application
    assert Application.objects.count() == 1


def test_capacity_cannot_go_below_seats_taken(people):
    course_class = recruiting_class(people, capacity=2)
    apply(course_class)
    apply(course_class)
    waiting = apply(course_class).application
    with pytest.raises(ValidationError):
        class_capacity_set(course_class=course_class, capacity=1, by=people.manager)
    assert class_capacity_set(course_class=course_class, capacity=3, by=people.manager) == 1
    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.CONFIRMED


def test_the_expire_command_passes_a_lapsed_offer_to_the_next_in_line(people):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    course_class = recruiting_class(people, capacity=1, offer_hours=24)
    first = apply(course_class).application
    second = apply(course_class).application
    third = apply(course_class).application
    application_cancel(application=first, by=people.manager)
    second.refresh_from_db()
    assert second.status == ApplicationStatus.OFFERED
    Application.objects.filter(pk=second.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    call_command("enrollment_expire_offers")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == ApplicationStatus.CANCELLED
    assert third.status == ApplicationStatus.OFFERED
    course_class.refresh_from_db()
    assert course_class.seats_taken == 1


def test_the_prune_command_keeps_recent_idempotency_answers(people):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from enrollment.models import IdempotencyRecord

    def record(key: str, age_days: int) -> None:
        IdempotencyRecord.objects.create(
            owner="public", key=key, fingerprint="f" * 64, status_code=201, body={},
            created_at=timezone.now() - timedelta(days=age_days),
        )

    record("old", 8)
    record("recent", 6)
    call_command("idempotency_prune")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
