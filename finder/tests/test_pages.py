from datetime import date, time

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from centers.models import AccessibilityFeature
from classes.models import ClassStatus
from classes.search import clear_name_cache
from classes.tests.search_fixtures import class_at, make_center, make_course
from courses.models import Topic
from finder.formatting import clock, day_label, distance, weekly_pattern

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_name_cache()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 9, 1))


@pytest.fixture
def classes():
    course = make_course()
    kiosk = make_course("키오스크 주문", topic=Topic.KIOSK)
    yeoksam = make_center(
        phone="02-3423-0000", road_address="서울 강남구 역삼로 307",
        accessibility=["elevator", "wheelchair"], opening_hours="평일 9시–18시",
    )
    busan = make_center("해운대 도서관", "2635051000")
    near = class_at(course, yeoksam, sessions=8)
    far = class_at(kiosk, busan, sessions=4, weekdays=[0], starts_at=time(10, 30),
                   ends_at=time(12))
    return near, far


def test_it_says_days_and_times_plainly() -> None:
    with translation.override("en"):
        assert weekly_pattern([3, 1], time(14), 8) == "Every Tu·Th, p.m. 2 o'clock, 8 sessions"
        assert clock(time(9, 30)) == "a.m. 9:30"
        assert clock(time(12, 5)) == "p.m. 12:05"
        assert day_label(date(2026, 9, 17)) == "9/17 (Th)"
        assert distance(1.234) == "1.2 km"
        assert distance(0.01) == "0.1 km"


KOREAN_MERGED = translation.gettext("Every %(days)s, %(time)s, %(count)s session") != (
    "Every %(days)s, %(time)s, %(count)s session"
)


@pytest.mark.skipif(
    not KOREAN_MERGED, reason="the finder's Korean msgstrs are not merged into locale/ yet",
)
def test_it_says_days_and_times_in_plain_korean() -> None:
    with translation.override("ko"):
        assert weekly_pattern([3, 1], time(14), 8) == "매주 화·목 오후 2시, 8회"
        assert clock(time(9, 30)) == "오전 9시 30분"
        assert clock(time(12)) == "오후 12시"
        assert day_label(date(2026, 9, 17)) == "9월 17일 (목)"
        assert distance(1.234) == "1.2km"


def test_it_starts_with_the_provinces(client: Client) -> None:
    r = client.get("/find/")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'href="/find/in/1100000000/"' in body
    assert "서울특별시" in body and "제주특별자치도" in body
    assert "data-locate hidden" in body  # shown only by JavaScript


def test_it_finds_neighbourhoods_and_centres_by_initial_consonants(
    client: Client, classes,
) -> None:
    body = client.get("/find/", {"q": "ㅇㅅ1ㄷ"}).content.decode()
    assert 'href="/find/classes/?region=1168064000"' in body  # 역삼1동
    body = client.get("/find/", {"q": "ㅎㅇㄷ ㄷㅅ"}).content.decode()
    assert "해운대 도서관" in body
    body = client.get("/find/", {"q": "강ㄴ"}).content.decode()
    assert 'href="/find/in/1168000000/"' in body  # 강남구, a district: the next step


def test_it_walks_from_province_to_neighbourhood(client: Client) -> None:
    body = client.get("/find/in/1100000000/").content.decode()
    assert 'href="/find/in/1168000000/"' in body
    body = client.get("/find/in/1168000000/").content.decode()
    assert 'href="/find/classes/?region=1168064000"' in body
    assert 'aria-current="step"' in body
    r = client.get("/find/in/1168064000/")
    assert r.status_code == 302 and r["Location"] == "/find/classes/?region=1168064000"
    assert client.get("/find/in/9900000000/").status_code == 404


def test_it_lists_classes_nearest_first_with_what_a_learner_needs(
    client: Client, classes,
) -> None:
    near, far = classes
    r = client.get("/find/classes/", {"region": "1168064000"})
    assert r.status_code == 200
    body = r.content.decode()
    assert body.index(f"/classes/{near.pk}/") < body.index(f"/classes/{far.pk}/")
    assert escape(weekly_pattern([1, 3], time(14), 8)) in body
    assert escape(weekly_pattern([0], time(10, 30), 4)) in body
    assert escape(str(AccessibilityFeature.WHEELCHAIR.label)) in body
    assert f"{escape(distance(0.0))}</strong>" in body


def test_it_filters_with_a_plain_get_form(client: Client, classes) -> None:
    near, far = classes
    body = client.get(
        "/find/classes/", {"region": "1168064000", "topic": "kiosk"},
    ).content.decode()
    assert f"/classes/{far.pk}/" in body and f"/classes/{near.pk}/" not in body
    body = client.get(
        "/find/classes/", {"region": "1168064000", "wheelchair": "on", "weekday": ["1"]},
    ).content.decode()
    assert f"/classes/{near.pk}/" in body and f"/classes/{far.pk}/" not in body
    body = client.get(
        "/find/classes/", {"region": "1168064000", "time_of_day": "morning"},
    ).content.decode()
    assert f"/classes/{far.pk}/" in body and f"/classes/{near.pk}/" not in body


def test_it_searches_from_a_point_or_a_centre(client: Client, classes) -> None:
    near, far = classes
    body = client.get("/find/classes/", {"lat": "35.16", "lon": "129.16"}).content.decode()
    assert body.index(f"/classes/{far.pk}/") < body.index(f"/classes/{near.pk}/")
    assert "해운대구" in body  # "my location (near …)"
    body = client.get("/find/classes/", {"center": far.center_id}).content.decode()
    assert "해운대 도서관" in body


def test_it_pages_the_results(client: Client, classes) -> None:
    near, _far = classes
    for _ in range(12):
        class_at(near.course, near.center)
    first = client.get("/find/classes/", {"region": "1168064000"}).content.decode()
    assert "page=2" in first
    second = client.get("/find/classes/", {"region": "1168064000", "page": 2})
    assert second.status_code == 200


def test_it_refuses_a_bad_search_politely(client: Client) -> None:
    r = client.get("/find/classes/", {"region": "99"})
    assert r.status_code == 400
    assert "role=\"alert\"" in r.content.decode()
    assert client.get("/find/classes/").status_code == 302


def test_it_shows_a_class_page_with_everything_needed(client: Client, classes) -> None:
    near, _far = classes
    r = client.get(f"/classes/{near.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    for text in (
        "스마트폰 첫걸음", escape(day_label(date(2026, 9, 15))), escape(clock(time(14))),
        "서울 강남구 역삼로 307", 'href="tel:02-3423-0000"',
        escape(str(AccessibilityFeature.ELEVATOR.label)), "평일 9시–18시",
        f'href="/classes/{near.pk}/apply/"',
    ):
        assert text in body, text
    assert body.count("<tr>") == 9  # a header row and eight sessions


def test_it_opens_the_online_application_with_the_centres_phone_beside_it(
    client: Client, classes,
) -> None:
    # The application itself is tested in enrollment/tests/test_public_apply.py.
    near, _far = classes
    body = client.get(f"/classes/{near.pk}/apply/").content.decode()
    assert 'href="tel:02-3423-0000"' in body
    assert 'name="name"' in body


def test_it_hides_planned_classes(client: Client, classes) -> None:
    near, _far = classes
    near.status = ClassStatus.PLANNED
    near.save(update_fields=["status"])
    assert client.get(f"/classes/{near.pk}/").status_code == 404
    assert client.get(f"/classes/{near.pk}/apply/").status_code == 404


def test_it_draws_the_map_from_data_attributes(client: Client, classes) -> None:
    r = client.get("/find/map/", {"region": "1168064000"})
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-boundaries="/find/boundaries/1168000000.geojson"' in body
    assert "data-classes=\"/api/v1/classes?region=1168064000" in body
    geo = client.get("/find/boundaries/1168000000.geojson")
    assert geo.status_code == 200
    features = geo.json()["features"]
    assert len(features) > 10
    assert features[0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_it_links_home_and_nav_to_the_finder(client: Client) -> None:
    body = client.get("/").content.decode()
    assert body.count('href="/find/"') >= 2


def test_it_renders_results_in_a_fixed_number_of_queries(
    client: Client, classes, django_assert_max_num_queries,
) -> None:
    near, _far = classes
    for _ in range(20):
        class_at(near.course, near.center, sessions=3)
    with django_assert_max_num_queries(8):
        r = client.get("/find/classes/", {"region": "1168064000"})
    assert r.status_code == 200


def test_it_makes_every_lone_link_a_large_target(client: Client, classes) -> None:
    # A link alone in its paragraph (back, find another, call) is a 44 px target:
    # it carries a class that finder.css sizes, not the bare inline link.
    near, _far = classes
    pages = (f"/classes/{near.pk}/", f"/classes/{near.pk}/apply/", "/find/in/1100000000/")
    for url in pages:
        body = client.get(url).content.decode()
        assert "<p><a href=" not in body, url
    body = client.get(f"/classes/{near.pk}/").content.decode()
    assert 'class="button button-secondary" href="tel:02-3423-0000"' in body


def test_it_leaves_out_a_time_column_that_repeats_one_time(client: Client, classes) -> None:
    near, _far = classes
    body = client.get(f"/classes/{near.pk}/").content.decode()
    table = body[body.index('class="session-table"'):body.index("</table>")]
    assert escape(clock(time(14))) not in table  # said once, above the table
    session = near.sessions.get(number=2)
    session.starts_at, session.ends_at = time(10), time(12)
    session.save()
    body = client.get(f"/classes/{near.pk}/").content.decode()
    table = body[body.index('class="session-table"'):body.index("</table>")]
    assert escape(clock(time(10))) in table and escape(clock(time(14))) in table
