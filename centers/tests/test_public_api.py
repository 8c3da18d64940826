import pytest
from django.test import Client

from accounts.testing import People
from centers.models import CenterStatus
from classes.search import clear_name_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    clear_name_cache()


def test_it_lists_centres_with_public_fields_only(client: Client, people: People) -> None:
    r = client.get("/api/v1/centers")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3
    assert set(body["items"][0]) == {
        "id", "name", "kind", "status", "road_address", "phone", "opening_hours",
        "region_code", "region_name", "lat", "lon", "accessibility", "closed_weekdays",
    }


def test_it_filters_by_region_and_initial_consonants(client: Client, people: People) -> None:
    seoul = client.get("/api/v1/centers", {"region": "1100000000"}).json()
    assert {item["name"] for item in seoul["items"]} == {
        people.gangnam_center.name, people.seocho_center.name,
    }
    gangnam = client.get("/api/v1/centers", {"region": "1168000000"}).json()
    assert [item["id"] for item in gangnam["items"]] == [people.gangnam_center.pk]
    found = client.get("/api/v1/centers", {"q": "ㅎㅇㄷ"}).json()
    assert [item["id"] for item in found["items"]] == [people.busan_center.pk]


def test_it_paginates_and_explains_bad_parameters(client: Client, people: People) -> None:
    page = client.get("/api/v1/centers", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    r = client.get("/api/v1/centers", {"region": "9900000000"})
    assert r.status_code == 422
    assert "올바르지 않" in r.json()["message"]


def test_it_shows_one_centre_but_not_a_closed_down_one(client: Client, people: People) -> None:
    r = client.get(f"/api/v1/centers/{people.busan_center.pk}")
    assert r.status_code == 200
    assert r.json()["region_code"] == "2635051000"
    people.busan_center.status = CenterStatus.CLOSED
    people.busan_center.save(update_fields=["status"])
    assert client.get(f"/api/v1/centers/{people.busan_center.pk}").status_code == 404


def test_it_refuses_a_nul_character_in_the_name_query(client: Client, people: People) -> None:
    r = client.get("/api/v1/centers", {"q": "역삼\x00"})
    assert r.status_code == 422
    assert "q" in r.json()["message"]
