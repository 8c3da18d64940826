from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths
from courses.models import Topic
from privacy.fields import EncryptedTextField


class CenterKind(models.TextChoices):
    COMMUNITY_SERVICE = "community_service", _("Community service centre")
    SENIOR_WELFARE = "senior_welfare", _("Senior welfare centre")
    DISABILITY_WELFARE = "disability_welfare", _("Disability welfare centre")
    SOCIAL_WELFARE = "social_welfare", _("Community social welfare centre")
    LIBRARY = "library", _("Library")
    SENIOR_HALL = "senior_hall", _("Senior citizens' hall")
    CHILDREN = "children", _("Community children's centre")
    HUB = "hub", _("Hub centre")
    OTHER = "other", _("Other")


class CenterStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED_TEMPORARILY = "paused", _("Temporarily closed")
    CLOSED = "closed", _("Closed down")


class AccessibilityFeature(models.TextChoices):
    ELEVATOR = "elevator", _("Elevator")
    WHEELCHAIR = "wheelchair", _("Wheelchair access")
    DISABLED_PARKING = "disabled_parking", _("Disabled parking")
    BRAILLE_VOICE = "braille_voice", _("Braille and voice guidance")
    ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")


def validate_accessibility(value: Any) -> None:
    """A list of distinct AccessibilityFeature values."""
    if not isinstance(value, list):
        raise ValidationError(_("Accessibility features must be a list."), code="invalid")
    known = set(AccessibilityFeature.values)
    for item in value:
        if item not in known:
            raise ValidationError(
                _("%(value)s is not a known accessibility feature."),
                code="invalid_choice", params={"value": item},
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("An accessibility feature is listed twice."), code="duplicate")


def validate_weekdays(value: Any) -> None:
    """A list of distinct weekday numbers, 0 (Monday) to 6 (Sunday)."""
    if not isinstance(value, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6 for day in value
    ):
        raise ValidationError(
            _("Closed weekdays must be numbers from 0 (Monday) to 6 (Sunday)."), code="invalid",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A weekday is listed twice."), code="duplicate")


class Center(Scoped, models.Model):
    """A learning centre (배움터): a standing site, or a hub (거점센터) with outreach sites.

    lat/lon stay nullable in the schema (older rows and fixtures), but the
    services and the import always fill them, from the 행정동's point when the
    source has none.
    """

    scope_paths = ScopePaths(region="region", center="pk")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CenterKind.choices)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="centers",
        verbose_name=_("town or neighbourhood"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CenterStatus.choices, default=CenterStatus.OPEN,
    )
    road_address = models.CharField(_("road address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opening_hours = models.CharField(
        _("opening hours"), max_length=200, blank=True,
        help_text=_("Plain text, for example \"Weekdays 09:00–18:00\"."),
    )
    accessibility = models.JSONField(
        _("accessibility features"), default=list, blank=True,
        validators=[validate_accessibility],
    )
    closed_weekdays = models.JSONField(
        _("closed weekdays"), default=list, blank=True, validators=[validate_weekdays],
        help_text=_("Weekday numbers, 0 = Monday … 6 = Sunday."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning centre")
        verbose_name_plural = _("learning centres")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name

    def accessibility_labels(self) -> list[str]:
        labels = dict(AccessibilityFeature.choices)
        return [str(labels[code]) for code in self.accessibility if code in labels]


class CenterClosure(Scoped, models.Model):
    """A day a centre is closed (휴관일) beyond its weekly closed days."""

    scope_paths = ScopePaths(region="center__region", center="center")

    center = models.ForeignKey(
        Center, models.CASCADE, related_name="closures", verbose_name=_("learning centre"),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["center", "date"]
        constraints = [
            models.UniqueConstraint(fields=["center", "date"], name="center_closure_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.center} · {self.date}"


class OutreachSite(Scoped, models.Model):
    """A place a hub centre sends instructors to (파견처): a 경로당, a 복지관, a company."""

    scope_paths = ScopePaths(region="region", center="hub")

    hub = models.ForeignKey(
        Center, models.PROTECT, related_name="outreach_sites", verbose_name=_("hub centre"),
    )
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("town or neighbourhood"),
    )
    road_address = models.CharField(_("road address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach site")
        verbose_name_plural = _("outreach sites")

    def __str__(self) -> str:
        return self.name


class BusVehicle(Scoped, models.Model):
    """A mobile learning bus (찾아가는 디지털 배움터 버스), run from a hub centre."""

    scope_paths = ScopePaths(region="base__region", center="base")

    name = models.CharField(_("name"), max_length=100)
    plate_number = models.CharField(_("plate number"), max_length=20, blank=True)
    base = models.ForeignKey(
        Center, models.PROTECT, related_name="buses", verbose_name=_("base centre"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning bus")
        verbose_name_plural = _("learning buses")

    def __str__(self) -> str:
        return self.name


class BusVisit(Scoped, models.Model):
    """One stop of a bus: where, on which day, from when to when."""

    scope_paths = ScopePaths(region="region", center="vehicle__base")

    vehicle = models.ForeignKey(
        BusVehicle, models.PROTECT, related_name="visits", verbose_name=_("learning bus"),
    )
    stop_name = models.CharField(_("stop"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("town or neighbourhood"),
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bus visit")
        verbose_name_plural = _("bus visits")
        ordering = ["date", "starts_at"]

    def __str__(self) -> str:
        return f"{self.vehicle} · {self.stop_name} · {self.date}"


class OutreachStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    DECLINED = "declined", _("Declined")


class OutreachRequest(Scoped, models.Model):
    """파견교육 신청: an organisation asks a hub for a class at its own site.

    requested → accepted → scheduled, or declined (with a reason) before it is
    scheduled. The contact's name and phone are personal data: encrypted at
    rest, masked in lists, and logged when shown whole.
    """

    scope_paths = ScopePaths(region="region", center="hub")

    hub = models.ForeignKey(
        Center, models.PROTECT, related_name="outreach_requests", verbose_name=_("hub centre"),
    )
    organisation = models.CharField(_("organisation"), max_length=100)
    contact_name = EncryptedTextField(_("contact name"))
    contact_phone = EncryptedTextField(_("contact phone"))
    road_address = models.CharField(_("address of the site"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("area"),
    )
    topic = models.CharField(_("wanted topic"), max_length=20, choices=Topic.choices)
    preferred_start = models.DateField(_("preferred from"))
    preferred_end = models.DateField(_("preferred until"))
    expected_learners = models.PositiveSmallIntegerField(_("expected learners"))
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutreachStatus.choices,
        default=OutreachStatus.REQUESTED,
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    site = models.ForeignKey(
        OutreachSite, models.PROTECT, null=True, blank=True, related_name="requests",
        verbose_name=_("outreach site"),
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach request")
        verbose_name_plural = _("outreach requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined", decision_reason=""),
                name="outreach_request_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="scheduled", site__isnull=True),
                name="outreach_request_scheduled_has_site",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_status_display()}"
