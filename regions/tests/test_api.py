import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_lists_provinces(client: Client) -> None:
    r = client.get("/api/v1/regions", {"level": "sido", "limit": 50})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 17
    seoul = body["items"][0]
    assert seoul["code"] == "1100000000"
    assert seoul["name"] == "서울특별시"
    assert seoul["parent_code"] is None
    assert 37.4 < seoul["lat"] < 37.7


def test_it_lists_children_of_a_parent(client: Client) -> None:
    r = client.get("/api/v1/regions", {"parent": "1168000000", "limit": 1000})
    body = r.json()
    assert body["count"] == len(body["items"]) > 10
    assert {item["parent_code"] for item in body["items"]} == {"1168000000"}
    assert {item["level"] for item in body["items"]} == {"eupmyeondong"}


def test_it_follows_an_old_parent_code(client: Client) -> None:
    old = client.get("/api/v1/regions", {"parent": "4200000000"}).json()
    new = client.get("/api/v1/regions", {"parent": "5100000000"}).json()
    assert old == new
    assert old["count"] == 18


def test_it_paginates_with_limit_and_offset(client: Client) -> None:
    first = client.get("/api/v1/regions", {"level": "sigungu", "limit": 10}).json()
    second = client.get("/api/v1/regions", {"level": "sigungu", "limit": 10, "offset": 10}).json()
    assert first["count"] == second["count"] == 230
    assert len(first["items"]) == len(second["items"]) == 10
    assert first["items"][-1]["code"] < second["items"][0]["code"]


def test_it_explains_bad_parameters_in_korean(client: Client) -> None:
    r = client.get("/api/v1/regions", {"level": "village"})
    assert r.status_code == 422
    assert "level" in r.json()["message"]
    assert "올바르지 않" in r.json()["message"]
    r = client.get("/api/v1/regions", {"parent": "12ab"})
    assert r.status_code == 422


def test_it_publishes_an_openapi_document(client: Client) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/regions" in paths
    params = {p["name"] for p in paths["/api/v1/regions"]["get"]["parameters"]}
    assert {"level", "parent", "limit", "offset"} <= params


def test_it_lists_with_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries,
) -> None:
    with django_assert_max_num_queries(3):
        client.get("/api/v1/regions", {"level": "eupmyeondong", "limit": 1000})


def test_it_refuses_an_offset_beyond_any_page(client: Client) -> None:
    r = client.get("/api/v1/regions", {"offset": "99999999999999999999"})
    assert r.status_code == 422
    assert "offset" in r.json()["message"]
    assert client.get("/api/v1/regions", {"limit": 0}).status_code == 422
    assert client.get("/api/v1/regions", {"offset": 10_000_000}).json()["items"] == []
