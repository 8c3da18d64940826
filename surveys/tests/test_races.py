"""The daily sends run twice at once (two schedulers, a retried cron): each learner
still gets one link and one text message. Each thread has its own connection
(`threads_db` moves the SQLite test database to a file for the test's duration)."""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.testing import KEEP_REGIONS
from notifications.models import MessageKind, OutboxMessage
from surveys.models import SurveyInvitation, SurveyKind
from surveys.services import FOLLOW_UP_DAYS, course_end_invitations, followups_send
from surveys.testing import finished_class

pytestmark = pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run each call in its own thread, released together; results or raised errors."""
    results: list[Any] = []
    lock = threading.Lock()
    start = threading.Barrier(len(calls))

    def worker(call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()
            start.wait(timeout=30)
            try:
                result = call()
            except BaseException as error:  # reported to the test
                result = error
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.mark.parametrize(("kind", "days_ago", "send", "sms"), [
    (SurveyKind.COURSE_END, 1, course_end_invitations, MessageKind.SURVEY),
    (SurveyKind.FOLLOW_UP, FOLLOW_UP_DAYS, followups_send, MessageKind.SURVEY_FOLLOW_UP),
])
def test_two_runs_at_once_send_each_learner_one_link(threads_db, kind, days_ago, send, sms):
    today = timezone.localdate()
    _course_class, applications = finished_class(
        threads_db, learners=4, ended=today - timedelta(days=days_ago),
    )
    results = at_once([lambda: send(day=today) for _ in range(2)])

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(applications)
    invitations = SurveyInvitation.objects.filter(kind=kind)
    assert invitations.count() == len(applications)
    messages = OutboxMessage.objects.filter(kind=sms)
    assert messages.count() == len(applications)
    assert not messages.values("application").annotate(n=Count("id")).filter(n__gt=1).exists()
