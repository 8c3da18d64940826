"""The shipped map of Korea, as loaded into the database by migrate."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from regions.models import Region, RegionBoundary
from regions.selectors import region_get_by_code

pytestmark = pytest.mark.django_db

# South Korea's extent, islands included (마라도 33.1 … 고성 38.6, 백령도 124.6 … 독도 131.9).
LAT = (33.0, 38.7)
LON = (124.5, 131.9)


def test_it_has_every_province_district_and_neighbourhood() -> None:
    assert Region.objects.sidos().count() == 17
    assert Region.objects.autonomous().count() == 227
    # 세종특별자치시 and the administrative cities 제주시, 서귀포시 are district rows too.
    others = Region.objects.sigungus().filter(is_autonomous=False)
    assert sorted(others.values_list("name", flat=True)) == ["서귀포시", "세종특별자치시", "제주시"]
    assert Region.objects.eupmyeondongs().count() >= 3500


def test_it_knows_some_places_by_code() -> None:
    assert Region.objects.get(code="1168000000").name == "강남구"
    sajik = Region.objects.get(code="1111053000")
    assert sajik.name == "사직동"
    assert sajik.full_name == "서울특별시 종로구 사직동"
    assert sajik.sigungu.name == "종로구"
    assert sajik.sido.name == "서울특별시"


def test_it_has_the_2026_incheon_districts() -> None:
    incheon = Region.objects.sigungus().filter(sido__code="2800000000")
    names = dict(incheon.values_list("code", "name"))
    assert names["2812500000"] == "제물포구"
    assert names["2815500000"] == "영종구"
    assert names["2827500000"] == "서해구"
    assert names["2829000000"] == "검단구"
    assert "2811000000" not in names  # 인천 중구 is gone
    assert Region.objects.get(code="2815500000").children.count() > 0


def test_it_puts_every_point_inside_korea() -> None:
    outside = Region.objects.exclude(lat__range=LAT, lon__range=LON)
    assert list(outside.values_list("code", flat=True)) == []


def test_it_links_every_neighbourhood_to_its_ancestors() -> None:
    dongs = Region.objects.eupmyeondongs()
    assert not dongs.filter(sigungu__isnull=True).exists()
    assert not dongs.filter(sido__isnull=True).exists()
    assert not dongs.exclude(parent=models_f("sigungu")).exists()
    sigungus = Region.objects.sigungus()
    assert not sigungus.exclude(parent=models_f("sido")).exists()


def models_f(name: str):
    from django.db.models import F

    return F(name)


def test_it_counts_neighbourhoods_whose_point_is_borrowed() -> None:
    """A 행정동 created or split after the 2020 census has no polygon of its own.

    Its point comes from a neighbouring or predecessor area (`sibling`) or
    from its 시·군·구 (`parent`); there are only a few per cent of them.
    """
    dongs = Region.objects.eupmyeondongs()
    by_source = dict(dongs.values_list("point_source").annotate(n=Count("id")))
    # 120 of 3,563 (3.4 %); regions/data/README.md says how each got its point.
    assert by_source == {"polygon": 3443, "sibling": 107, "parent": 13}
    with_boundary = RegionBoundary.objects.filter(region__level="eupmyeondong").count()
    assert with_boundary == dongs.filter(point_source=Region.PointSource.POLYGON).count()


def test_it_ships_boundaries_as_geojson() -> None:
    boundary = RegionBoundary.objects.get(region__code="1168000000")
    geometry = json.loads(boundary.geojson)
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    assert RegionBoundary.objects.filter(region__level="sigungu").count() == 230


def test_it_has_population_and_the_older_population_proxy() -> None:
    gangnam = Region.objects.get(code="1168000000")
    assert 400_000 < gangnam.population < 700_000
    seoul = Region.objects.get(code="1100000000")
    assert 9_000_000 < seoul.population < 10_500_000
    assert Region.objects.sigungus().filter(pension_share__isnull=True).count() <= 5
    highest = Region.objects.sigungus().exclude(pension_share=None).order_by("-pension_share")[0]
    lowest = Region.objects.sigungus().exclude(pension_share=None).order_by("pension_share")[0]
    assert highest.pension_share > 0.3 > 0.05 > lowest.pension_share


def test_it_resolves_old_codes_to_current_regions() -> None:
    assert region_get_by_code("4200000000").name == "강원특별자치도"
    assert region_get_by_code("4500000000").name == "전북특별자치도"
    assert region_get_by_code("4211000000").code == "5111000000"  # 춘천시
    assert region_get_by_code("4772000000").code == "2772000000"  # 군위군 → 대구
    assert region_get_by_code("9999999999") is None


def test_it_reloads_in_place_without_duplicates() -> None:
    before = Region.objects.count()
    gangnam_pk = Region.objects.get(code="1168000000").pk
    Region.objects.filter(code="1168000000").update(name="엉뚱한 이름")
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert Region.objects.count() == before
    gangnam = Region.objects.get(code="1168000000")
    assert (gangnam.pk, gangnam.name) == (gangnam_pk, "강남구")
    assert "0 new" in out.getvalue()
