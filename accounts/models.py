import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedTextField


class User(AbstractUser):
    """A staff member's login. Learners apply without an account."""

    # Set only through accounts.services.user_phone_set, which keeps the blind index in step.
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(_("phone search key"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    REGIONAL_OFFICER = "regional_officer", _("Regional officer")
    CENTER_MANAGER = "center_manager", _("Centre manager")
    INSTRUCTOR = "instructor", _("Instructor")
    SUPPORTER = "supporter", _("Supporter")


CENTER_ROLES = (Role.CENTER_MANAGER, Role.INSTRUCTOR, Role.SUPPORTER)


class RoleGrant(models.Model):
    """One role a user holds, with the region or centre it reaches.

    A user may hold several grants (a manager of two centres has two). What a
    grant lets a user see is decided in one place: accounts.scoping.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="role_grants",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region"),
        help_text=_("For a regional officer: a province or a city, county or district."),
    )
    center = models.ForeignKey(
        "centers.Center", models.CASCADE, null=True, blank=True, related_name="role_grants",
        verbose_name=_("centre"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                name="rolegrant_reach_matches_role",
                condition=(
                    Q(role=Role.NATIONAL_ADMIN, region__isnull=True, center__isnull=True)
                    | Q(role=Role.REGIONAL_OFFICER, region__isnull=False, center__isnull=True)
                    | Q(role__in=CENTER_ROLES, region__isnull=True, center__isnull=False)
                ),
            ),
            # One grant per reach; partial constraints because SQLite treats NULLs as distinct.
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(role=Role.NATIONAL_ADMIN),
                name="rolegrant_unique_national",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"], condition=Q(region__isnull=False),
                name="rolegrant_unique_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "center"], condition=Q(center__isnull=False),
                name="rolegrant_unique_center",
            ),
        ]

    def __str__(self) -> str:
        reach = self.region or self.center or _("nationwide")
        return f"{self.user} · {self.get_role_display()} · {reach}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True,
        )


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
        verbose_name=_("user"),
    )
    key_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    prefix = models.CharField(_("first characters"), max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"
