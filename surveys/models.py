"""Satisfaction surveys at a course's end, and the follow-up three months later.

The questions live in code (`surveys.questionnaire`), versioned; a response
stores the version it answered and its answers by question key. Responses are
tied to an application (one per application and kind) so the follow-up can
be linked to the same learner, but instructors only ever see aggregates.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths


class SurveyKind(models.TextChoices):
    COURSE_END = "course_end", _("End of course")
    FOLLOW_UP = "follow_up", _("Three months later")


class AnsweredVia(models.TextChoices):
    PHONE = "phone", _("On the learner's phone")
    TABLET = "tablet", _("On a tablet at the centre")
    PAPER = "paper", _("On paper, entered by staff")


class SurveyResponse(Scoped, models.Model):
    """One learner's answers to one survey; written only by `surveys.services`."""

    scope_paths = ScopePaths(
        region="application__course_class__region", center="application__course_class__center",
    )

    application = models.ForeignKey(
        "enrollment.Application", models.PROTECT, related_name="survey_responses",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("survey"), max_length=12, choices=SurveyKind.choices)
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=20)
    # {"instructor": 5, "content": 4, ...}: 1–5, or absent when left blank.
    answers = models.JSONField(_("answers"))
    comment = models.TextField(_("comment"), blank=True)
    # The 100-point score (surveys.scoring); None when no scored question was answered.
    score = models.FloatField(_("score (0–100)"), null=True, blank=True)
    answered_via = models.CharField(_("answered"), max_length=8, choices=AnsweredVia.choices)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="surveyresponse_one_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class SurveyInvitation(models.Model):
    """A link to answer a survey on one's own phone (sent by SMS).

    The link carries a random token; only its SHA-256 is stored.
    """

    application = models.ForeignKey(
        "enrollment.Application", models.PROTECT, related_name="survey_invitations",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("survey"), max_length=12, choices=SurveyKind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("open until"))
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="surveyinvitation_one_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.application_id}"
