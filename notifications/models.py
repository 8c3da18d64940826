from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedTextField


class MessageKind(models.TextChoices):
    RECEIVED = "received", _("Application received")
    CONFIRMED = "confirmed", _("Place confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Seat offered from the waiting list")
    PROMOTED = "promoted", _("Confirmed from the waiting list")
    REMINDER = "reminder", _("Reminder the day before")
    CANCELLED = "cancelled", _("Application cancelled")
    COMPLETED = "completed", _("Course completed")
    VERIFICATION = "verification", _("Phone confirmation code")
    SURVEY = "survey", _("Satisfaction survey link")
    SURVEY_FOLLOW_UP = "survey_follow_up", _("Three-month follow-up survey link")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """A text message to send, written in the transaction of the change that causes it.

    `notifications.services.notification_enqueue` is the only writer of new
    rows; the `notifications_send` worker claims a row with a compare-and-swap
    on (status, claimed_until) so two workers never send it twice.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    application = models.ForeignKey(
        "enrollment.Application", models.CASCADE, null=True, blank=True,
        related_name="messages", verbose_name=_("application"),
    )
    phone = EncryptedTextField(_("phone"))
    body = EncryptedTextField(_("message"))
    # Makes an enqueue repeatable: e.g. "reminder:<application>:<date>".
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status__in=["pending", "sending"]),
                name="outbox_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
