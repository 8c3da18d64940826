"""The daily sends run twice at once (two schedulers, a retried cron): each learner
still gets one link and one text message. Each thread has its own connection
(`threads_db` moves the SQLite test database to a file for the test's duration)."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from accounts.testing import KEEP_REGIONS
from lib.testing import at_once
from notifications.models import MessageKind, OutboxMessage
from surveys.models import AnsweredVia, SurveyInvitation, SurveyKind, SurveyResponse
from surveys.services import (
    FOLLOW_UP_DAYS,
    Submitted,
    course_end_invitations,
    followups_send,
    survey_submit,
)
from surveys.testing import GOOD, finished_class

pytestmark = pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)


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


def test_the_same_answers_sent_twice_at_once_make_one_response(threads_db):
    _course_class, (application, *_rest) = finished_class(threads_db, learners=1)

    def submit() -> Submitted:
        return survey_submit(
            application=application, kind=SurveyKind.COURSE_END, answers=GOOD, comment="",
            answered_via=AnsweredVia.PAPER, by=threads_db.manager,
        )

    results = at_once([submit for _ in range(3)])

    assert all(isinstance(r, Submitted) for r in results), results
    assert sorted(r.created for r in results) == [False, False, True]
    assert SurveyResponse.objects.count() == 1
