from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.testing import People
from audit.models import AuditEntry
from enrollment.testing import apply, recruiting_class
from notifications.models import MessageKind, MessageStatus, OutboxMessage
from notifications.worker import outbox_deliver_due
from privacy.models import AccessLog

pytestmark = pytest.mark.django_db

URL = "/admin/notifications/outboxmessage/"


def staff(user: User, *codenames: str) -> User:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def message(people: People) -> OutboxMessage:
    apply(recruiting_class(people), phone="010-1234-5678", name="김영희")
    found = OutboxMessage.objects.get(kind=MessageKind.CONFIRMED)
    OutboxMessage.objects.filter(pk=found.pk).update(
        status=MessageStatus.FAILED, attempts=8, last_error="gave up after 8 attempts: down",
    )
    found.refresh_from_db()
    return found


def test_the_list_shows_failures_with_masked_phones(
    client: Client, people: People, message: OutboxMessage,
) -> None:
    client.force_login(staff(people.national, "view_outboxmessage"))
    page = client.get(URL, {"status__exact": "failed"}).content.decode()
    assert "010-****-5678" in page and "gave up after 8 attempts" in page
    assert "010-1234-5678" not in page and "김영희" not in page
    assert AccessLog.objects.count() == 0


def test_the_detail_page_shows_the_whole_message_and_logs_it(
    client: Client, people: People, message: OutboxMessage,
) -> None:
    client.force_login(staff(people.national, "view_outboxmessage"))
    page = client.get(f"{URL}{message.pk}/change/").content.decode()
    assert "010-1234-5678" in page and "김영희" in page
    logged = {(e.subject_type, e.subject_id) for e in AccessLog.objects.all()}
    assert ("notifications.outboxmessage", str(message.pk)) in logged
    assert ("learners.learner", str(message.application.learner_id)) in logged  # type: ignore[union-attr]


def test_the_text_cannot_be_edited(client: Client, people: People, message: OutboxMessage) -> None:
    client.force_login(staff(people.national, "view_outboxmessage", "change_outboxmessage"))
    client.post(f"{URL}{message.pk}/change/", {"body": "바뀐 글", "phone": "01099999999"})
    message.refresh_from_db()
    assert message.body != "바뀐 글" and message.phone == "01012345678"
    assert client.get(f"{URL}add/").status_code == 403
    assert client.post(f"{URL}{message.pk}/delete/", {"post": "yes"}).status_code == 403


def test_retry_now_puts_a_failed_message_back_in_line(
    client: Client, people: People, message: OutboxMessage,
) -> None:
    client.force_login(staff(people.national, "view_outboxmessage", "change_outboxmessage"))
    before = timezone.now()
    client.post(URL, {"action": "retry_now", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert before <= message.next_attempt_at <= timezone.now()
    assert AuditEntry.objects.filter(action="notifications.outbox.retry").count() == 1
    # It had given up after 8 attempts: it gets a fresh series and is sent.
    sender = FileLikeRecorder()
    assert outbox_deliver_due(sender=sender).sent == 1
    assert sender.sent == ["01012345678"]


class FileLikeRecorder:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, *, phone: str, body: str, message_id: int) -> str:
        self.sent.append(phone)
        return "ok"


def test_mark_failed_gives_up_a_waiting_message(
    client: Client, people: People, message: OutboxMessage,
) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.PENDING, next_attempt_at=timezone.now() + timedelta(minutes=8),
    )
    client.force_login(staff(people.national, "view_outboxmessage", "change_outboxmessage"))
    client.post(URL, {"action": "mark_failed", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert AuditEntry.objects.filter(action="notifications.outbox.fail").count() == 1


def test_a_sent_message_stays_sent(client: Client, people: People, message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENT)
    client.force_login(staff(people.national, "view_outboxmessage", "change_outboxmessage"))
    client.post(URL, {"action": "retry_now", "_selected_action": [message.pk]})
    client.post(URL, {"action": "mark_failed", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_the_centre_manager_sees_their_centres_messages(
    client: Client, people: People, message: OutboxMessage,
) -> None:
    client.force_login(staff(people.manager, "view_outboxmessage"))
    assert "010-****-5678" in client.get(URL).content.decode()


def test_the_outsider_gets_nothing(client: Client, people: People, message: OutboxMessage) -> None:
    client.force_login(staff(people.outsider, "view_outboxmessage", "change_outboxmessage"))
    assert "010-****-5678" not in client.get(URL).content.decode()
    assert client.get(f"{URL}{message.pk}/change/").status_code == 302
    client.post(URL, {"action": "retry_now", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert AccessLog.objects.count() == 0


def test_code_messages_are_for_national_administrators_only(
    client: Client, people: People,
) -> None:
    from learners.verification import phone_verification_start

    phone_verification_start(phone="010-5555-6666")
    client.force_login(staff(people.manager, "view_outboxmessage"))
    assert "010-****-6666" not in client.get(URL).content.decode()
    client.force_login(staff(people.national, "view_outboxmessage"))
    assert "010-****-6666" in client.get(URL).content.decode()
