from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import Scoped, ScopedQuerySet, ScopePaths


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


class Center(Scoped, models.Model):
    """A learning centre (배움터). The centres issue adds addresses, hours and the rest."""

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

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning centre")
        verbose_name_plural = _("learning centres")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


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
