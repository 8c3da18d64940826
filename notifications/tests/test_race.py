"""Several workers on one outbox: every message is sent exactly once."""

import threading
import time
from collections import Counter

import pytest
from django.db import OperationalError, connection

from accounts.testing import KEEP_REGIONS
from notifications.models import MessageKind, MessageStatus, OutboxMessage
from notifications.services import notification_enqueue
from notifications.worker import outbox_deliver_due, outbox_due

MESSAGES = 60
WORKERS = 4


class SlowRecorder:
    """Takes a moment per message, as a provider does, so that the workers overlap."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.lock = threading.Lock()

    def send(self, *, phone: str, body: str, message_id: int) -> str:
        time.sleep(0.002)
        with self.lock:
            self.sent.append(message_id)
        return f"rec-{message_id}"


@pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)
def test_it_sends_each_message_once_with_workers_racing() -> None:
    for number in range(MESSAGES):
        notification_enqueue(
            kind=MessageKind.VERIFICATION, phone=f"0107000{number:04d}", context={"code": "1"},
        )
    sender = SlowRecorder()
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def work() -> None:
        deadline = time.monotonic() + 60
        try:
            barrier.wait()
            # Every worker reads the same due ids and competes for each one, round
            # after round as `outbox_run` does, until nothing is due.
            while time.monotonic() < deadline:
                try:
                    report = outbox_deliver_due(sender=sender, limit=MESSAGES)
                    done = not report.handled and not outbox_due()
                except OperationalError:
                    # SQLite's shared in-memory test database answers "table is
                    # locked" at once instead of waiting: the round is tried again.
                    time.sleep(0.01)
                    continue
                if done:
                    break
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    counts = Counter(sender.sent)
    assert len(counts) == MESSAGES and set(counts.values()) == {1}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
