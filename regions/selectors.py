from regions.models import Region, RegionCodeAlias, RegionQuerySet


def region_list(*, level: str | None = None, parent_code: str | None = None) -> RegionQuerySet:
    regions = Region.objects.active().select_related("parent").order_by("code")
    if level:
        regions = regions.filter(level=level)
    if parent_code:
        parent = region_get_by_code(parent_code)
        regions = regions.filter(parent=parent) if parent else regions.none()
    return regions


def region_get_by_code(code: str) -> Region | None:
    """The current region for a code, following old codes (42 → 51 강원 …) to their successor."""
    region = Region.objects.filter(code=code).first()
    if region is not None:
        return region
    alias = RegionCodeAlias.objects.select_related("region").filter(old_code=code).first()
    return alias.region if alias else None
