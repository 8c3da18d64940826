"""The outbox: messages are written here, in the caller's transaction, and
delivered later by `manage.py notifications_send` (notifications.worker)."""

import logging
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from audit.services import audit_record
from notifications.models import MessageKind, MessageStatus, OutboxMessage
from privacy.phone import MOBILE_PREFIXES, normalize_phone

log = logging.getLogger(__name__)


def is_mobile(phone: str) -> bool:
    return phone[:3] in MOBILE_PREFIXES


def message_render(kind: MessageKind | str, context: dict[str, Any]) -> str:
    """The Korean text of a message (templates/notifications/sms/<kind>.txt).

    Always in the site's language (Korean), whatever language the request
    that caused the message was in: the message goes to a Korean phone.
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"notifications/sms/{kind}.txt", context)
    return "\n".join(line.strip() for line in text.strip().splitlines())


def notification_enqueue(
    *, kind: MessageKind | str, phone: str, context: dict[str, Any],
    application: Any = None, dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Write a message to the outbox. Call inside the transaction of the change.

    Only mobile numbers can receive text messages; for a landline nothing is
    written (the centre calls instead) and None is returned. With a
    `dedupe_key` already in the outbox nothing is written either.
    """
    digits = normalize_phone(phone)
    if not is_mobile(digits):
        return None
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    return OutboxMessage.objects.create(
        kind=kind, phone=digits, body=message_render(kind, context),
        application=application, dedupe_key=dedupe_key, next_attempt_at=timezone.now(),
    )


def reminders_enqueue(*, day: date) -> int:
    """Write a REMINDER for every confirmed application whose class meets on `day`.

    Run the day before (`manage.py notifications_remind`). Each message has the
    dedupe key "reminder:<application>:<day>", so a second run the same day
    (or two at once) writes nothing new. Returns how many messages were written.
    """
    # Imported here: enrollment.services imports this module.
    from classes.models import ClassSession, ClassStatus
    from enrollment.models import Application, ApplicationStatus

    sessions = {
        session.course_class_id: session
        for session in ClassSession.objects.filter(date=day)
        .exclude(course_class__status=ClassStatus.CANCELLED)
        .order_by("-number")  # two sessions on one day: the first one wins below
    }
    applications = (
        Application.objects.filter(
            status=ApplicationStatus.CONFIRMED, course_class_id__in=list(sessions),
        )
        .select_related("learner", "course_class__course", "course_class__center")
        .order_by("id")
    )
    written = 0
    for application in applications.iterator(chunk_size=500):
        session = sessions[application.course_class_id]
        course_class = application.course_class
        with translation.override(settings.LANGUAGE_CODE):
            when = date_format(datetime.combine(day, session.starts_at), "TIME_FORMAT")
        context = {
            "name": application.learner.name,
            "session": when,
            "class_title": course_class.course.title,
            "center_name": course_class.center.name,
            "helpline": settings.HELPLINE_PHONE,
        }
        try:
            with transaction.atomic():
                message = notification_enqueue(
                    kind=MessageKind.REMINDER, phone=application.learner.phone,
                    context=context, application=application,
                    dedupe_key=f"reminder:{application.pk}:{day.isoformat()}",
                )
        except IntegrityError:  # another run wrote the same reminder a moment ago
            continue
        written += message is not None
    return written


@transaction.atomic
def outbox_retry_now(*, message: OutboxMessage, by: Any) -> bool:
    """Put a pending or failed message first in line (the admin's "retry now").

    It gets a fresh series of attempts: one that had given up after the last
    attempt would otherwise be given up again at once.
    """
    before = message.status
    if before not in (MessageStatus.PENDING, MessageStatus.FAILED):
        return False  # being sent, or already sent
    now = timezone.now()
    changed = OutboxMessage.objects.filter(pk=message.pk, status=before).update(
        status=MessageStatus.PENDING, next_attempt_at=now, claimed_until=None, attempts=0,
    )
    if changed:
        audit_record(
            actor=by, action="notifications.outbox.retry", target=message,
            data={"from": before, "to": MessageStatus.PENDING},
        )
    return bool(changed)


@transaction.atomic
def outbox_mark_failed(*, message: OutboxMessage, by: Any) -> bool:
    """Give up a message that waits for another attempt (the admin's "mark failed")."""
    if message.status != MessageStatus.PENDING:
        return False  # a message being sent finishes its attempt; a sent one stays sent
    changed = OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.PENDING).update(
        status=MessageStatus.FAILED, last_error="marked failed by staff",
    )
    if changed:
        audit_record(
            actor=by, action="notifications.outbox.fail", target=message,
            data={"from": MessageStatus.PENDING, "to": MessageStatus.FAILED},
        )
    return bool(changed)
