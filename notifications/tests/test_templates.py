"""Every kind of message, rendered from real applications."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.testing import People
from classes.models import ClassSession
from enrollment.services import application_cancel, application_create
from enrollment.testing import apply, learner_data, recruiting_class
from learners.models import Channel
from learners.services import ConsentGiven
from learners.verification import phone_verification_start
from notifications.models import MessageKind, OutboxMessage
from notifications.senders import LMS_MAX_BYTES, euc_kr_length, sms_type
from notifications.services import message_render, reminders_enqueue

pytestmark = pytest.mark.django_db


def korean_is_merged() -> bool:
    with translation.override("ko"):
        return gettext("Please bring your phone, charged.") != "Please bring your phone, charged."


@pytest.fixture
def bodies(people: People) -> dict[str, str]:
    """One message of every kind, as the services write them."""
    course_class = recruiting_class(people, capacity=1, offer_hours=24)
    first = apply(course_class, name="김영희", phone="010-1000-0001")  # confirmed
    apply(course_class, name="김영희", phone="010-1000-0002")  # waiting list, number 1
    application_cancel(application=first.application, by=people.manager)  # offered to no. 2

    promoting = recruiting_class(people, capacity=1, center=people.seocho_center)
    taken = apply(promoting, name="김영희", phone="010-2000-0001")
    apply(promoting, name="김영희", phone="010-2000-0002")
    application_cancel(application=taken.application, by=people.national)  # promoted

    application_create(
        course_class=recruiting_class(people, capacity=5, center=people.busan_center),
        learner=learner_data(name="김영희"),
        consent=ConsentGiven(
            personal_info=True, proxy_name="김아들", proxy_phone="010-3000-0001",
            proxy_relationship="family",
        ),
        channel=Channel.PROXY, by=None,
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    ClassSession.objects.filter(course_class=promoting, number=1).update(date=tomorrow)
    reminders_enqueue(day=tomorrow)
    phone_verification_start(phone="010-4000-0001")

    found: dict[str, str] = {}
    for message in OutboxMessage.objects.order_by("id"):
        found.setdefault(message.kind, message.body)
    found[MessageKind.COMPLETED] = message_render(
        MessageKind.COMPLETED, {"name": "김영희", "class_title": "스마트폰 첫걸음"},
    )
    # The survey links (surveys.services.survey_invite, tested in surveys/tests).
    for kind in (MessageKind.SURVEY, MessageKind.SURVEY_FOLLOW_UP):
        found[kind] = message_render(kind, {
            "name": "김영희", "class_title": "스마트폰 첫걸음",
            "url": "https://baeumteo.example/survey/AbCdEfGhIjKlMnOp/",
        })
    return found


def test_every_kind_is_written_by_the_services(bodies: dict[str, str]) -> None:
    assert set(bodies) == set(MessageKind.values)


def test_every_message_is_filled_in_and_short(bodies: dict[str, str]) -> None:
    for kind, body in bodies.items():
        assert "{" not in body and "%(" not in body, kind
        assert euc_kr_length(body) <= LMS_MAX_BYTES, kind
        if kind != MessageKind.VERIFICATION:
            assert "김영희" in body, kind
            assert "스마트폰 첫걸음" in body, kind
    assert "1" in bodies[MessageKind.WAITLISTED]  # the place on the waiting list
    assert "/" in bodies[MessageKind.OFFERED]  # the link to accept the seat


def test_the_code_goes_as_one_short_sms(bodies: dict[str, str]) -> None:
    assert sms_type(bodies[MessageKind.VERIFICATION]) == "SMS"


def test_every_message_is_in_korean(bodies: dict[str, str]) -> None:
    if not korean_is_merged():
        pytest.skip("the Korean translations of the message templates are not compiled yet")
    for kind, body in bodies.items():
        assert "디지털배움터" in body.replace(" ", ""), kind
        assert "Digital Learning Centre" not in body, kind
    assert "대기 1번" in bodies[MessageKind.WAITLISTED]
    assert "인증번호" in bodies[MessageKind.VERIFICATION]
    assert "내일" in bodies[MessageKind.REMINDER]
