from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    BASIC = "basic", _("Basic")
    EVERYDAY = "everyday", _("Everyday life")
    ADVANCED = "advanced", _("Advanced")
    SPECIAL = "special", _("Special")
    JOBS = "jobs", _("Jobs and start-ups")


class Topic(models.TextChoices):
    SMARTPHONE = "smartphone", _("Smartphone basics")
    KIOSK = "kiosk", _("Kiosks")
    MESSENGER = "messenger", _("Messengers and video calls")
    INTERNET = "internet", _("Internet and search")
    FINANCE = "finance", _("Banking and transfers")
    TRANSPORT = "transport", _("Transport and bookings")
    SHOPPING = "shopping", _("Shopping and delivery")
    PUBLIC_SERVICES = "public_services", _("Public services (Government24 and more)")
    SAFETY = "safety", _("Digital safety (smishing, voice phishing)")
    SNS = "sns", _("Social media and YouTube")
    OFFICE = "office", _("Office software")
    AI = "ai", _("Using AI")
    OTHER = "other", _("Other")


class TargetGroup(models.TextChoices):
    SENIORS = "seniors", _("Older people")
    DISABLED = "disabled", _("People with disabilities")
    FARMERS_FISHERS = "farmers_fishers", _("Farmers and fishers")
    LOW_INCOME = "low_income", _("Low-income households")
    MULTICULTURAL = "multicultural", _("Multicultural families")
    SMALL_BUSINESS = "small_business", _("Small-business owners")
    CAREER_BREAK = "career_break", _("People returning to work")
    YOUTH = "youth", _("Children and young people")
    GENERAL = "general", _("Everyone")


def validate_target_groups(value: Any) -> None:
    """A list of distinct TargetGroup values."""
    if not isinstance(value, list):
        raise ValidationError(_("Target groups must be a list."), code="invalid")
    known = set(TargetGroup.values)
    for item in value:
        if item not in known:
            raise ValidationError(
                _("%(value)s is not a known target group."),
                code="invalid_choice", params={"value": item},
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("A target group is listed twice."), code="duplicate")


class Course(models.Model):
    """A course in the national catalogue; a class is a course given somewhere."""

    title = models.CharField(_("title"), max_length=120, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    target_groups = models.JSONField(
        _("target groups"), default=list, blank=True, validators=[validate_target_groups],
    )
    summary = models.TextField(_("summary"))
    goals = models.TextField(_("learning goals"))
    session_count = models.PositiveSmallIntegerField(
        _("number of sessions"), validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    minutes_per_session = models.PositiveSmallIntegerField(
        _("minutes per session"), default=120,
        validators=[MinValueValidator(30), MaxValueValidator(480)],
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A learner completes the course by attending at least this share "
                    "of its sessions."),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["level", "topic", "title"]
        constraints = [
            models.CheckConstraint(
                name="course_has_sessions", condition=Q(session_count__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def hours(self) -> float:
        return self.session_count * self.minutes_per_session / 60

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels[code]) for code in self.target_groups if code in labels]


class LessonPlan(models.Model):
    """What one session of a course covers."""

    course = models.ForeignKey(
        Course, models.CASCADE, related_name="lesson_plans", verbose_name=_("course"),
    )
    number = models.PositiveSmallIntegerField(_("session"))
    title = models.CharField(_("title"), max_length=120)
    content = models.TextField(_("content"))

    class Meta:
        verbose_name = _("lesson plan")
        verbose_name_plural = _("lesson plans")
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="lessonplan_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.number}"
