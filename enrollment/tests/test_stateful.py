"""A hypothesis state machine over the enrollment rules.

Random sequences of apply / cancel / raise and lower capacity / promote /
accept and expire offers run against the real services, and after every
step the database must agree with a small model of what should have happened
(who holds a seat, who waits in which order) and keep the invariants:
seats_taken = confirmed + offered ≤ capacity, one active application per
person and class, nobody waits while a seat is free, and the waiting list is
ordered by (-priority, id) with positions 1..n.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.testing import People
from classes.models import CourseClass
from enrollment.models import ACTIVE_STATUSES, Application, ApplicationStatus
from enrollment.services import (
    DuplicateApplication,
    application_cancel,
    class_capacity_set,
    offer_accept,
    offers_expire,
    waitlist,
    waitlist_fill,
    waitlist_position,
)
from enrollment.testing import apply, recruiting_class

pytestmark = pytest.mark.django_db

# A small crowd, so that the same person often applies again.
PERSONS = [(f"01070000{i:03d}", name) for i, name in enumerate(
    ["김영희", "이철수", "박순자", "Nguyễn Thị Lan", "최 민 호", "O'Brien"],
)]

CONFIRMED, OFFERED, WAITLISTED, CANCELLED = (
    ApplicationStatus.CONFIRMED, ApplicationStatus.OFFERED,
    ApplicationStatus.WAITLISTED, ApplicationStatus.CANCELLED,
)


@dataclass
class ModelApplication:
    person: int
    status: str
    priority: int


@dataclass
class ModelClass:
    capacity: int
    offer_hours: int | None
    priority_on: bool
    applications: dict[int, ModelApplication] = field(default_factory=dict)

    def holding_seats(self) -> int:
        return sum(a.status in (CONFIRMED, OFFERED) for a in self.applications.values())

    def queue(self) -> list[int]:
        waiting = [pk for pk, a in self.applications.items() if a.status == WAITLISTED]
        return sorted(waiting, key=lambda pk: (-self.applications[pk].priority, pk))

    def active_of(self, person: int) -> int | None:
        for pk, a in self.applications.items():
            if a.person == person and a.status in ACTIVE_STATUSES:
                return pk
        return None

    def promote(self) -> None:
        free = self.capacity - self.holding_seats()
        for pk in self.queue()[:max(free, 0)]:
            self.applications[pk].status = OFFERED if self.offer_hours else CONFIRMED


class EnrollmentMachine(RuleBasedStateMachine):
    people: People  # set by the test before the machine runs

    def __init__(self) -> None:
        super().__init__()
        # Each run of the machine writes inside a savepoint that teardown rolls back.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.classes: dict[int, CourseClass] = {}
        self.model: dict[int, ModelClass] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @initialize(
        shapes=st.lists(
            st.tuples(
                st.integers(1, 3),  # capacity
                st.sampled_from([None, 48]),  # offer_hours
                st.booleans(),  # waitlist_priority
            ),
            min_size=1, max_size=3,
        ),
    )
    def make_classes(self, shapes: list[tuple[int, int | None, bool]]) -> None:
        for capacity, offer_hours, priority_on in shapes:
            created = recruiting_class(
                self.people, capacity=capacity, offer_hours=offer_hours,
                waitlist_priority=priority_on,
            )
            self.classes[created.pk] = created
            self.model[created.pk] = ModelClass(capacity, offer_hours, priority_on)

    # --- Helpers ---------------------------------------------------------------

    def _class(self, data: st.DataObject) -> tuple[CourseClass, ModelClass]:
        pk = data.draw(st.sampled_from(sorted(self.classes)), label="class")
        self.classes[pk].refresh_from_db()
        return self.classes[pk], self.model[pk]

    def _pick(self, data: st.DataObject, statuses: tuple[str, ...]) -> tuple[int, int] | None:
        choices = sorted(
            (class_pk, pk)
            for class_pk, model in self.model.items()
            for pk, a in model.applications.items() if a.status in statuses
        )
        if not choices:
            return None
        return data.draw(st.sampled_from(choices), label="application")

    # --- Rules -----------------------------------------------------------------

    @rule(data=st.data(), person=st.integers(0, len(PERSONS) - 1), in_group=st.booleans())
    def apply_to_class(self, data: st.DataObject, person: int, in_group: bool) -> None:
        course_class, model = self._class(data)
        phone, name = PERSONS[person]
        existing = model.active_of(person)
        groups = ["seniors"] if in_group else ["low_income"]
        if existing is not None:
            with pytest.raises(DuplicateApplication) as raised:
                apply(course_class, phone=phone, name=name, target_groups=groups)
            assert raised.value.application.pk == existing
            return
        applied = apply(course_class, phone=phone, name=name, target_groups=groups)
        seat = model.holding_seats() < model.capacity and not model.queue()
        expected = CONFIRMED if seat else WAITLISTED
        assert applied.application.status == expected
        priority = int(model.priority_on and in_group)
        assert applied.application.priority == priority
        model.applications[applied.application.pk] = ModelApplication(person, expected, priority)
        if expected == WAITLISTED:
            assert applied.waitlist_position == model.queue().index(applied.application.pk) + 1
        else:
            assert applied.waitlist_position is None

    @precondition(lambda self: any(
        a.status in ACTIVE_STATUSES for m in self.model.values() for a in m.applications.values()
    ))
    @rule(data=st.data(), by_staff=st.booleans())
    def cancel(self, data: st.DataObject, by_staff: bool) -> None:
        picked = self._pick(data, ACTIVE_STATUSES)
        assert picked is not None
        class_pk, pk = picked
        application_cancel(
            application=Application.objects.get(pk=pk),
            by=self.people.manager if by_staff else None,
        )
        model = self.model[class_pk]
        model.applications[pk].status = CANCELLED
        model.promote()

    @precondition(lambda self: any(
        a.status == CANCELLED for m in self.model.values() for a in m.applications.values()
    ))
    @rule(data=st.data())
    def cancel_again_is_refused(self, data: st.DataObject) -> None:
        picked = self._pick(data, (CANCELLED,))
        assert picked is not None
        with pytest.raises(ValidationError):
            application_cancel(application=Application.objects.get(pk=picked[1]), by=None)

    @rule(data=st.data(), more=st.integers(1, 3))
    def raise_capacity(self, data: st.DataObject, more: int) -> None:
        course_class, model = self._class(data)
        promoted = class_capacity_set(
            course_class=course_class, capacity=model.capacity + more, by=self.people.manager,
        )
        before = model.holding_seats()
        model.capacity += more
        model.promote()
        assert promoted == model.holding_seats() - before

    @rule(data=st.data(), capacity=st.integers(0, 4))
    def lower_capacity(self, data: st.DataObject, capacity: int) -> None:
        course_class, model = self._class(data)
        if capacity < 1 or capacity < model.holding_seats():
            with pytest.raises(ValidationError):
                class_capacity_set(
                    course_class=course_class, capacity=capacity, by=self.people.manager,
                )
            return
        promoted = class_capacity_set(
            course_class=course_class, capacity=capacity, by=self.people.manager,
        )
        before = model.holding_seats()
        model.capacity = capacity
        model.promote()
        assert promoted == model.holding_seats() - before

    @rule(data=st.data())
    def promote(self, data: st.DataObject) -> None:
        course_class, _model = self._class(data)
        promoted = waitlist_fill(course_class=course_class, by=None)
        # Every step already fills free seats, so there is never anything left to do.
        assert promoted == 0

    @precondition(lambda self: any(
        a.status == OFFERED for m in self.model.values() for a in m.applications.values()
    ))
    @rule(data=st.data())
    def accept_offer(self, data: st.DataObject) -> None:
        picked = self._pick(data, (OFFERED,))
        assert picked is not None
        class_pk, pk = picked
        offer_accept(application=Application.objects.get(pk=pk))
        self.model[class_pk].applications[pk].status = CONFIRMED

    @precondition(lambda self: any(
        a.status in (CONFIRMED, WAITLISTED)
        for m in self.model.values() for a in m.applications.values()
    ))
    @rule(data=st.data())
    def accept_without_offer_is_refused(self, data: st.DataObject) -> None:
        picked = self._pick(data, (CONFIRMED, WAITLISTED))
        assert picked is not None
        with pytest.raises(ValidationError):
            offer_accept(application=Application.objects.get(pk=picked[1]))

    @rule()
    def expire_offers(self) -> None:
        # Every offer made so far runs out by then; offers made while expiring
        # (to the next in line) are not in the list read at the start.
        expired = offers_expire(now=timezone.now() + timedelta(days=30))
        count = 0
        for model in self.model.values():
            offered = [pk for pk, a in model.applications.items() if a.status == OFFERED]
            for pk in offered:
                model.applications[pk].status = CANCELLED
            count += len(offered)
            model.promote()
        assert expired == count

    # --- Invariants ------------------------------------------------------------

    @invariant()
    def database_matches_the_model(self) -> None:
        for class_pk, model in self.model.items():
            course_class = CourseClass.objects.get(pk=class_pk)
            statuses = dict(
                Application.objects.filter(course_class_id=class_pk).values_list("pk", "status"),
            )
            assert statuses == {pk: a.status for pk, a in model.applications.items()}
            holding = sum(s in (CONFIRMED, OFFERED) for s in statuses.values())
            assert course_class.capacity == model.capacity
            assert course_class.seats_taken == holding <= course_class.capacity

            queue = list(waitlist(class_pk).values_list("pk", flat=True))
            assert queue == model.queue()
            assert not queue or course_class.seats_taken == course_class.capacity
            positions = [
                waitlist_position(a) for a in Application.objects.filter(pk__in=queue)
                .order_by("-priority", "id")
            ]
            assert positions == list(range(1, len(queue) + 1))

            # Offers carry a deadline, confirmations a time.
            assert not Application.objects.filter(
                course_class_id=class_pk, status=OFFERED, offer_expires_at__isnull=True,
            ).exists()
            assert not Application.objects.filter(
                course_class_id=class_pk, status=CONFIRMED, confirmed_at__isnull=True,
            ).exists()

        twice = (
            Application.objects.filter(course_class_id__in=self.model, status__in=ACTIVE_STATUSES)
            .values("course_class", "learner").annotate(n=Count("id")).filter(n__gt=1)
        )
        assert not twice.exists()


def test_it_keeps_the_enrollment_rules_under_any_sequence(people):
    EnrollmentMachine.people = people
    run_state_machine_as_test(
        EnrollmentMachine,
        settings=settings(
            max_examples=40, stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
