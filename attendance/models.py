from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")


# Marks that count as attending a session for completion.
ATTENDED = (Presence.PRESENT, Presence.LATE)


class MarkSource(models.TextChoices):
    TABLET = "tablet", _("Class-day screen")
    PAPER = "paper", _("Entered from the sign-in sheet")


class AttendanceMark(Scoped, models.Model):
    """Whether a learner came to one session. One mark per session and application;
    a correction updates the mark (and the audit log keeps the earlier value)."""

    scope_paths = ScopePaths(
        region="session__course_class__region", center="session__course_class__center",
    )

    session = models.ForeignKey(
        "classes.ClassSession", models.CASCADE, related_name="marks", verbose_name=_("session"),
    )
    application = models.ForeignKey(
        "enrollment.Application", models.PROTECT, related_name="marks",
        verbose_name=_("application"),
    )
    presence = models.CharField(_("attendance"), max_length=8, choices=Presence.choices)
    source = models.CharField(_("entered through"), max_length=8, choices=MarkSource.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "application"], name="attendancemark_one_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.get_presence_display()}"


class Certificate(Scoped, models.Model):
    """A certificate of completion (수료증), checkable by anyone with its code."""

    scope_paths = ScopePaths(
        region="application__course_class__region", center="application__course_class__center",
    )

    application = models.OneToOneField(
        "enrollment.Application", models.PROTECT, related_name="certificate",
        verbose_name=_("application"),
    )
    # e.g. "2026-000123": printed on the certificate, one series per year.
    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    # Random, unguessable; the QR code links to the public check page with it.
    verification_code = models.CharField(_("verification code"), max_length=20, unique=True)
    attended_sessions = models.PositiveSmallIntegerField(_("sessions attended"))
    total_sessions = models.PositiveSmallIntegerField(_("sessions"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate of completion")
        verbose_name_plural = _("certificates of completion")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number
