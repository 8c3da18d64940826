from datetime import date, time

import pytest
from django.test import Client
from django.utils import timezone

from classes.models import ClassStatus, CourseClass
from classes.search import clear_name_cache
from classes.tests.search_fixtures import class_at, make_center, make_course
from courses.models import Topic
from lib.geo import haversine_km

pytestmark = pytest.mark.django_db

YEOKSAM = (37.4954, 127.0333)


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_name_cache()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 9, 1))


@pytest.fixture
def classes():
    course = make_course()
    kiosk = make_course("키오스크 주문", topic=Topic.KIOSK)
    gangnam = make_center()
    busan = make_center("해운대 도서관", "2635051000", phone="051-000-0000",
                        accessibility=["wheelchair"])
    near = class_at(course, gangnam, sessions=4)
    far = class_at(kiosk, busan, sessions=4, weekdays=[0], starts_at=time(10),
                   ends_at=time(12))
    class_at(course, gangnam, status=ClassStatus.PLANNED)
    return near, far


def test_it_lists_classes_nearest_first(client: Client, classes) -> None:
    near, far = classes
    r = client.get("/api/v1/classes", {"lat": YEOKSAM[0], "lon": YEOKSAM[1]})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [near.pk, far.pk]
    first = body["items"][0]
    assert set(first) >= {
        "id", "course_title", "center_name", "region_code", "lat", "lon", "distance_km",
        "next_session", "seats_left",
    }
    assert first["course_title"] == "스마트폰 첫걸음"
    assert first["center_name"] == "역삼1동 행정복지센터"
    assert first["region_code"] == "1168064000"
    assert first["seats_left"] == 12
    assert first["next_session"] == {
        "number": 1, "date": "2026-09-15", "starts_at": "14:00:00", "ends_at": "16:00:00",
    }
    expected = haversine_km(*YEOKSAM, far.lat, far.lon)
    assert body["items"][1]["distance_km"] == pytest.approx(expected, abs=0.001)


def test_it_searches_from_a_region_with_filters(client: Client, classes) -> None:
    near, far = classes
    r = client.get("/api/v1/classes", {"region": "2635000000"}).json()
    assert [item["id"] for item in r["items"]] == [far.pk, near.pk]
    r = client.get("/api/v1/classes", {"region": "2635000000", "in_region": True}).json()
    assert [item["id"] for item in r["items"]] == [far.pk]
    assert client.get("/api/v1/classes", {"topic": "kiosk"}).json()["count"] == 1
    assert client.get("/api/v1/classes", {"weekday": [0, 6]}).json()["count"] == 1
    assert client.get("/api/v1/classes", {"weekday": [1, 3]}).json()["count"] == 1
    assert client.get("/api/v1/classes", {"time_of_day": "morning"}).json()["count"] == 1
    assert client.get("/api/v1/classes", {"wheelchair": True}).json()["count"] == 1
    assert client.get("/api/v1/classes", {"has_seats": True}).json()["count"] == 2
    assert client.get("/api/v1/classes", {"q": "ㅋㅇㅅㅋ"}).json()["count"] == 1


def test_it_paginates_with_limit_and_offset(client: Client, classes) -> None:
    near, far = classes
    origin = {"lat": YEOKSAM[0], "lon": YEOKSAM[1]}
    first = client.get("/api/v1/classes", {**origin, "limit": 1}).json()
    second = client.get("/api/v1/classes", {**origin, "limit": 1, "offset": 1}).json()
    assert first["count"] == second["count"] == 2
    assert [i["id"] for i in first["items"] + second["items"]] == [near.pk, far.pk]


def test_it_explains_bad_parameters_in_korean(client: Client) -> None:
    for params in (
        {"lat": 37.5}, {"lat": 91, "lon": 127}, {"region": "11"}, {"region": "9900000000"},
        {"topic": "juggling"}, {"weekday": 7}, {"time_of_day": "night"}, {"limit": 0},
    ):
        r = client.get("/api/v1/classes", params)
        assert r.status_code == 422, params
        assert "올바르지 않" in r.json()["message"], params


def test_it_shows_one_class_with_sessions_and_centre(client: Client, classes) -> None:
    _near, far = classes
    r = client.get(f"/api/v1/classes/{far.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["capacity"] == 12
    assert body["seats_left"] == 12
    assert body["waitlist_length"] == 0
    assert [s["number"] for s in body["sessions"]] == [1, 2, 3, 4]
    assert body["center"]["name"] == "해운대 도서관"
    assert body["center"]["phone"] == "051-000-0000"
    assert body["center"]["accessibility"] == ["wheelchair"]
    assert body["course"]["title"] == "키오스크 주문"


def test_it_hides_planned_classes(client: Client, classes) -> None:
    planned = CourseClass.objects.get(status=ClassStatus.PLANNED)
    assert client.get(f"/api/v1/classes/{planned.pk}").status_code == 404
    assert client.get("/api/v1/classes/999999").status_code == 404


def test_it_lists_a_page_with_a_fixed_number_of_queries(
    client: Client, classes, django_assert_max_num_queries,
) -> None:
    course = make_course("또 하나")
    center = make_center("또 하나의 센터")
    for _ in range(20):
        class_at(course, center, sessions=2)
    with django_assert_max_num_queries(5):
        r = client.get("/api/v1/classes", {"lat": YEOKSAM[0], "lon": YEOKSAM[1], "limit": 20})
    assert len(r.json()["items"]) == 20


def test_it_describes_the_search_in_openapi(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    params = {p["name"] for p in paths["/api/v1/classes"]["get"]["parameters"]}
    assert {"lat", "lon", "region", "topic", "level", "weekday", "q", "has_seats", "limit",
            "offset"} <= params
    assert "/api/v1/classes/{class_id}" in paths
    assert "/api/v1/centers" in paths and "/api/v1/centers/{center_id}" in paths


def test_it_refuses_a_nul_character_or_a_huge_offset(client: Client, classes) -> None:
    # PostgreSQL cannot take NUL in a text parameter, and a 20-digit OFFSET
    # overflows both databases: each was a 500 instead of a 422.
    for params in (
        {"q": "키오\x00스크"},
        {"offset": 10**20},
        {"lat": YEOKSAM[0], "lon": YEOKSAM[1], "offset": 10**20},
    ):
        r = client.get("/api/v1/classes", params)
        assert r.status_code == 422, params
        assert "올바르지 않" in r.json()["message"], params
