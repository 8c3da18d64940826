"""One-time SMS codes that confirm an online applicant's phone.

The web flow keeps the verification's id in the session; the API client
sends it back with the application. Codes are six digits, valid for
VERIFICATION_MINUTES, with at most VERIFICATION_MAX_TRIES wrong tries, and at
most VERIFICATION_MAX_PER_HOUR codes per phone per hour.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learners.models import PhoneVerification
from learners.services import phone_index_of
from lib.ratelimit import window_count
from notifications.models import MessageKind
from notifications.services import is_mobile, notification_enqueue
from privacy.phone import normalize_phone

VERIFICATION_MINUTES = 10
VERIFICATION_MAX_TRIES = 5
VERIFICATION_MAX_PER_HOUR = 5
# Codes one client address may ask for per hour, whatever the phones: without
# it, one address could send texts to any number of phones (cost, nuisance).
# Generous: a centre or a library may have many learners behind one address.
VERIFICATION_MAX_PER_CLIENT_HOUR = 30


def _hash(verification_id: uuid.UUID, code: str) -> str:
    # The id salts the hash: a six-digit code alone is easy to brute-force offline.
    return hashlib.sha256(f"{verification_id}:{code.strip()}".encode()).hexdigest()


def _client_count(client: str) -> int:
    """Count one more code asked for by `client` in this hour (in the cache)."""
    key = f"phone-verification-client:{client}:{int(timezone.now().timestamp() // 3600)}"
    return window_count(key, 3600)


@transaction.atomic
def phone_verification_start(*, phone: str, client: str | None = None) -> PhoneVerification:
    """Send a new code to `phone` (through the outbox); `client` is the asking address."""
    digits = normalize_phone(phone)
    if not is_mobile(digits):
        raise ValidationError(
            _("A confirmation code can only be sent to a mobile phone (010 …)."),
            code="not_mobile",
        )
    if client is not None and _client_count(client) > VERIFICATION_MAX_PER_CLIENT_HOUR:
        raise ValidationError(
            _("Too many codes were asked for from here. Please try again in an hour."),
            code="too_many",
        )
    index = phone_index_of(digits)
    now = timezone.now()
    recent = PhoneVerification.objects.filter(
        phone_index=index, created_at__gte=now - timedelta(hours=1),
    ).count()
    if recent >= VERIFICATION_MAX_PER_HOUR:
        raise ValidationError(
            _("Too many codes were sent to this number. Please try again in an hour."),
            code="too_many",
        )
    code = f"{secrets.randbelow(10**6):06d}"
    verification = PhoneVerification(
        phone_index=index, expires_at=now + timedelta(minutes=VERIFICATION_MINUTES),
    )
    verification.code_hash = _hash(verification.id, code)
    verification.save()
    notification_enqueue(kind=MessageKind.VERIFICATION, phone=digits, context={"code": code})
    return verification


def phone_verification_check(*, verification_id: uuid.UUID | str, phone: str, code: str) -> None:
    """Mark the verification confirmed, or raise ValidationError saying why not."""
    wrong = ValidationError(_("The code is not right. Please check the message."), code="wrong")
    try:
        verification = PhoneVerification.objects.get(pk=verification_id)
    except (PhoneVerification.DoesNotExist, ValidationError, ValueError):
        raise wrong from None
    if verification.phone_index != phone_index_of(normalize_phone(phone)):
        raise wrong
    expired = ValidationError(
        _("The code has expired. Please ask for a new one."), code="expired",
    )
    if verification.expires_at < timezone.now() or verification.attempts >= VERIFICATION_MAX_TRIES:
        raise expired
    # The try is counted before the code is compared, with a condition: many
    # guesses sent at once get no more than VERIFICATION_MAX_TRIES between them.
    counted = PhoneVerification.objects.filter(
        pk=verification.pk, attempts__lt=VERIFICATION_MAX_TRIES,
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise expired
    if not hmac.compare_digest(verification.code_hash, _hash(verification.id, code)):
        raise wrong
    if verification.verified_at is None:
        PhoneVerification.objects.filter(pk=verification.pk).update(verified_at=timezone.now())


def phone_verification_use(*, verification_id: uuid.UUID | str, phone: str) -> None:
    """Spend a confirmed verification on one application. Call inside its transaction.

    The compare-and-swap on `used_at` lets one application use it, not two.
    """
    not_confirmed = ValidationError(
        _("Please confirm your phone with the code we sent first."), code="not_verified",
    )
    try:
        used = PhoneVerification.objects.filter(
            pk=verification_id, phone_index=phone_index_of(phone), verified_at__isnull=False,
            used_at__isnull=True,
            verified_at__gte=timezone.now() - timedelta(hours=1),
        ).update(used_at=timezone.now())
    except (ValidationError, ValueError):
        raise not_confirmed from None
    if used != 1:
        raise not_confirmed
