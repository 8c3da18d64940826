"""Demo learning centres placed in real 행정동.

`small`: a few districts, city and country (서울 강남구·종로구, 부산 해운대구,
인천 영종구, 전남 고흥군, 강원 평창군). `national`: about 1,000 centres in
every 시·군·구, more where more people live.
"""

import re

from centers.models import Center, CenterKind
from demo.seeding import DemoContext
from regions.models import Region

ORDER = 20

SMALL_DISTRICTS = [
    "1168000000", "1111000000", "2635000000", "2815500000", "4677000000", "5176000000",
]
NATIONAL_CENTRES = 1000

KIND_WEIGHTS = [
    (CenterKind.COMMUNITY_SERVICE, 30),
    (CenterKind.SENIOR_WELFARE, 25),
    (CenterKind.SOCIAL_WELFARE, 12),
    (CenterKind.LIBRARY, 12),
    (CenterKind.SENIOR_HALL, 10),
    (CenterKind.DISABILITY_WELFARE, 6),
    (CenterKind.CHILDREN, 5),
]
NAME_PATTERNS = {
    CenterKind.COMMUNITY_SERVICE: "{dong} 행정복지센터",
    CenterKind.SENIOR_WELFARE: "{stem} 노인복지관",
    CenterKind.SOCIAL_WELFARE: "{stem} 종합사회복지관",
    CenterKind.LIBRARY: "{stem} 작은도서관",
    CenterKind.SENIOR_HALL: "{stem} 경로당",
    CenterKind.DISABILITY_WELFARE: "{sigungu} 장애인복지관",
    CenterKind.CHILDREN: "{stem} 지역아동센터",
    CenterKind.HUB: "{sigungu} 디지털배움터 거점센터",
}


def _stem(dong_name: str) -> str:
    """역삼1동 → 역삼, 도양읍 → 도양."""
    return re.sub(r"(제?\d*[동읍면]|\d+가동?)$", "", dong_name) or dong_name


def _centre_name(kind: CenterKind, dong: Region) -> str:
    sigungu = dong.sigungu.name if dong.sigungu else dong.name
    return NAME_PATTERNS[kind].format(dong=dong.name, stem=_stem(dong.name), sigungu=sigungu)


def _place(context: DemoContext, district: Region, count: int) -> int:
    dongs = list(Region.objects.eupmyeondongs().filter(sigungu=district).select_related("sigungu"))
    kinds = [kind for kind, _ in KIND_WEIGHTS]
    weights = [weight for _, weight in KIND_WEIGHTS]
    created = 0
    plan = [(CenterKind.HUB, context.rng.choice(dongs))]
    for _ in range(count - 1):
        plan.append((context.rng.choices(kinds, weights)[0], context.rng.choice(dongs)))
    for kind, dong in plan:
        _, was_created = Center.objects.get_or_create(
            name=_centre_name(kind, dong), region=dong, defaults={"kind": kind},
        )
        created += was_created
    return created


def _national_counts(context: DemoContext) -> list[tuple[Region, int]]:
    districts = list(Region.objects.sigungus().active())
    total = sum(d.population or 0 for d in districts) or 1
    return [
        (district, max(2, round(NATIONAL_CENTRES * (district.population or 0) / total)))
        for district in districts
    ]


def seed(context: DemoContext) -> None:
    if context.scale == "small":
        plan = [(Region.objects.get(code=code), 4) for code in SMALL_DISTRICTS]
    else:
        plan = _national_counts(context)
    created = sum(_place(context, district, count) for district, count in plan)
    context.notes.append(f"Centres: {created} new, {Center.objects.count()} in all.")
