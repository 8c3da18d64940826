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

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning centre")
        verbose_name_plural = _("learning centres")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name
