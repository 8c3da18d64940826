import random

import pytest

from centers import demo
from centers.models import (
    BusVehicle,
    BusVisit,
    Center,
    CenterKind,
    OutreachRequest,
    OutreachSite,
    OutreachStatus,
)
from demo.seeding import DemoContext
from lib.geo import haversine_km

pytestmark = pytest.mark.django_db


def _seed(seed: int = 2026) -> DemoContext:
    context = DemoContext(scale="small", rng=random.Random(seed))
    demo.seed(context)
    return context


def _rows() -> list[tuple[object, ...]]:
    return list(Center.objects.order_by("pk").values_list("name", "region__code", "lat", "lon"))


def test_it_seeds_a_small_programme_placed_in_real_neighbourhoods() -> None:
    _seed()
    centres = list(Center.objects.select_related("region"))
    assert 35 <= len(centres) <= 45
    first_gangnam = Center.objects.filter(region__sigungu__code="1168000000").order_by("pk")[0]
    assert first_gangnam.name == "역삼1동 행정복지센터"
    assert first_gangnam.region.name == "역삼1동"
    for centre in centres:
        assert centre.lat is not None and centre.lon is not None
        assert haversine_km(centre.lat, centre.lon, centre.region.lat, centre.region.lon) < 0.3
        area = {"11": "02-", "26": "051-", "28": "032-", "46": "061-", "51": "033-"}
        assert centre.phone.startswith(area[centre.region.code[:2]])
        assert centre.road_address.startswith(centre.region.full_name.split()[0])
        if centre.kind == CenterKind.COMMUNITY_SERVICE:
            assert centre.name == f"{centre.region.name} 행정복지센터"


def test_it_seeds_hubs_with_sites_requests_and_two_buses() -> None:
    _seed()
    hubs = Center.objects.filter(kind=CenterKind.HUB)
    assert hubs.count() >= 2
    for hub in hubs:
        assert OutreachSite.objects.filter(hub=hub).exists()
    statuses = set(OutreachRequest.objects.values_list("status", flat=True))
    assert statuses == set(OutreachStatus.values)
    assert not OutreachRequest.objects.filter(status="scheduled", site=None).exists()
    assert BusVehicle.objects.count() == 2
    provinces = set(BusVisit.objects.values_list("region__sido__name", flat=True))
    assert provinces == {"전라남도", "강원특별자치도"}
    assert BusVisit.objects.filter(region__sigungu__name__in=["신안군", "완도군"]).exists()


def test_it_is_reproducible_and_idempotent() -> None:
    _seed()
    first = _rows()
    counts = (
        OutreachSite.objects.count(), OutreachRequest.objects.count(), BusVisit.objects.count(),
    )
    _seed()
    assert _rows() == first
    assert counts == (
        OutreachSite.objects.count(), OutreachRequest.objects.count(), BusVisit.objects.count(),
    )
