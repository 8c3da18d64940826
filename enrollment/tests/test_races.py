"""Real concurrency: many threads, each with its own database connection.

On PostgreSQL the class row's lock queues the threads; on SQLite the
immediate transactions queue on the database's write lock (WAL, busy
timeout). The SQLite test database is normally in memory, which threads
cannot share with WAL and a busy timeout, so `threads_db` moves these tests to
a file for their duration.

A thread whose wait runs out gets EnrollmentBusy, as a user gets HTTP 503; it
tries again, as the user would. The retries are counted and printed (`-s`).
"""

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count

from accounts.testing import KEEP_REGIONS
from audit.models import AuditEntry
from classes.models import CourseClass
from enrollment.locking import EnrollmentBusy, locking_transaction
from enrollment.models import ACTIVE_STATUSES, Application, ApplicationStatus
from enrollment.services import (
    DuplicateApplication,
    application_cancel,
    class_capacity_set,
    waitlist,
    waitlist_position,
)
from enrollment.testing import apply, next_phone, recruiting_class
from learners.models import Learner
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)

CONFIRMED, WAITLISTED = ApplicationStatus.CONFIRMED, ApplicationStatus.WAITLISTED


@dataclass
class Outcome:
    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    busy_retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_threads(
    calls: list[Callable[[], Any]], *, tolerate: tuple[type[Exception], ...] = (),
) -> Outcome:
    """Run each call in its own thread, all released at once; EnrollmentBusy → try again."""
    outcome = Outcome()
    start = threading.Barrier(len(calls))

    def worker(call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connect before the start, so they all collide
            start.wait(timeout=60)
            while True:
                try:
                    result = call()
                except EnrollmentBusy:
                    with outcome.lock:
                        outcome.busy_retries += 1
                    time.sleep(random.uniform(0.01, 0.05))
                    continue
                except tolerate as error:
                    result = error
                break
            with outcome.lock:
                outcome.results.append(result)
        except BaseException as error:
            with outcome.lock:
                outcome.errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert not outcome.errors, outcome.errors
    print(f"\n{connection.vendor}: {len(calls)} threads, {outcome.busy_retries} busy retries")
    return outcome


def assert_class_invariants(course_class: CourseClass) -> None:
    course_class.refresh_from_db()
    applications = Application.objects.filter(course_class=course_class)
    holding = applications.filter(
        status__in=(ApplicationStatus.CONFIRMED, ApplicationStatus.OFFERED),
    ).count()
    assert course_class.seats_taken == holding <= course_class.capacity
    queue = list(waitlist(course_class))
    assert not queue or course_class.seats_taken == course_class.capacity
    assert [waitlist_position(a) for a in queue] == list(range(1, len(queue) + 1))
    twice = (
        applications.filter(status__in=ACTIVE_STATUSES)
        .values("learner").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not twice.exists()


def test_it_gives_the_last_seats_to_the_first_of_60_at_once(threads_db):
    course_class = recruiting_class(threads_db, capacity=10)
    phones = [next_phone() for _ in range(60)]
    outcome = run_threads([partial(apply, course_class, phone=phone) for phone in phones])

    assert_class_invariants(course_class)
    applications = list(Application.objects.filter(course_class=course_class).order_by("id"))
    assert len(applications) == 60
    # Every applicant has exactly one application, each a different person.
    assert Learner.objects.count() == 60
    assert len({a.learner_id for a in applications}) == 60
    # The first ten to commit got the seats, the other fifty wait in commit order:
    # each applicant saw exactly what the previous one left behind.
    assert [a.status for a in applications] == [CONFIRMED] * 10 + [WAITLISTED] * 50
    course_class.refresh_from_db()
    assert course_class.seats_taken == 10
    by_id = {r.application.pk: r for r in outcome.results}
    assert [by_id[a.pk].waitlist_position for a in applications] == [None] * 10 + list(
        range(1, 51),
    )
    created = [a.created_at for a in applications]
    assert created == sorted(created)


def test_it_takes_one_application_from_the_same_person_in_20_threads(threads_db):
    course_class = recruiting_class(threads_db, capacity=30)
    outcome = run_threads(
        [partial(apply, course_class, phone="01055501234") for _ in range(20)],
        tolerate=(DuplicateApplication,),
    )

    made = [r for r in outcome.results if not isinstance(r, DuplicateApplication)]
    refused = [r for r in outcome.results if isinstance(r, DuplicateApplication)]
    assert len(made) == 1
    assert len(refused) == 19
    only = Application.objects.get(course_class=course_class)
    assert {r.application.pk for r in refused} == {only.pk}
    assert Learner.objects.count() == 1
    assert_class_invariants(course_class)


def test_it_makes_one_learner_when_a_person_applies_to_20_classes_at_once(threads_db):
    classes = [recruiting_class(threads_db, capacity=2) for _ in range(20)]
    run_threads([partial(apply, c, phone="01055505678") for c in classes])

    assert Learner.objects.count() == 1
    assert Application.objects.filter(status=CONFIRMED).count() == 20


def test_it_keeps_the_rules_through_cancels_applies_and_raises_at_once(threads_db):
    people = threads_db
    course_class = recruiting_class(people, capacity=5)
    first = [apply(course_class).application for _ in range(15)]  # 5 seated, 10 waiting
    to_cancel = first[:5] + first[7:12]  # every seat and some of the queue
    newcomers = [next_phone() for _ in range(25)]
    capacities = [6, 7, 8]

    calls: list[Callable[[], Any]] = [
        partial(application_cancel, application=a, by=people.manager) for a in to_cancel
    ]
    calls += [partial(apply, course_class, phone=phone) for phone in newcomers]
    calls += [
        partial(class_capacity_set, course_class=course_class, capacity=c, by=people.manager)
        for c in capacities
    ]
    random.Random(4).shuffle(calls)
    # A raise that commits after a larger one is a lowering, refused when seats are taken.
    run_threads(calls, tolerate=(ValidationError,))

    assert_class_invariants(course_class)
    course_class.refresh_from_db()
    last_capacity = AuditEntry.objects.filter(action="course_class.capacity").latest("id")
    assert course_class.capacity == last_capacity.data["to"]
    active = Application.objects.filter(course_class=course_class, status__in=ACTIVE_STATUSES)
    assert active.count() == 15 - len(to_cancel) + len(newcomers)
    # Nobody waits while a seat is free.
    assert active.filter(status=CONFIRMED).count() == min(course_class.capacity, active.count())
    # First come, first served: everyone promoted from the queue was ahead of
    # everyone still waiting, and nobody jumped the queue on applying.
    promoted = set(
        AuditEntry.objects.filter(action="application.promote")
        .values_list("target_id", flat=True),
    )
    promoted_ids = [a.pk for a in active.filter(status=CONFIRMED) if str(a.pk) in promoted]
    waiting_ids = list(waitlist(course_class).values_list("id", flat=True))
    assert promoted_ids
    if waiting_ids:
        assert max(promoted_ids) < min(waiting_ids)
        confirmed_ids = active.filter(status=CONFIRMED).values_list("id", flat=True)
        assert max(confirmed_ids) < min(waiting_ids)
    assert Counter(a.learner_id for a in active).most_common(1)[0][1] == 1


def test_it_answers_busy_and_writes_nothing_while_the_class_stays_locked(threads_db, settings):
    course_class = recruiting_class(threads_db, capacity=5)
    locked, release = threading.Event(), threading.Event()

    def hold_the_class() -> None:
        try:
            # On SQLite the immediate transaction holds the database's write lock.
            with transaction.atomic():
                CourseClass.objects.select_for_update().get(pk=course_class.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_class)
    holder.start()
    assert locked.wait(timeout=30)
    settings.ENROLLMENT_LOCK_TIMEOUT_MS = 200
    options = connection.settings_dict["OPTIONS"]
    busy_timeout = options.get("timeout")
    if connection.vendor == "sqlite":
        connection.close()
        options["timeout"] = 0.2  # the busy timeout runs out instead of queueing
    counts = [m.objects.count() for m in (Application, Learner, AuditEntry, OutboxMessage)]
    try:
        with pytest.raises(EnrollmentBusy):
            apply(course_class, phone="01055509999")
    finally:
        release.set()
        holder.join(timeout=30)
        if connection.vendor == "sqlite":
            connection.close()
            options["timeout"] = busy_timeout
    assert [m.objects.count() for m in (Application, Learner, AuditEntry, OutboxMessage)] == counts

    # Once the lock is gone, the same application goes through.
    assert apply(course_class, phone="01055509999").application.status == CONFIRMED


def test_it_locks_only_the_class_so_other_classes_of_its_course_and_centre_go_on(
    threads_db, settings,
):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one write lock for the whole database, by design")
    busy_class = recruiting_class(threads_db, capacity=5)
    other_class = recruiting_class(threads_db, capacity=5)  # same course, same centre
    assert (busy_class.course_id, busy_class.center_id) == (
        other_class.course_id, other_class.center_id,
    )
    locked, release = threading.Event(), threading.Event()

    def apply_slowly() -> None:
        try:
            with locking_transaction():
                apply(busy_class)  # holds what an application holds until release
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=apply_slowly)
    holder.start()
    assert locked.wait(timeout=30)
    settings.ENROLLMENT_LOCK_TIMEOUT_MS = 300
    try:
        applied = apply(other_class)
    finally:
        release.set()
        holder.join(timeout=30)
    assert applied.application.status == CONFIRMED
