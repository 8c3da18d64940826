"""Practice attempts on the simulator.

Scenarios are files (kiosk/scenarios/, `kiosk.engine`), not rows: adding one
needs no migration. An attempt names its scenario by slug and the version
(hash of the file) it was played on.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths


class PracticeMode(models.TextChoices):
    GUIDED = "guided", _("Follow along")
    PRACTICE = "practice", _("Practice")
    REAL = "real", _("Like the real thing")


class Attempt(Scoped, models.Model):
    """One go at a scenario by a learner whose application is open in the browser.

    Anonymous practice is never sent here: it stays on the device. The
    browser makes the id, so sending the same attempt again (a retry after
    the signal dropped) stores it once. The counts are the server's replay
    of `events` (kiosk.engine.replay), never the browser's own figures.
    """

    scope_paths = ScopePaths(region="center__region", center="center")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        "learners.Learner", models.PROTECT, related_name="practice_attempts",
        verbose_name=_("learner"),
    )
    # The class the learner practised for (their application), which puts the
    # attempt in a centre's scope and on the instructor's class page.
    application = models.ForeignKey(
        "enrollment.Application", models.PROTECT, null=True, blank=True,
        related_name="practice_attempts", verbose_name=_("application"),
    )
    center = models.ForeignKey(
        "centers.Center", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("centre"),
    )
    scenario = models.SlugField(_("scenario"), max_length=60)
    scenario_version = models.CharField(_("scenario version"), max_length=16)
    mode = models.CharField(_("mode"), max_length=10, choices=PracticeMode.choices)
    barrier_free = models.BooleanField(_("barrier-free"), default=False)
    # Real-life mode's layout variant (button order, colours, wording) is drawn from it.
    seed = models.PositiveIntegerField(_("layout seed"), default=0)
    started_at = models.DateTimeField(_("started at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    seconds = models.PositiveIntegerField(_("seconds"))
    steps = models.PositiveIntegerField(_("taps"))
    wrong_taps = models.PositiveIntegerField(_("wrong taps"))
    hints = models.PositiveIntegerField(_("hints"))
    timeouts = models.PositiveIntegerField(_("time-outs"))
    finished = models.BooleanField(_("finished"))
    goal_reached = models.BooleanField(_("goal reached"))
    # Screens where a wrong tap, a hint or a time-out happened, in order.
    trouble = models.JSONField(_("where it went wrong"), default=list, blank=True)
    events = models.JSONField(_("events"), default=list)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice attempt")
        verbose_name_plural = _("practice attempts")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["learner", "scenario", "started_at"])]
        constraints = [
            models.CheckConstraint(
                name="attempt_goal_only_when_finished",
                condition=Q(finished=True) | Q(goal_reached=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} ({self.get_mode_display()})"
