"""Delivery of the outbox: what `manage.py notifications_send` runs.

A message is due when it waits (PENDING) and its next attempt is now or past,
or when a worker claimed it (SENDING) and its lease ran out — that worker
crashed or hung, so another one takes the message over. A claim sets
next_attempt_at to the end of the lease, so "due" is one condition on one
partial index (outbox_due) for both cases.

Claiming is a compare-and-swap: the worker reads (status, attempts) of a due
message, then UPDATEs the row only where they are still what it read and the
message is still due. Every claim increments `attempts`, so the pair is a
version number: of two workers that read the same row, exactly one UPDATE
matches, and only that worker sends. The send happens after the claim is
committed and outside any transaction: a slow provider never holds a lock.

The result is written with the same check (status SENDING and the attempts
of our claim): a worker whose lease ran out before the provider answered
finds its claim taken over and changes nothing. The lease is much longer
than the provider's timeout, so that only happens to a worker that hung.
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone

from enrollment.models import ApplicationStatus
from notifications.models import MessageKind, MessageStatus, OutboxMessage
from notifications.senders import PermanentFailure, Sender, TemporaryFailure, sender_get

log = logging.getLogger(__name__)

# How long a claim lasts. Far longer than a send (the NHN timeout is 10 s):
# a claim only runs out when its worker died or hung.
LEASE = timedelta(minutes=5)
# Attempts before a message is given up (failed): 8 attempts span about 1.5 hours.
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(minutes=30)
# ± this share of a delay is random, so that messages that failed together
# (a provider outage) do not all come back in the same second.
JITTER = 0.2
BATCH_SIZE = 100

T = TypeVar("T")


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8, 16, 30, 30 … minutes ± 20 %."""
    exponent = min(max(attempts - 1, 0), 20)
    delay = min(BACKOFF_BASE * 2**exponent, BACKOFF_CAP)
    return delay * (rng or random).uniform(1 - JITTER, 1 + JITTER)


@dataclass(frozen=True)
class Due:
    """What a worker read of a due message: the version its claim compares against."""

    id: int
    status: str
    attempts: int


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0  # claimed by another worker first, or our claim was taken over

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def outbox_due(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> list[Due]:
    """Messages due for an attempt, oldest first."""
    now = now or timezone.now()
    rows = (
        OutboxMessage.objects.filter(
            status__in=[MessageStatus.PENDING, MessageStatus.SENDING], next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", "status", "attempts")[:limit]
    )
    return [Due(*row) for row in rows]


def outbox_claim(*, due: Due, now: datetime | None = None, lease: timedelta = LEASE) -> bool:
    """Take `due` for this worker. True only for the one worker whose UPDATE matched."""
    now = now or timezone.now()
    until = now + lease
    claimed = OutboxMessage.objects.filter(
        id=due.id, status=due.status, attempts=due.attempts, next_attempt_at__lte=now,
    ).update(
        status=MessageStatus.SENDING, attempts=due.attempts + 1, claimed_until=until,
        next_attempt_at=until,
    )
    return claimed == 1


def _persistently(query: Callable[[], T], *, seconds: float = 30.0) -> T:
    """Run `query`, again and again for a while if the database is locked or away.

    Used after a claim: a message whose result cannot be written stays claimed
    until its lease runs out and is then sent a second time, so a momentary
    lock or a reconnect is waited out rather than given up at once.
    """
    deadline = time.monotonic() + seconds
    pause = 0.01
    while True:
        try:
            return query()
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            if connection.get_autocommit():
                connection.close_if_unusable_or_obsolete()
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


def _finish(message_id: int, attempts: int, **fields: object) -> bool:
    """Write the result of our attempt, unless our claim was taken over meanwhile."""
    done = _persistently(
        lambda: OutboxMessage.objects.filter(
            id=message_id, status=MessageStatus.SENDING, attempts=attempts,
        ).update(claimed_until=None, **fields),
    )
    if done != 1:
        log.warning("Outbox message #%s: the claim ran out before the send finished", message_id)
    return done == 1


def _obsolete(message: OutboxMessage) -> str:
    """Why a message should no longer be sent, or ""."""
    application = message.application
    if (
        message.kind == MessageKind.REMINDER and application is not None
        and application.status != ApplicationStatus.CONFIRMED
    ):
        return "not sent: the application is no longer confirmed"
    return ""


def outbox_deliver(
    *, message_id: int, attempts: int, sender: Sender, now: Callable[[], datetime] = timezone.now,
    rng: random.Random | None = None,
) -> str:
    """Send one message this worker has claimed (its `attempts` after the claim).

    Returns "sent", "retried", "failed" or "lost". Runs in autocommit: each
    UPDATE commits by itself, the provider is called with no transaction open.
    """
    message = _persistently(
        lambda: OutboxMessage.objects.select_related("application").filter(pk=message_id).first(),
    )
    if message is None:  # deleted with its application meanwhile
        return "lost"
    reason = _obsolete(message)
    if attempts > MAX_ATTEMPTS and not reason:
        # Claimed again after a crash on its last attempt: it may even have gone out.
        reason = "gave up: the last attempt did not finish (worker stopped)"
    if reason:
        ok = _finish(message_id, attempts, status=MessageStatus.FAILED, last_error=reason)
        return "failed" if ok else "lost"
    try:
        provider_id = sender.send(phone=message.phone, body=message.body, message_id=message_id)
    except PermanentFailure as error:
        log.warning("Outbox message #%s failed for good: %s", message_id, error)
        ok = _finish(message_id, attempts, status=MessageStatus.FAILED, last_error=str(error))
        return "failed" if ok else "lost"
    except Exception as error:  # a sender's bug retries like an outage, and is logged
        if not isinstance(error, TemporaryFailure):
            log.exception("Outbox message #%s: the sender raised", message_id)
        text = str(error) or error.__class__.__name__
        if attempts >= MAX_ATTEMPTS:
            ok = _finish(
                message_id, attempts, status=MessageStatus.FAILED,
                last_error=f"gave up after {attempts} attempts: {text}",
            )
            return "failed" if ok else "lost"
        next_at = now() + retry_delay(attempts, rng=rng)
        ok = _finish(
            message_id, attempts, status=MessageStatus.PENDING, next_attempt_at=next_at,
            last_error=text,
        )
        return "retried" if ok else "lost"
    ok = _finish(
        message_id, attempts, status=MessageStatus.SENT, sent_at=now(),
        provider_message_id=provider_id[:100], last_error="",
    )
    return "sent" if ok else "lost"


def outbox_deliver_due(
    *, sender: Sender | None = None, limit: int = BATCH_SIZE, stop: threading.Event | None = None,
    now: Callable[[], datetime] = timezone.now, rng: random.Random | None = None,
) -> Report:
    """Claim and send what is due now, one message at a time; stop early when `stop` is set."""
    sender = sender or sender_get()
    report = Report()
    for due in outbox_due(now=now(), limit=limit):
        if stop is not None and stop.is_set():
            break
        if not outbox_claim(due=due, now=now()):
            report.lost += 1
            continue
        outcome = outbox_deliver(
            message_id=due.id, attempts=due.attempts + 1, sender=sender, now=now, rng=rng,
        )
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def outbox_run(
    *, interval: float, stop: threading.Event, sender: Sender | None = None,
    limit: int = BATCH_SIZE,
) -> None:
    """Deliver until `stop` is set: a full batch goes on at once, else wait `interval` s."""
    sender = sender or sender_get()
    while not stop.is_set():
        if not connection.in_atomic_block:  # (tests run the loop inside a transaction)
            close_old_connections()  # a database restart must not stop the worker for good
        try:
            report = outbox_deliver_due(sender=sender, limit=limit, stop=stop)
        except Exception:  # e.g. the database is away for a moment: wait and try again
            log.exception("Outbox delivery round failed")
            stop.wait(interval)
            continue
        if report.handled or report.lost:
            log.info(
                "Outbox: %s sent, %s to retry, %s failed, %s taken by another worker",
                report.sent, report.retried, report.failed, report.lost,
            )
        if report.handled + report.lost < limit:
            stop.wait(interval)
