"""Demo learning centres, hubs with outreach sites and requests, and two learning buses.

Everything is placed in real 행정동 and named the way real sites are
("역삼1동 행정복지센터", "강남구립 역삼도서관", "도양노인복지관", "역삼행복경로당"),
a little (≤ ~300 m) off the 행정동's point, with a road address in the
district's own style and a phone number with the 시·도's area code.

`small`: 서울 강남구·종로구, 부산 해운대구, 인천 영종구, 전남 고흥군, 강원 평창군
(~40 centres, 3 hubs). `national`: centres in every 시·군·구 (more where more
people live), 36 hubs, ≥ 3,500 sites with the outreach sites.

The whole plan is drawn from `context.rng` first, then only rows that are not
there yet are inserted (bulk), so a second run adds nothing. The first centre
made in 강남구 is "역삼1동 행정복지센터", the one accounts/demo.py gives its
demo staff.
"""

import re
from collections import defaultdict
from datetime import date, time, timedelta
from random import Random
from typing import Any

from django.db import transaction
from django.utils import timezone

from centers.models import (
    AccessibilityFeature,
    BusVehicle,
    BusVisit,
    Center,
    CenterKind,
    CenterStatus,
    OutreachRequest,
    OutreachSite,
    OutreachStatus,
)
from courses.models import Topic
from demo.seeding import DemoContext
from regions.models import Region

ORDER = 20

GANGNAM = "1168000000"
YEOKSAM1 = "1168064000"
GOHEUNG = "4677000000"
PYEONGCHANG = "5176000000"
SMALL_DISTRICTS = [GANGNAM, "1111000000", "2635000000", "2815500000", GOHEUNG, PYEONGCHANG]
SMALL_CENTRES_PER_DISTRICT = 7
SMALL_HUBS = [GANGNAM, GOHEUNG, PYEONGCHANG]
NATIONAL_CENTRES = 2800
NATIONAL_HUBS = 36
SITES_PER_HUB = {"small": 4, "national": 30}

AREA_CODES = {
    "11": "02", "26": "051", "27": "053", "28": "032", "29": "062", "30": "042", "31": "052",
    "36": "044", "41": "031", "42": "033", "43": "043", "44": "041", "45": "063", "46": "061",
    "47": "054", "48": "055", "50": "064", "51": "033", "52": "063",
}

KIND_WEIGHTS = [
    (CenterKind.COMMUNITY_SERVICE, 34),
    (CenterKind.SENIOR_WELFARE, 18),
    (CenterKind.LIBRARY, 16),
    (CenterKind.SENIOR_HALL, 14),
    (CenterKind.SOCIAL_WELFARE, 8),
    (CenterKind.CHILDREN, 6),
    (CenterKind.DISABILITY_WELFARE, 4),
]
HOURS: dict[str, tuple[str, list[int]]] = {
    CenterKind.COMMUNITY_SERVICE: ("평일 09:00–18:00", [5, 6]),
    CenterKind.SENIOR_WELFARE: ("평일 09:00–18:00, 토 09:00–13:00", [6]),
    CenterKind.LIBRARY: ("화–일 09:00–22:00 (월요일 휴관)", [0]),
    CenterKind.SENIOR_HALL: ("매일 10:00–17:00", []),
    CenterKind.SOCIAL_WELFARE: ("평일 09:00–18:00", [5, 6]),
    CenterKind.CHILDREN: ("평일 13:00–19:00", [5, 6]),
    CenterKind.DISABILITY_WELFARE: ("평일 09:00–18:00", [5, 6]),
    CenterKind.HUB: ("평일 09:00–18:00", [5, 6]),
}
# How likely each kind of building has each feature.
FEATURE_ODDS: dict[str, dict[str, float]] = {
    "default": {"elevator": 0.6, "wheelchair": 0.8, "disabled_parking": 0.6,
                "braille_voice": 0.2, "accessible_toilet": 0.6, "hearing_loop": 0.1},
    CenterKind.SENIOR_HALL: {"wheelchair": 0.4, "accessible_toilet": 0.2},
    CenterKind.DISABILITY_WELFARE: {"elevator": 1, "wheelchair": 1, "disabled_parking": 1,
                                    "braille_voice": 0.9, "accessible_toilet": 1,
                                    "hearing_loop": 0.7},
}
HALL_WORDS = ["행복", "한마음", "새마을", "푸른", "사랑", "은빛", "장수", "화목"]
ROAD_WORDS = ["중앙", "문화", "시장", "학교", "공원", "새말", "동산", "희망", "평화", "큰골"]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "영수", "정희", "성호", "미경", "지훈", "수진", "동현", "은영", "상철",
         "순자", "현우", "혜진", "재원", "옥순"]
COMPANIES = ["(주)한빛물산", "(주)대성산업", "(주)미래로지스", "(주)새한식품", "(주)동방정밀"]
TOPICS = [Topic.SMARTPHONE, Topic.KIOSK, Topic.FINANCE, Topic.SAFETY, Topic.PUBLIC_SERVICES,
          Topic.MESSENGER, Topic.TRANSPORT]
DECLINE_REASONS = [
    "희망하신 기간에 파견할 수 있는 강사가 없습니다. 다음 분기에 다시 신청해 주세요.",
    "교육 장소에 인터넷과 전원 설비가 없어 교육이 어렵습니다.",
]
ISLAND_STOPS = [  # 전남 섬마을 (신안군·완도군)
    ("4691000000", "흑산면"), ("4691000000", "비금면"), ("4691000000", "도초면"),
    ("4691000000", "하의면"), ("4689000000", "청산면"), ("4689000000", "노화읍"),
    ("4689000000", "보길면"), ("4689000000", "소안면"),
]
MOUNTAIN_STOPS = [  # 강원 산간 마을
    (PYEONGCHANG, "진부면"), (PYEONGCHANG, "대관령면"), (PYEONGCHANG, "봉평면"),
    ("5177000000", "임계면"), ("5181000000", "기린면"), ("5172000000", "내면"),
    ("5175000000", "김삿갓면"), ("5177000000", "화암면"),
]
BUS_WEEKS = 16
STOP_PLACES = ["복지회관", "마을회관", "보건지소"]


def _stem(dong_name: str) -> str:
    """역삼1동 → 역삼, 도양읍 → 도양, 종로1·2·3·4가동 → 종로."""
    stem = re.sub(r"(제?[\d·]*가?[동읍면]|본동)$", "", dong_name) or dong_name
    # 우제1동 → 우동, not 우: a one-syllable stem does not stand alone.
    return stem + "동" if len(stem) == 1 else stem


def _district_word(district: Region) -> str:
    """"수원시 장안구" → 장안구; the word that takes 립 (강남구립, 고흥군립)."""
    return district.name.split()[-1]


def _area_prefix(dong: Region) -> str:
    """"서울특별시 강남구" of "서울특별시 강남구 역삼1동"."""
    return dong.full_name.removesuffix(dong.name).strip()


def _jitter(rng: Random, region: Region) -> tuple[float, float]:
    # ±0.0018° lat (≈ 200 m) and ±0.0022° lon (≈ 195 m at 37°): ≤ ~280 m away.
    return (
        round(region.lat + rng.uniform(-0.0018, 0.0018), 6),
        round(region.lon + rng.uniform(-0.0022, 0.0022), 6),
    )


def _address(rng: Random, dong: Region) -> str:
    stem = _stem(dong.name)
    number = rng.randint(1, 240)
    if dong.name.endswith(("읍", "면")):
        return f"{_area_prefix(dong)} {dong.name} {rng.choice(ROAD_WORDS)}길 {number}"
    road = rng.choice(
        [f"{stem}로", f"{stem}로{rng.randint(1, 30)}길", f"{rng.choice(ROAD_WORDS)}로"]
    )
    return f"{_area_prefix(dong)} {road} {number}"


def _phone(rng: Random, dong: Region) -> str:
    prefix = AREA_CODES.get(dong.code[:2], "02")
    middle = rng.randint(200, 999) if prefix != "02" else rng.randint(2000, 3999)
    return f"{prefix}-{middle}-{rng.randint(0, 9999):04d}"


def _features(rng: Random, kind: str) -> list[str]:
    odds = FEATURE_ODDS.get(kind, FEATURE_ODDS["default"])
    return [
        feature for feature in AccessibilityFeature.values if rng.random() < odds.get(feature, 0)
    ]


def _name(rng: Random, kind: str, dong: Region, district: Region) -> str:
    stem, word = _stem(dong.name), _district_word(district)
    names: dict[str, str] = {
        CenterKind.COMMUNITY_SERVICE: f"{dong.name} 행정복지센터",
        CenterKind.SENIOR_WELFARE: f"{stem}노인복지관",
        CenterKind.LIBRARY: f"{word}립 {stem}도서관",
        CenterKind.SENIOR_HALL: f"{stem}{rng.choice(HALL_WORDS)}경로당",
        CenterKind.SOCIAL_WELFARE: f"{stem}종합사회복지관",
        CenterKind.CHILDREN: f"{stem}꿈나무지역아동센터",
        CenterKind.DISABILITY_WELFARE: f"{word} 장애인종합복지관",
        CenterKind.HUB: f"{word} 디지털배움터 거점센터",
    }
    return names[kind]


class Planner:
    def __init__(self, context: DemoContext) -> None:
        self.rng = context.rng
        self.scale = context.scale
        self.dongs: dict[int, list[Region]] = defaultdict(list)
        for dong in Region.objects.eupmyeondongs().active().order_by("code"):
            if dong.sigungu_id is not None:
                self.dongs[dong.sigungu_id].append(dong)
        self.centres: list[Center] = []
        self.names: set[tuple[str, int]] = set()  # (name, district): no twins in a district

    def centre(self, kind: str, dong: Region, district: Region) -> Center | None:
        name = _name(self.rng, kind, dong, district)
        if (name, district.pk) in self.names:
            return None
        self.names.add((name, district.pk))
        lat, lon = _jitter(self.rng, dong)
        roll = self.rng.random()
        status = (
            CenterStatus.CLOSED if roll < 0.01
            else CenterStatus.CLOSED_TEMPORARILY if roll < 0.04 else CenterStatus.OPEN
        )
        hours, closed = HOURS[kind]
        centre = Center(
            name=name, kind=kind, region=dong,
            # Hubs and the demo staff's centre stay open; others are sometimes not.
            status=status if kind != CenterKind.HUB and dong.code != YEOKSAM1 else "open",
            road_address=_address(self.rng, dong), lat=lat, lon=lon, phone=_phone(self.rng, dong),
            opening_hours=hours, closed_weekdays=list(closed),
            accessibility=_features(self.rng, kind),
        )
        self.centres.append(centre)
        return centre

    def district(self, district: Region, count: int, hub: bool) -> None:
        dongs = self.dongs.get(district.pk, [])
        if not dongs:
            return
        if district.code == GANGNAM:
            # accounts/demo.py gives its demo staff the first centre in 강남구.
            self.centre(CenterKind.COMMUNITY_SERVICE, next(d for d in dongs if d.code == YEOKSAM1),
                        district)
        if hub:
            self.centre(CenterKind.HUB, self.rng.choice(dongs), district)
        kinds = [kind for kind, _ in KIND_WEIGHTS]
        weights = [weight for _, weight in KIND_WEIGHTS]
        for _ in range(count):
            self.centre(self.rng.choices(kinds, weights)[0], self.rng.choice(dongs), district)


def _national_plan(districts: list[Region]) -> list[tuple[Region, int, bool]]:
    total = sum(d.population or 0 for d in districts) or 1
    hubs: set[str] = {GOHEUNG, PYEONGCHANG}
    by_population = sorted(districts, key=lambda d: (-(d.population or 0), d.code))
    for district in by_population:  # the largest district of each 시·도 first
        if not any(code[:2] == district.code[:2] for code in hubs):
            hubs.add(district.code)
    for district in by_population:
        if len(hubs) >= NATIONAL_HUBS:
            break
        hubs.add(district.code)
    return [
        (district, max(4, round(NATIONAL_CENTRES * (district.population or 0) / total)),
         district.code in hubs)
        for district in districts
    ]


def _insert_centres(planned: list[Center]) -> int:
    existing = set(Center.objects.values_list("name", "region_id"))
    new = [c for c in planned if (c.name, c.region_id) not in existing]
    Center.objects.bulk_create(new, batch_size=500)
    return len(new)


def _site_names(rng: Random, dong: Region, district: Region) -> str:
    stem = _stem(dong.name)
    return rng.choice([
        f"{stem}{rng.choice(HALL_WORDS)}경로당",
        f"{stem}{rng.choice(HALL_WORDS)}경로당",
        f"{stem}노인복지관 분관",
        f"{_district_word(district)} {stem}아파트 관리사무소",
        f"{rng.choice(COMPANIES)} {stem}사업장",
        f"{stem}농협 {stem}지점",
    ])


def _plan_sites(
    rng: Random, hubs: list[Center], planner: Planner, per_hub: int,
) -> list[OutreachSite]:
    sites: list[OutreachSite] = []
    seen: set[tuple[int, str]] = set()
    for hub in hubs:
        district = hub.region.sigungu
        assert district is not None
        dongs = planner.dongs[district.pk]
        for _ in range(per_hub):
            dong = rng.choice(dongs)
            name = _site_names(rng, dong, district)
            if (hub.pk, name) in seen:
                continue
            seen.add((hub.pk, name))
            lat, lon = _jitter(rng, dong)
            sites.append(OutreachSite(
                hub=hub, name=name, region=dong, road_address=_address(rng, dong),
                lat=lat, lon=lon,
            ))
    return sites


def _person(rng: Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return name, f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}"


def _plan_requests(
    rng: Random, hub: Center, sites: list[OutreachSite], planner: Planner, today: date,
) -> list[OutreachRequest]:
    district = hub.region.sigungu
    assert district is not None
    dongs = planner.dongs[district.pk]
    requests = []
    states = [OutreachStatus.REQUESTED, OutreachStatus.REQUESTED, OutreachStatus.ACCEPTED,
              OutreachStatus.SCHEDULED, OutreachStatus.DECLINED]
    for number, status in enumerate(states):
        dong = rng.choice(dongs)
        contact, phone = _person(rng)
        start = today + timedelta(days=rng.randint(14, 90))
        site = sites[number % len(sites)] if status == OutreachStatus.SCHEDULED and sites else None
        organisation = site.name if site else _site_names(rng, dong, district)
        requests.append(OutreachRequest(
            hub=hub, organisation=organisation, contact_name=contact,
            contact_phone=phone.replace("-", ""),
            road_address=site.road_address if site else _address(rng, dong),
            region=site.region if site else dong, topic=rng.choice(TOPICS),
            preferred_start=start, preferred_end=start + timedelta(days=rng.choice([30, 60])),
            expected_learners=rng.randint(8, 25),
            notes=rng.choice(["", "어르신들이 키오스크 주문을 특히 어려워하십니다.",
                              "휠체어 이용자가 2명 있습니다.", "점심시간 이후를 원합니다."]),
            status=status,
            decision_reason=(
                rng.choice(DECLINE_REASONS) if status == OutreachStatus.DECLINED else ""
            ),
            decided_at=timezone.now() if status != OutreachStatus.REQUESTED else None,
            site=site if status == OutreachStatus.SCHEDULED else None,
        ))
    return [r for r in requests if r.status != OutreachStatus.SCHEDULED or r.site is not None]


def _bus_visits(
    rng: Random, vehicle: BusVehicle, stops: list[tuple[str, str]], start: date,
) -> list[BusVisit]:
    places = []
    for district_code, name in stops:
        dong = Region.objects.filter(sigungu__code=district_code, name=name).first()
        if dong is not None:
            places.append(dong)
    visits = []
    for week in range(BUS_WEEKS):
        for day, (begin, end) in [(1, (time(10), time(12))), (3, (time(14), time(16, 30)))]:
            dong = places[(week * 2 + day // 3) % len(places)]
            lat, lon = _jitter(rng, dong)
            visits.append(BusVisit(
                vehicle=vehicle, stop_name=f"{dong.name} {rng.choice(STOP_PLACES)} 앞",
                region=dong, lat=lat, lon=lon, date=start + timedelta(weeks=week, days=day),
                starts_at=begin, ends_at=end,
            ))
    return visits


def _first_monday(today: date) -> date:
    """The first Monday of this month: stable within the month, so reruns match."""
    first = today.replace(day=1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


@transaction.atomic
def seed(context: DemoContext) -> None:
    planner = Planner(context)
    rng = context.rng
    if context.scale == "small":
        districts = list(Region.objects.filter(code__in=SMALL_DISTRICTS).order_by("code"))
        districts.sort(key=lambda d: d.code != GANGNAM)
        plan = [(d, SMALL_CENTRES_PER_DISTRICT - 1, d.code in SMALL_HUBS) for d in districts]
    else:
        districts = list(Region.objects.sigungus().active().order_by("code"))
        districts.sort(key=lambda d: d.code != GANGNAM)
        plan = _national_plan(districts)
    for district, count, hub in plan:
        planner.district(district, count, hub)
    created = _insert_centres(planner.centres)

    hubs = list(
        Center.objects.filter(kind=CenterKind.HUB, region__sigungu__in=[d for d, _, h in plan if h])
        .select_related("region__sigungu").order_by("region__code", "pk")
    )
    sites = _plan_sites(rng, hubs, planner, SITES_PER_HUB[context.scale])
    existing_sites = set(OutreachSite.objects.values_list("hub_id", "name"))
    OutreachSite.objects.bulk_create(
        [s for s in sites if (s.hub_id, s.name) not in existing_sites], batch_size=500,
    )
    sites_by_hub: dict[int, list[OutreachSite]] = defaultdict(list)
    for site in OutreachSite.objects.filter(hub__in=hubs).order_by("pk"):
        sites_by_hub[site.hub_id].append(site)

    today = timezone.localdate()
    requests: list[OutreachRequest] = []
    for hub in hubs:
        requests += _plan_requests(rng, hub, sites_by_hub[hub.pk], planner, today)
    existing_requests = set(OutreachRequest.objects.values_list("hub_id", "organisation"))
    OutreachRequest.objects.bulk_create(
        [r for r in requests if (r.hub_id, r.organisation) not in existing_requests],
        batch_size=500,
    )

    visits = _seed_buses(rng, hubs, _first_monday(today))
    context.notes.append(
        f"Centres: {created} new, {Center.objects.count()} in all; "
        f"{OutreachSite.objects.count()} outreach sites, "
        f"{OutreachRequest.objects.count()} outreach requests, {visits} new bus visits."
    )


def _seed_buses(rng: Random, hubs: list[Center], start: date) -> int:
    by_district = {hub.region.sigungu.code: hub for hub in hubs if hub.region.sigungu}
    routes: list[tuple[str, str, str, list[tuple[str, str]]]] = [
        ("배움터 버스 1호 (전남 섬마을)", "전남 70 바 1001", GOHEUNG, ISLAND_STOPS),
        ("배움터 버스 2호 (강원 산골마을)", "강원 70 바 2002", PYEONGCHANG, MOUNTAIN_STOPS),
    ]
    new = 0
    for name, plate, district_code, stops in routes:
        base = by_district.get(district_code)
        if base is None:
            continue
        vehicle, _ = BusVehicle.objects.get_or_create(
            name=name, defaults={"plate_number": plate, "base": base},
        )
        planned = _bus_visits(rng, vehicle, stops, start)
        existing: set[Any] = set(vehicle.visits.values_list("date", "starts_at"))
        fresh = [v for v in planned if (v.date, v.starts_at) not in existing]
        BusVisit.objects.bulk_create(fresh)
        new += len(fresh)
    return new
