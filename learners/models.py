import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths
from courses.models import validate_target_groups
from privacy.fields import EncryptedTextField
from privacy.masking import mask_name, mask_phone


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class DisabilityStatus(models.TextChoices):
    """Sensitive information (PIPA art. 23): kept only with its own consent."""

    REGISTERED = "registered", _("Registered disability")
    NONE = "none", _("No disability")


class Channel(models.TextChoices):
    """How something reached the programme: an application, a consent, a record."""

    ONLINE = "online", _("Online")
    PHONE = "phone", _("By phone")
    WALK_IN = "walk_in", _("In person")
    PROXY = "proxy", _("On someone's behalf")


class Learner(Scoped, models.Model):
    """One person who learns with the programme (no login account).

    One person is one learner: the same phone and the same name are the same
    person (a couple sharing one phone are two learners). Name and phone are
    encrypted; `phone_index` and `name_index` are blind indexes kept in step by
    `learners.services`, the only writer. A merged duplicate keeps its row
    (and its history) and points at the learner it was merged into.

    Staff see a learner through the classes the learner applied to.
    """

    scope_paths = ScopePaths(
        region="applications__course_class__region",
        center="applications__course_class__center",
    )

    name = EncryptedTextField(_("name"))
    phone = EncryptedTextField(_("phone"))
    phone_index = models.CharField(_("phone search key"), max_length=64, db_index=True)
    name_index = models.CharField(_("name search key"), max_length=64)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    residence = models.ForeignKey(
        "regions.Region", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("town or neighbourhood of residence"),
    )
    target_groups = models.JSONField(
        _("target groups"), default=list, blank=True, validators=[validate_target_groups],
        help_text=_("Disability is not kept here: it is sensitive and has its own consent."),
    )
    # Encrypted like the name: sensitive information under PIPA art. 23.
    disability = EncryptedTextField(
        _("disability"), blank=True, choices=DisabilityStatus.choices,
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    created_channel = models.CharField(
        _("registered through"), max_length=10, choices=Channel.choices,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("registered by"),
    )
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_from",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One person is one learner; a merged duplicate steps aside.
            models.UniqueConstraint(
                fields=["phone_index", "name_index"], condition=Q(merged_into__isnull=True),
                name="learner_one_person",
            ),
            models.CheckConstraint(
                name="learner_birth_year_plausible",
                condition=Q(birth_year__gte=1900, birth_year__lte=2100),
            ),
        ]

    def __str__(self) -> str:
        return f"{mask_name(self.name)} ({mask_phone(self.phone)})"


class ConsentKind(models.TextChoices):
    PERSONAL_INFO = "personal_info", _("Collection and use of personal information")
    SENSITIVE_INFO = "sensitive_info", _("Collection and use of disability information")


class ProxyRelationship(models.TextChoices):
    FAMILY = "family", _("Family member")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CARER = "carer", _("Carer")
    OTHER = "other", _("Other")


class Consent(models.Model):
    """One consent a learner gave: what, to which notice, when, how, through whom.

    Consents are never edited: withdrawing sets `withdrawn_at`, agreeing again
    adds a row.
    """

    learner = models.ForeignKey(
        Learner, models.CASCADE, related_name="consents", verbose_name=_("learner"),
    )
    kind = models.CharField(_("consent to"), max_length=20, choices=ConsentKind.choices)
    notice_version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    channel = models.CharField(_("through"), max_length=10, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by staff member"),
    )
    proxy_name = EncryptedTextField(_("applied on behalf by"), blank=True)
    proxy_phone = EncryptedTextField(_("phone of the person applying on behalf"), blank=True)
    proxy_relationship = models.CharField(
        _("relationship"), max_length=20, choices=ProxyRelationship.choices, blank=True,
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_at:%Y-%m-%d}"


class PhoneVerification(models.Model):
    """A one-time code sent by SMS to confirm that an applicant holds the phone.

    Only the code's hash is kept. A verification is used once, by one
    application (`used_at`); it expires, and allows a few wrong tries.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone confirmation")
        verbose_name_plural = _("phone confirmations")

    def __str__(self) -> str:
        return str(self.id)
