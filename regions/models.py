from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet["Region"]):
    def active(self) -> "RegionQuerySet":
        return self.filter(is_active=True)

    def sidos(self) -> "RegionQuerySet":
        return self.filter(level=Region.Level.SIDO)

    def sigungus(self) -> "RegionQuerySet":
        return self.filter(level=Region.Level.SIGUNGU)

    def autonomous(self) -> "RegionQuerySet":
        return self.filter(level=Region.Level.SIGUNGU, is_autonomous=True)

    def eupmyeondongs(self) -> "RegionQuerySet":
        return self.filter(level=Region.Level.EUPMYEONDONG)


class Region(models.Model):
    """A 시·도, an autonomous 시·군·구 or a 행정동 (읍·면·동), by its 행정안전부 code.

    `sido` and `sigungu` point at the row's ancestors at those levels (a row is
    its own `sido` or `sigungu` at its own level), so that "everything in 강남구"
    is one indexed equality filter at any depth.
    """

    class Level(models.TextChoices):
        SIDO = "sido", _("Province or metropolitan city")
        SIGUNGU = "sigungu", _("City, county or district")
        EUPMYEONDONG = "eupmyeondong", _("Town, township or neighbourhood")

    class PointSource(models.TextChoices):
        POLYGON = "polygon", _("Inside its own boundary")
        SIBLING = "sibling", _("From a neighbouring or predecessor area")
        PARENT = "parent", _("From its parent area")

    code = models.CharField(_("code"), max_length=10, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    name = models.CharField(_("name"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=120)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )
    sido = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("province"),
    )
    sigungu = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district"),
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    point_source = models.CharField(
        _("source of the point"), max_length=10, choices=PointSource.choices,
    )
    population = models.PositiveIntegerField(_("population (2020 census)"), null=True, blank=True)
    pension_share = models.DecimalField(
        _("share of basic-pension recipients"), max_digits=5, decimal_places=4,
        null=True, blank=True,
    )
    is_autonomous = models.BooleanField(
        _("autonomous local government"), default=False,
        help_text=_(
            "True for the 227 autonomous cities, counties and districts. 세종특별자치시 "
            "and the administrative cities 제주시 and 서귀포시 are district rows too, so "
            "that every neighbourhood has a district, but are not autonomous."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name


class RegionBoundary(models.Model):
    """A simplified boundary, kept apart so that lists of regions stay light."""

    region = models.OneToOneField(
        Region, models.CASCADE, primary_key=True, related_name="boundary",
    )
    geojson = models.TextField(_("boundary (GeoJSON geometry)"))

    class Meta:
        verbose_name = _("region boundary")
        verbose_name_plural = _("region boundaries")

    def __str__(self) -> str:
        return str(self.region_id)


class RegionCodeAlias(models.Model):
    """An abolished or renamed code (42 → 51 강원, 인천 중구 → 제물포구 …) and its successor."""

    old_code = models.CharField(_("old code"), max_length=10, unique=True)
    region = models.ForeignKey(
        Region, models.CASCADE, related_name="aliases", verbose_name=_("current region"),
    )

    class Meta:
        verbose_name = _("former region code")
        verbose_name_plural = _("former region codes")

    def __str__(self) -> str:
        return f"{self.old_code} → {self.region.code}"
