import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CENTER_ROLES, ApiToken, Role, RoleGrant, User, hash_token
from audit.services import audit_record
from centers.models import Center
from privacy.fields import blind_index, normalize_phone
from regions.models import Region

TOKEN_BYTES = 32


@transaction.atomic
def role_grant_create(
    *, user: User, role: Role, region: Region | None = None, center: Center | None = None,
    granted_by: User | None = None,
) -> RoleGrant:
    if role == Role.REGIONAL_OFFICER:
        if region is None or region.level not in (Region.Level.SIDO, Region.Level.SIGUNGU):
            raise ValidationError(
                _("A regional officer needs a province or a city, county or district.")
            )
    elif role in CENTER_ROLES and center is None:
        raise ValidationError(_("This role needs a centre."))
    grant = RoleGrant(user=user, role=role, region=region, center=center)
    grant.full_clean()
    grant.save()
    audit_record(actor=granted_by, action="role_grant.create", target=grant)
    return grant


@transaction.atomic
def role_grant_delete(
    *, grant: RoleGrant, deleted_by: User | AnonymousUser | None = None,
) -> None:
    # Recorded before the row goes, while the grant still has its id.
    audit_record(actor=deleted_by, action="role_grant.delete", target=grant)
    grant.delete()


@transaction.atomic
def api_token_create(*, user: User, lifetime: timedelta | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; the raw token is returned once and never stored."""
    raw = "bt_" + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + (lifetime or settings.API_TOKEN_LIFETIME),
    )
    audit_record(actor=user, action="api_token.create", target=token)
    return token, raw


def api_token_revoke(*, token: ApiToken, revoked_by: User | None = None) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=revoked_by, action="api_token.revoke", target=token)


def api_token_authenticate(raw: str) -> User | None:
    tokens = ApiToken.objects.usable().select_related("user")
    token = tokens.filter(key_hash=hash_token(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    # Recording the last use is best-effort bookkeeping: write at most once a minute.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_phone_set(*, user: User, phone: str, changed_by: User | None = None) -> None:
    """Set or clear a staff member's phone, stored encrypted with its blind index.

    Raises ValidationError for a number that is not a Korean phone number. The
    audit entry records that the phone changed, never the number.
    """
    digits = normalize_phone(phone) if phone.strip() else ""
    user.phone = digits
    user.phone_index = blind_index(digits, purpose="phone")
    user.save(update_fields=["phone", "phone_index"])
    audit_record(actor=changed_by, action="user.phone_set", target=user)
