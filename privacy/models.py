from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLogImmutableError(Exception):
    """An access-log row was about to be changed after it was written."""


class AccessLog(models.Model):
    """One showing of personal data: who saw whose records, when, from where, why.

    Written only by privacy.services.pii_access_record; kept for
    ACCESS_LOG_RETENTION and then removed by `manage.py access_log_prune`.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        SEARCH = "search", _("Searched")
        EXPORT = "export", _("Exported")
        PRINT = "print", _("Printed")
        API = "api", _("Read through the API")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("staff member"),
    )
    # A copy, so the entry still names the person after their account is deleted.
    actor_label = models.CharField(_("username"), max_length=150, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("page"), max_length=500, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    subject_type = models.CharField(_("record type"), max_length=100)
    # Empty when one entry stands for a bulk export of many records.
    subject_id = models.CharField(_("record id"), max_length=40, blank=True)
    record_count = models.PositiveIntegerField(_("number of records"), default=1)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.subject_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one rule in a save(): append-only is a storage property of the
        # access log, not a business rule. PIPA's safety standard requires
        # access records to be kept safe from alteration, so no code path
        # (admin, shell, a future service) may rewrite an entry once written.
        if not self._state.adding:
            raise AccessLogImmutableError("Access-log entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)
