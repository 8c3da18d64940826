from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths
from learners.models import Channel


class ApplicationStatus(models.TextChoices):
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Seat offered")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Application cancelled")


# An active application holds a seat or a place in the queue.
ACTIVE_STATUSES = (
    ApplicationStatus.WAITLISTED, ApplicationStatus.OFFERED, ApplicationStatus.CONFIRMED,
)
# Statuses that hold one of the class's seats (CourseClass.seats_taken counts them).
SEAT_STATUSES = (ApplicationStatus.CONFIRMED, ApplicationStatus.OFFERED)


class Application(Scoped, models.Model):
    """A learner's application to a class.

    Written only by `enrollment.services`, which keep `CourseClass.seats_taken`
    equal to the number of applications holding a seat (confirmed or offered).
    The waiting list is the class's WAITLISTED applications ordered by
    (-priority, id).
    """

    scope_paths = ScopePaths(region="course_class__region", center="course_class__center")

    course_class = models.ForeignKey(
        "classes.CourseClass", models.PROTECT, related_name="applications",
        verbose_name=_("class"),
    )
    learner = models.ForeignKey(
        "learners.Learner", models.PROTECT, related_name="applications",
        verbose_name=_("learner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, db_index=True,
    )
    channel = models.CharField(_("applied through"), max_length=10, choices=Channel.choices)
    # 1 when the class gives its target groups priority on the waiting list.
    priority = models.PositiveSmallIntegerField(_("waiting-list priority"), default=0)
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # SHA-256 of the learner's management code (shown once, and sent by SMS).
    manage_code_hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["course_class", "-priority", "id"]
        indexes = [models.Index(fields=["course_class", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["course_class", "learner"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="application_one_active_per_class",
            ),
            models.CheckConstraint(
                name="application_offer_has_deadline",
                condition=~Q(status=ApplicationStatus.OFFERED) | Q(offer_expires_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class IdempotencyRecord(models.Model):
    """The answer given to one `Idempotency-Key`, kept so a retry gets it again.

    Written in the same transaction as the change it answers, so either both
    exist or neither does.
    """

    # "user:<id>" for staff, "public" for callers without a token.
    owner = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    # SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
