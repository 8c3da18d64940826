from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centers.models import Center
from classes.models import ClassStatus, CourseClass
from classes.search import (
    ClassQuery,
    class_search,
    clear_name_cache,
    name_matches,
    place_search,
)
from classes.tests.search_fixtures import TODAY, class_at, make_center, make_course
from courses.models import Course, Level, Topic
from lib.geo import bounding_box, haversine_km
from regions.models import Region

pytestmark = pytest.mark.django_db

SEOUL_CITY_HALL = (37.5663, 126.9779)
GANGNAM = "1168000000"
SEOUL = "1100000000"


@pytest.fixture(autouse=True)
def _fresh_names() -> None:
    clear_name_cache()


def ids(query: ClassQuery, start: int = 0, stop: int = 50) -> list[int]:
    return [hit.course_class.pk for hit in class_search(query)[start:stop]]


def test_it_measures_known_distances() -> None:
    # Seoul City Hall → Busan City Hall is about 325 km along the great circle.
    assert haversine_km(*SEOUL_CITY_HALL, 35.1798, 129.0750) == pytest.approx(325, abs=2)
    assert haversine_km(37.0, 127.0, 37.0, 127.0) == 0


@given(
    lat=st.floats(-80, 80), lon=st.floats(-179.9, 179.9), km=st.floats(0.1, 5000),
    bearing=st.floats(0, 360), fraction=st.floats(0, 1),
)
def test_it_keeps_the_whole_circle_inside_the_box(
    lat: float, lon: float, km: float, bearing: float, fraction: float,
) -> None:
    """A point at distance ≤ km in any direction lies inside the bounding box."""
    import math

    d = km * fraction / 6371.0088
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing)
    phi2 = math.asin(math.sin(phi) * math.cos(d) + math.cos(phi) * math.sin(d) * math.cos(theta))
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(d) * math.cos(phi), math.cos(d) - math.sin(phi) * math.sin(phi2),
    )
    lat2 = math.degrees(phi2)
    lon2 = (math.degrees(lam2) + 540) % 360 - 180
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    assert min_lat <= lat2 <= max_lat
    assert min_lon <= lon2 <= max_lon


# Points cluster (many classes share a building, so ties happen) and spread
# from one street to the whole country, with a few far abroad.
korea = st.tuples(st.floats(33.0, 38.6), st.floats(124.5, 131.9))
near_seoul = st.tuples(st.floats(37.45, 37.70), st.floats(126.80, 127.15))
anywhere = st.tuples(st.floats(-60, 60), st.floats(-179, 179))
points = st.one_of(near_seoul, korea, anywhere)


@settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    places=st.lists(points, min_size=0, max_size=25),
    picks=st.lists(st.integers(0, 24), min_size=0, max_size=60),
    origin=st.one_of(near_seoul, korea, anywhere),
    offset=st.integers(0, 30),
    limit=st.integers(1, 30),
)
def test_it_orders_exactly_by_great_circle_distance(
    places: list[tuple[float, float]], picks: list[int], origin: tuple[float, float],
    offset: int, limit: int,
) -> None:
    """Nearest-first equals brute-force haversine over every row, ties by id."""
    CourseClass.objects.all().delete()
    course = Course.objects.filter(title="순서 확인").first() or make_course("순서 확인")
    center = Center.objects.first() or make_center()
    chosen = [places[i % len(places)] for i in picks] if places else []
    CourseClass.objects.bulk_create(
        [class_at(course, center, lat=lat, lon=lon, save=False) for lat, lon in chosen],
    )
    rows = CourseClass.objects.values_list("pk", "lat", "lon")
    brute = [pk for _, pk in sorted((haversine_km(*origin, la, lo), pk) for pk, la, lo in rows)]

    query = ClassQuery(lat=origin[0], lon=origin[1], today=TODAY)
    search = class_search(query)
    assert search.count() == len(brute)
    hits = search[offset: offset + limit]
    assert [hit.course_class.pk for hit in hits] == brute[offset: offset + limit]
    for hit in hits:
        expected = haversine_km(*origin, hit.course_class.lat, hit.course_class.lon)
        assert hit.distance_km == pytest.approx(expected)


@pytest.fixture
def course():
    return make_course()


@pytest.fixture
def center() -> Center:
    return make_center()


def test_it_offers_only_upcoming_classes(course, center) -> None:
    recruiting = class_at(course, center)
    full = class_at(course, center, capacity=10, seats_taken=10)
    class_at(course, center, status=ClassStatus.CLOSED)
    class_at(course, center, registration_opens=date(2025, 12, 1),
             registration_closes=TODAY - timedelta(days=1))
    class_at(course, center, status=ClassStatus.PLANNED)
    class_at(course, center, status=ClassStatus.RUNNING)
    class_at(course, center, status=ClassStatus.CANCELLED)
    class_at(course, center, first_date=date(2026, 8, 1), last_date=date(2026, 8, 31))
    assert sorted(ids(ClassQuery(lat=37.5, lon=127.0, today=TODAY))) == [recruiting.pk, full.pk]


def test_it_filters_by_topic_level_days_time_and_group(course, center) -> None:
    kiosk = make_course("키오스크 주문", topic=Topic.KIOSK, level=Level.EVERYDAY,
                        target_groups=["disabled", "general"])
    tue_afternoon = class_at(course, center)
    mon_morning = class_at(kiosk, center, weekdays=[0], starts_at=time(10), ends_at=time(12))
    query = ClassQuery(lat=37.5, lon=127.0, today=TODAY)

    def only(**changes: object) -> list[int]:
        return ids(ClassQuery(**{**query.__dict__, **changes}))

    assert only(topic=Topic.KIOSK) == [mon_morning.pk]
    assert only(level=Level.BASIC) == [tue_afternoon.pk]
    assert only(weekdays=(0,)) == [mon_morning.pk]
    assert only(weekdays=(3,)) == [tue_afternoon.pk]
    assert sorted(only(weekdays=(0, 3))) == sorted([mon_morning.pk, tue_afternoon.pk])
    assert only(weekdays=(6,)) == []
    assert only(time_of_day="morning") == [mon_morning.pk]
    assert only(time_of_day="afternoon") == [tue_afternoon.pk]
    assert only(target_group="disabled") == [mon_morning.pk]
    assert only(target_group="seniors") == [tue_afternoon.pk]


def test_it_filters_wheelchair_access_and_free_seats(course, center) -> None:
    ramp = make_center("반포 노인복지관", "1165055000", accessibility=["elevator", "wheelchair"])
    stairs = class_at(course, center)
    level_access = class_at(course, ramp)
    no_seats = class_at(course, ramp, capacity=0)
    query = ClassQuery(lat=37.5, lon=127.0, today=TODAY)
    assert sorted(ids(ClassQuery(**{**query.__dict__, "wheelchair": True}))) == sorted(
        [level_access.pk, no_seats.pk],
    )
    assert no_seats.pk not in ids(ClassQuery(**{**query.__dict__, "has_seats": True}))
    assert stairs.pk in ids(ClassQuery(**{**query.__dict__, "has_seats": True}))


def test_it_searches_from_a_region_and_keeps_to_it_when_asked(course, center) -> None:
    busan = make_center("해운대 도서관", "2635051000")
    gangnam_class = class_at(course, center)
    busan_class = class_at(course, busan)
    gangnam = Region.objects.get(code=GANGNAM)
    assert ids(ClassQuery(region=gangnam, today=TODAY)) == [gangnam_class.pk, busan_class.pk]
    assert ids(ClassQuery(region=gangnam, within_region=True, today=TODAY)) == [gangnam_class.pk]
    seoul = Region.objects.get(code=SEOUL)
    assert ids(ClassQuery(region=seoul, within_region=True, today=TODAY)) == [gangnam_class.pk]
    dong = Region.objects.get(code="2635051000")
    assert ids(ClassQuery(region=dong, within_region=True, today=TODAY)) == [busan_class.pk]
    hits = class_search(ClassQuery(region=dong, today=TODAY))[0:2]
    assert hits[0].distance_km < 1 < hits[1].distance_km


def test_it_finds_classes_by_text_and_initial_consonants(course, center) -> None:
    kiosk = make_course("키오스크 주문", topic=Topic.KIOSK)
    library = make_center("해운대 도서관", "2635051000")
    phone_class = class_at(course, center)
    kiosk_class = class_at(kiosk, library)
    query = ClassQuery(lat=37.5, lon=127.0, today=TODAY)

    def found(text: str) -> list[int]:
        return sorted(ids(ClassQuery(**{**query.__dict__, "q": text})))

    assert found("키오스크") == [kiosk_class.pk]
    assert found("ㅋㅇㅅㅋ") == [kiosk_class.pk]
    assert found("해운대") == [kiosk_class.pk]
    assert found("ㅎㅇㄷ") == [kiosk_class.pk]
    assert found("역삼1ㄷ") == [phone_class.pk]
    assert found("없는수업") == []


def test_it_matches_names_by_initial_consonants() -> None:
    assert name_matches("강남구", "ㄱㄴ")
    assert name_matches("강남구", "강ㄴ")
    assert name_matches("강남구", "강남")
    assert name_matches("역삼1동 행정복지센터", "ㅎㅈㅂㅈ")
    assert name_matches("역삼1동 행정복지센터", "역삼1동 행정")
    assert not name_matches("강서구", "ㄱㄴ")
    assert not name_matches("강서구", "강ㄴ")
    assert not name_matches("강남구", "")
    assert name_matches("강남구", "강나")  # the last syllable half typed
    assert not name_matches("가오리", "강")


def test_it_finds_neighbourhoods_and_centres_by_initial_consonants(center) -> None:
    for text in ("ㄱㄴ", "강ㄴ", "강남"):
        first = place_search(text)[0]
        assert first.full_name == "서울특별시 강남구", text
    yeoksam = place_search("ㅇㅅ1ㄷ", limit=400)
    assert any(m.kind == "region" and m.name == "역삼1동" for m in yeoksam)
    assert any(m.kind == "center" and m.pk == center.pk for m in place_search("ㅇㅅ1ㄷ ㅎㅈ"))
    assert place_search("   ") == []


def test_it_lists_a_page_in_a_fixed_number_of_queries(
    course, center, django_assert_max_num_queries,
) -> None:
    for _ in range(30):
        class_at(course, center, sessions=3)
    search = class_search(ClassQuery(lat=37.5, lon=127.0, today=TODAY))
    with django_assert_max_num_queries(6):
        hits = search[0:20]
        assert len(hits) == 20
        assert search.count() == 30
        assert all(hit.next_session is not None for hit in hits)
