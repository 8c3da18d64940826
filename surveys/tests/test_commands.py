from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from attendance.models import AttendanceMark
from learners.models import Learner
from notifications.models import MessageKind, OutboxMessage
from surveys.models import AnsweredVia, SurveyInvitation, SurveyKind
from surveys.services import (
    CATCH_UP_DAYS,
    FOLLOW_UP_DAYS,
    course_end_invitations,
    followups_send,
    survey_submit,
)
from surveys.testing import GOOD, finished_class

pytestmark = pytest.mark.django_db


def follow_ups() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=MessageKind.SURVEY_FOLLOW_UP))


@pytest.mark.parametrize(("days_ago", "sent"), [
    (FOLLOW_UP_DAYS - 1, False),  # not yet
    (FOLLOW_UP_DAYS, True),  # the day
    (FOLLOW_UP_DAYS + CATCH_UP_DAYS, True),  # the last day of catching up
    (FOLLOW_UP_DAYS + CATCH_UP_DAYS + 1, False),  # too late: never
])
def test_the_follow_up_goes_on_the_ninetieth_day_or_within_the_catch_up(people, days_ago, sent):
    today = timezone.localdate()
    finished_class(people, learners=1, ended=today - timedelta(days=days_ago))
    assert followups_send(day=today) == int(sent)
    assert len(follow_ups()) == int(sent)


def test_running_the_follow_ups_twice_sends_once(people):
    today = timezone.localdate()
    finished_class(people, learners=2, ended=today - timedelta(days=FOLLOW_UP_DAYS))
    out = StringIO()
    call_command("surveys_send_followups", stdout=out)
    call_command("surveys_send_followups", stdout=out)
    call_command(
        "surveys_send_followups", f"--date={today + timedelta(days=1)}", stdout=out,
    )
    assert len(follow_ups()) == 2
    assert "2 follow-up link(s) sent" in out.getvalue()
    assert "0 follow-up link(s) sent" in out.getvalue()


@override_settings(PUBLIC_BASE_URL="https://baeumteo.example")
def test_the_follow_up_goes_only_to_completers_with_a_mobile_and_lasts_30_days(people):
    today = timezone.localdate()
    _, (done, absent, landline) = finished_class(
        people, learners=3, ended=today - timedelta(days=FOLLOW_UP_DAYS),
    )
    AttendanceMark.objects.filter(application=absent).delete()
    Learner.objects.filter(pk=landline.learner_id).update(phone="0221234567")
    assert followups_send(day=today) == 1
    invitation = SurveyInvitation.objects.get()
    assert invitation.application == done and invitation.kind == SurveyKind.FOLLOW_UP
    assert invitation.expires_at - invitation.created_at == timedelta(days=30)
    (message,) = follow_ups()
    assert message.application == done
    assert "https://baeumteo.example/survey/" in message.body


def test_no_follow_up_for_someone_who_already_answered_it(people):
    today = timezone.localdate()
    _, (application,) = finished_class(
        people, learners=1, ended=today - timedelta(days=FOLLOW_UP_DAYS),
    )
    survey_submit(
        application=application, kind=SurveyKind.FOLLOW_UP, answers={"still_use": 5},
        comment="", answered_via=AnsweredVia.PAPER, by=people.manager,
    )
    assert followups_send(day=today) == 0


def test_course_end_links_go_the_day_after_to_those_without_an_answer(people):
    today = timezone.localdate()
    _, (answered, waiting) = finished_class(
        people, learners=2, ended=today - timedelta(days=1),
    )
    finished_class(people, learners=1, title="키오스크", ended=today)  # ends today: not yet
    survey_submit(
        application=answered, kind=SurveyKind.COURSE_END, answers=GOOD, comment="",
        answered_via=AnsweredVia.TABLET, by=people.instructor,
    )
    out = StringIO()
    call_command("surveys_invite", stdout=out)
    call_command("surveys_invite", stdout=out)
    messages = OutboxMessage.objects.filter(kind=MessageKind.SURVEY)
    assert [m.application for m in messages] == [waiting]
    assert course_end_invitations(day=today) == 0
    assert "1 survey link(s) sent" in out.getvalue()
