import os
import random
import signal
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from accounts.testing import People
from enrollment.models import Application, ApplicationStatus
from enrollment.services import application_cancel
from enrollment.testing import apply, recruiting_class
from notifications.fake_nhn import FakeNhn
from notifications.models import MessageKind, MessageStatus, OutboxMessage
from notifications.senders import NhnSender, PermanentFailure, TemporaryFailure
from notifications.services import notification_enqueue
from notifications.worker import (
    LEASE,
    MAX_ATTEMPTS,
    outbox_claim,
    outbox_deliver_due,
    outbox_due,
    outbox_run,
    retry_delay,
)

pytestmark = pytest.mark.django_db


class Recorder:
    """A sender that remembers what it sent, or fails as told."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[tuple[int, str, str]] = []
        self.fail = fail
        self.lock = threading.Lock()

    def send(self, *, phone: str, body: str, message_id: int) -> str:
        if self.fail is not None:
            raise self.fail
        with self.lock:
            self.sent.append((message_id, phone, body))
        return f"rec-{message_id}"


def enqueue(phone: str = "01012345678", **fields: object) -> OutboxMessage:
    message = notification_enqueue(
        kind=MessageKind.VERIFICATION, phone=phone, context={"code": "123456"}, **fields,
    )
    assert message is not None
    return message


def later(minutes: float) -> datetime:
    return timezone.now() + timedelta(minutes=minutes)


def test_it_backs_off_exponentially_up_to_a_cap() -> None:
    minutes = [1, 2, 4, 8, 16, 30, 30, 30]
    for attempts, expected in enumerate(minutes, start=1):
        delay = retry_delay(attempts, rng=random.Random(attempts)).total_seconds() / 60
        assert expected * 0.8 <= delay <= expected * 1.2


def test_it_spreads_retries_with_jitter() -> None:
    rng = random.Random(4)
    delays = {retry_delay(3, rng=rng) for _ in range(20)}
    assert len(delays) == 20
    assert min(delays) < timedelta(minutes=4) < max(delays)


def test_it_sends_due_messages_and_marks_them_sent() -> None:
    first, second = enqueue(), enqueue("010-2222-3333")
    sender = Recorder()
    report = outbox_deliver_due(sender=sender)
    assert (report.sent, report.retried, report.failed) == (2, 0, 0)
    assert [(pk, phone) for pk, phone, _ in sender.sent] == [
        (first.pk, "01012345678"), (second.pk, "01022223333"),
    ]
    first.refresh_from_db()
    assert first.status == MessageStatus.SENT and first.sent_at is not None
    assert first.provider_message_id == f"rec-{first.pk}" and first.attempts == 1
    assert first.claimed_until is None
    assert outbox_deliver_due(sender=sender).sent == 0  # nothing is sent twice


def test_it_leaves_messages_that_are_not_due_yet() -> None:
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=later(10))
    assert outbox_deliver_due(sender=Recorder()).sent == 0
    assert outbox_deliver_due(sender=Recorder(), now=lambda: later(11)).sent == 1


def test_it_schedules_a_retry_after_a_temporary_failure() -> None:
    message = enqueue()
    before = timezone.now()
    report = outbox_deliver_due(sender=Recorder(fail=TemporaryFailure("HTTP 503")))
    assert report.retried == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    assert message.last_error == "HTTP 503" and message.claimed_until is None
    assert before + timedelta(seconds=47) < message.next_attempt_at < later(1.3)


def test_it_fails_a_message_at_once_after_a_permanent_failure() -> None:
    message = enqueue()
    report = outbox_deliver_due(sender=Recorder(fail=PermanentFailure("-2019 invalid number")))
    assert report.failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    assert "-2019" in message.last_error
    assert outbox_due(now=later(24 * 60)) == []


def test_it_gives_up_after_the_last_attempt() -> None:
    message = enqueue()
    sender = Recorder(fail=TemporaryFailure("down"))
    clock = [timezone.now()]
    for _attempt in range(MAX_ATTEMPTS):
        report = outbox_deliver_due(sender=sender, now=lambda: clock[0])
        assert report.handled == 1
        clock[0] += timedelta(hours=1)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == MAX_ATTEMPTS
    assert message.last_error == f"gave up after {MAX_ATTEMPTS} attempts: down"


def test_a_sender_bug_is_retried_like_an_outage() -> None:
    message = enqueue()
    assert outbox_deliver_due(sender=Recorder(fail=KeyError("oops"))).retried == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and "oops" in message.last_error


def test_only_one_claim_of_a_read_succeeds() -> None:
    enqueue()
    [due] = outbox_due()
    assert outbox_claim(due=due) is True
    assert outbox_claim(due=due) is False  # a second worker that read the same row


def test_it_takes_over_the_claim_of_a_crashed_worker_after_the_lease() -> None:
    message = enqueue()
    [due] = outbox_due()
    assert outbox_claim(due=due)  # ... and the worker dies before sending
    sender = Recorder()
    assert outbox_deliver_due(sender=sender).handled == 0  # the lease still holds
    minutes = LEASE.total_seconds() / 60 + 1
    assert outbox_deliver_due(sender=sender, now=lambda: later(minutes)).sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert len(sender.sent) == 1


def test_a_worker_whose_claim_was_taken_over_does_not_overwrite_the_result() -> None:
    message = enqueue()
    [due] = outbox_due()
    assert outbox_claim(due=due)
    minutes = LEASE.total_seconds() / 60 + 1
    assert outbox_deliver_due(sender=Recorder(), now=lambda: later(minutes)).sent == 1
    # The first worker wakes up and reports a failure: it changes nothing.
    from notifications.worker import outbox_deliver

    late = outbox_deliver(
        message_id=message.pk, attempts=1, sender=Recorder(fail=TemporaryFailure("late")),
    )
    assert late == "lost"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.last_error == ""


def test_the_loop_finishes_the_message_in_hand_when_told_to_stop() -> None:
    first, second = enqueue(), enqueue("01022223333")
    stop = threading.Event()

    class StopsOnSend(Recorder):
        def send(self, *, phone: str, body: str, message_id: int) -> str:
            stop.set()  # SIGTERM arrives while this message is being sent
            return super().send(phone=phone, body=body, message_id=message_id)

    sender = StopsOnSend()
    outbox_run(interval=60, stop=stop, sender=sender)  # returns: no 60 s wait
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == MessageStatus.SENT
    assert second.status == MessageStatus.PENDING and second.attempts == 0


def test_a_reminder_for_a_cancelled_application_is_not_sent(people: People) -> None:
    applied = apply(recruiting_class(people))
    application = applied.application
    message = notification_enqueue(
        kind=MessageKind.REMINDER, phone="01012345678", application=application,
        context={"name": "김영희", "session": "오후 2:00", "class_title": "t", "center_name": "c"},
    )
    assert message is not None
    application_cancel(application=application, by=people.manager, reason="아픔")
    sender = Recorder()
    assert outbox_deliver_due(sender=sender).failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "no longer confirmed" in message.last_error
    assert message.pk not in [pk for pk, _, _ in sender.sent]


def test_the_command_delivers_what_is_due_once(tmp_path: Path) -> None:
    enqueue()
    enqueue("01022223333")
    path = tmp_path / "sms.jsonl"
    with override_settings(SMS_BACKEND="file", SMS_FILE_PATH=str(path)):
        call_command("notifications_send", "--once", "--batch", "1", stdout=(out := _Out()))
    assert "2 sent" in out.text
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


# --- Against the fake NHN server -------------------------------------------------------


def test_an_application_made_during_an_outage_is_texted_once_the_provider_is_back(
    people: People, nhn: NhnSender, fake_nhn: FakeNhn,
) -> None:
    fake_nhn.go_down()
    course_class = recruiting_class(people, capacity=1)
    confirmed = apply(course_class, phone="010-1111-2222")
    waitlisted = apply(course_class, phone="010-3333-4444")
    # The applications committed; their messages wait in the outbox.
    assert Application.objects.filter(course_class=course_class).count() == 2
    assert waitlisted.application.status == ApplicationStatus.WAITLISTED

    report = outbox_deliver_due(sender=nhn)
    assert (report.sent, report.retried) == (0, 2)
    assert outbox_deliver_due(sender=nhn).handled == 0  # backing off, not hammering
    for message in OutboxMessage.objects.all():
        assert message.status == MessageStatus.PENDING and "unreachable" in message.last_error

    fake_nhn.answer_http(502)  # back, but its gateway still fails
    assert outbox_deliver_due(sender=nhn, now=lambda: later(1.5)).retried == 2

    fake_nhn.come_back()
    assert outbox_deliver_due(sender=nhn, now=lambda: later(5)).sent == 2
    assert outbox_deliver_due(sender=nhn, now=lambda: later(600)).handled == 0
    assert sorted(m.recipient for m in fake_nhn.received) == ["01011112222", "01033334444"]
    assert all(m.kind == "LMS" for m in fake_nhn.received)
    for message in OutboxMessage.objects.all():
        assert message.status == MessageStatus.SENT and message.attempts == 3
        assert message.provider_message_id in {m.request_id for m in fake_nhn.received}
    assert confirmed.application.pk != waitlisted.application.pk


def test_a_number_the_provider_calls_invalid_fails_at_once(
    nhn: NhnSender, fake_nhn: FakeNhn,
) -> None:
    message = enqueue()
    fake_nhn.answer_error(-2019, "Recipient number is invalid.")
    assert outbox_deliver_due(sender=nhn).failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "-2019" in message.last_error
    fake_nhn.answer_ok()
    assert outbox_deliver_due(sender=nhn, now=lambda: later(600)).handled == 0
    assert fake_nhn.received == []


def test_a_timed_out_send_is_retried(nhn: NhnSender, fake_nhn: FakeNhn) -> None:
    message = enqueue()
    fake_nhn.answer_slowly(1.5)
    assert outbox_deliver_due(sender=nhn).retried == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.attempts == 1


def test_the_command_stops_on_sigterm_after_the_message_in_hand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = enqueue(), enqueue("01022223333")

    class TermOnSend(Recorder):
        def send(self, *, phone: str, body: str, message_id: int) -> str:
            os.kill(os.getpid(), signal.SIGTERM)  # systemd stops the service mid-send
            return super().send(phone=phone, body=body, message_id=message_id)

    sender = TermOnSend()
    monkeypatch.setattr(
        "notifications.management.commands.notifications_send.sender_get", lambda: sender,
    )
    before = signal.getsignal(signal.SIGTERM)
    call_command("notifications_send", "--interval", "60", stdout=(out := _Out()))
    assert "Stopped." in out.text
    assert [pk for pk, _, _ in sender.sent] == [first.pk]
    second.refresh_from_db()
    assert second.status == MessageStatus.PENDING
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is put back
