"""The outbox: messages are written here, in the caller's transaction, and
delivered later by `manage.py notifications_send` (notifications.worker)."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import MessageKind, OutboxMessage
from privacy.phone import MOBILE_PREFIXES, normalize_phone


def is_mobile(phone: str) -> bool:
    return phone[:3] in MOBILE_PREFIXES


def message_render(kind: MessageKind | str, context: dict[str, Any]) -> str:
    """The Korean text of a message (templates/notifications/sms/<kind>.txt)."""
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
