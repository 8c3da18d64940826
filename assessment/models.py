"""The competency framework, the item bank, and the diagnostics learners take.

Items are data: an `Item` is the stable identity of a question, and every
change to its wording or its IRT parameters is a new `ItemVersion`. A response
points at the version that was shown, so an old result can always be
re-read with the parameters it was scored with.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths


class Area(models.TextChoices):
    """The five areas of the framework (DigComp 2.2 and Korea's adult digital-literacy survey)."""

    DEVICE = "device", _("Using the device")
    INFORMATION = "information", _("Finding and using information")
    COMMUNICATION = "communication", _("Messaging and video calls")
    SERVICES = "services", _("Everyday services")
    SAFETY = "safety", _("Digital safety")


class ItemLevel(models.TextChoices):
    """The course levels an item (and a placement) maps to: courses.Level's first three."""

    BASIC = "basic", _("Basic")
    EVERYDAY = "everyday", _("Everyday life")
    ADVANCED = "advanced", _("Advanced")


class ParameterSource(models.TextChoices):
    EXPERT = "expert", _("Initial expert values")
    CALIBRATED = "calibrated", _("Calibrated from responses")


class Item(models.Model):
    """A question's stable identity; its text and parameters live in versions."""

    key = models.SlugField(_("item key"), max_length=40, unique=True)
    area = models.CharField(_("area"), max_length=16, choices=Area.choices, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=ItemLevel.choices)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["area", "level", "key"]

    def __str__(self) -> str:
        return self.key


class Calibration(models.Model):
    """One run of `manage.py assessment_calibrate`: what it estimated from what."""

    created_at = models.DateTimeField(_("run at"), default=timezone.now)
    model = models.CharField(_("IRT model"), max_length=8)  # "2PL" or "3PL"
    responses = models.PositiveIntegerField(_("responses used"))
    learners = models.PositiveIntegerField(_("learners"))
    # {"items": [{"key", "a", "b", "c", "n", "misfit", "reason"}], "skipped": [...]}
    report = models.JSONField(_("report"), default=dict)
    applied = models.BooleanField(_("new versions stored"), default=False)

    class Meta:
        verbose_name = _("calibration")
        verbose_name_plural = _("calibrations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.model} {self.created_at:%Y-%m-%d}"


class ItemVersion(models.Model):
    """What a learner saw and how it is scored: wording, options, answer, IRT parameters.

    `screen` describes a mock screen for scenario items (see
    docs/assessment.md, "Scenario screens"); it is rendered as HTML, with a
    text alternative, never as an image file.
    """

    item = models.ForeignKey(Item, models.PROTECT, related_name="versions", verbose_name=_("item"))
    version = models.PositiveSmallIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    stem = models.TextField(_("question"))
    screen = models.JSONField(_("screen shown"), null=True, blank=True)
    # [{"key": "a", "text": "..."}, ...]; 2 to 4 options.
    options = models.JSONField(_("options"))
    answer = models.CharField(_("correct option"), max_length=4)
    a = models.FloatField(
        _("discrimination (a)"), validators=[MinValueValidator(0.05), MaxValueValidator(4.0)],
    )
    b = models.FloatField(
        _("difficulty (b)"), validators=[MinValueValidator(-4.0), MaxValueValidator(4.0)],
    )
    c = models.FloatField(
        _("guessing (c)"), default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
    )
    source = models.CharField(_("parameters from"), max_length=10, choices=ParameterSource.choices)
    calibration = models.ForeignKey(
        Calibration, models.PROTECT, null=True, blank=True, related_name="item_versions",
        verbose_name=_("calibration"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="itemversion_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(is_current=True), name="itemversion_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.key} v{self.version}"


class Form(models.Model):
    """A fixed form: the same items in the same order for everyone (comparability, paper)."""

    key = models.SlugField(_("form key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("fixed form")
        verbose_name_plural = _("fixed forms")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class FormItem(models.Model):
    form = models.ForeignKey(Form, models.CASCADE, related_name="form_items")
    item_version = models.ForeignKey(ItemVersion, models.PROTECT, related_name="form_items")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["form", "position"]
        constraints = [
            models.UniqueConstraint(fields=["form", "position"], name="formitem_unique_position"),
            models.UniqueConstraint(fields=["form", "item_version"], name="formitem_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id}:{self.position}"


class Purpose(models.TextChoices):
    PRE = "pre", _("Before the course")
    POST = "post", _("After the course")
    PLACEMENT = "placement", _("Placement")


class Mode(models.TextChoices):
    ADAPTIVE = "adaptive", _("Adaptive")
    FIXED = "fixed", _("Fixed form")


class TakenVia(models.TextChoices):
    SELF = "self", _("By the learner on a phone or tablet")
    PAPER = "paper", _("On paper, entered by staff")


class DiagnosticStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ABANDONED = "abandoned", _("Abandoned")


class Diagnostic(Scoped, models.Model):
    """One sitting of a test: a pre-test, a post-test or a placement test.

    Written only by `assessment.services`. Every answer is saved as a
    `Response` the moment it is given, so a sitting can be paused and resumed
    and nothing is lost. Scores are set when the sitting completes.
    """

    scope_paths = ScopePaths(region="center__region", center="center")

    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    taken_via = models.CharField(_("taken"), max_length=6, choices=TakenVia.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=DiagnosticStatus.choices,
        default=DiagnosticStatus.IN_PROGRESS, db_index=True,
    )
    # Pre- and post-tests belong to an application (learner + class); a
    # placement test may be anonymous (learner and application empty).
    application = models.ForeignKey(
        "enrollment.Application", models.PROTECT, null=True, blank=True,
        related_name="diagnostics", verbose_name=_("application"),
    )
    learner = models.ForeignKey(
        "learners.Learner", models.PROTECT, null=True, blank=True, related_name="diagnostics",
        verbose_name=_("learner"),
    )
    center = models.ForeignKey(
        "centers.Center", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("centre"),
    )
    form = models.ForeignKey(
        Form, models.PROTECT, null=True, blank=True, related_name="diagnostics",
        verbose_name=_("fixed form"),
    )
    # SHA-256 of the resume code a self-taken sitting is continued with.
    resume_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    # Results (set on completion): θ on the IRT scale, and the 0–100 score.
    theta = models.FloatField(_("ability (θ)"), null=True, blank=True)
    theta_se = models.FloatField(_("standard error of θ"), null=True, blank=True)
    score = models.FloatField(_("score (0–100)"), null=True, blank=True)
    score_se = models.FloatField(_("standard error of the score"), null=True, blank=True)
    # {"device": {"theta", "theta_se", "score", "score_se", "items"}, ...}
    area_scores = models.JSONField(_("scores per area"), default=dict, blank=True)
    placement_level = models.CharField(
        _("recommended level"), max_length=10, choices=ItemLevel.choices, blank=True,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["-started_at"]
        constraints = [
            # One pre-test and one post-test per application (an abandoned
            # sitting does not count, so the learner can start again).
            models.UniqueConstraint(
                fields=["application", "purpose"],
                condition=Q(application__isnull=False) & ~Q(status="abandoned"),
                name="diagnostic_one_per_application_purpose",
            ),
            models.CheckConstraint(
                name="diagnostic_course_test_has_application",
                condition=Q(purpose="placement") | Q(application__isnull=False),
            ),
            models.CheckConstraint(
                name="diagnostic_fixed_has_form",
                condition=~Q(mode="fixed") | Q(form__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"


class Response(models.Model):
    """One answer, saved the moment it is given (or entered from paper)."""

    diagnostic = models.ForeignKey(
        Diagnostic, models.CASCADE, related_name="responses", verbose_name=_("diagnostic"),
    )
    item_version = models.ForeignKey(
        ItemVersion, models.PROTECT, related_name="responses", verbose_name=_("item"),
    )
    position = models.PositiveSmallIntegerField(_("order"))
    # The option key chosen; "" for "잘 모르겠어요" (counted as not correct).
    choice = models.CharField(_("answer"), max_length=4, blank=True)
    correct = models.BooleanField(_("correct"))
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    # The running estimate after this answer (adaptive sittings), for audit and resume.
    theta_after = models.FloatField(null=True, blank=True)
    se_after = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["diagnostic", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "item_version"], name="response_once_per_item",
            ),
            models.UniqueConstraint(
                fields=["diagnostic", "position"], name="response_unique_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diagnostic_id}:{self.position}"
