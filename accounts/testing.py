"""The named people every scoped view is tested with.

    national        national administrator
    seoul_officer   regional officer of 서울특별시
    gangnam_officer regional officer of 서울 강남구
    manager         centre manager of the 강남 centre
    instructor      instructor at the 강남 centre
    outsider        centre manager of a centre in 부산 — sees nothing of the above

Centres: `gangnam_center` (강남구 역삼1동), `seocho_center` (서초구, in 서울 but not
강남구) and `busan_center` (부산 해운대구). Every later view gets an
"outsider gets nothing" test with these.
"""

from dataclasses import dataclass

from django.conf import settings

from accounts.models import Role, User
from accounts.services import role_grant_create
from centers.models import Center, CenterKind
from regions.models import Region

PASSWORD = "correct-horse-2026"

SEOUL = "1100000000"
GANGNAM = "1168000000"
YEOKSAM1 = "1168064000"
SEOCHO_BANPO = "1165055000"
HAEUNDAE_UJE1 = "2635051000"


@dataclass
class People:
    national: User
    seoul_officer: User
    gangnam_officer: User
    manager: User
    instructor: User
    outsider: User
    gangnam_center: Center
    seocho_center: Center
    busan_center: Center

    @property
    def everyone(self) -> list[User]:
        return [
            self.national, self.seoul_officer, self.gangnam_officer,
            self.manager, self.instructor, self.outsider,
        ]


def _user(username: str, name: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, first_name=name)


def _center(name: str, code: str, kind: CenterKind) -> Center:
    return Center.objects.create(name=name, kind=kind, region=Region.objects.get(code=code))


def make_people() -> People:
    gangnam_center = _center("역삼1동 디지털배움터", YEOKSAM1, CenterKind.COMMUNITY_SERVICE)
    seocho_center = _center("반포 노인복지관 배움터", SEOCHO_BANPO, CenterKind.SENIOR_WELFARE)
    busan_center = _center("해운대 도서관 배움터", HAEUNDAE_UJE1, CenterKind.LIBRARY)
    people = People(
        national=_user("national", "중앙관리자"),
        seoul_officer=_user("seoul", "서울담당"),
        gangnam_officer=_user("gangnam", "강남담당"),
        manager=_user("manager", "역삼운영자"),
        instructor=_user("instructor", "역삼강사"),
        outsider=_user("outsider", "부산운영자"),
        gangnam_center=gangnam_center,
        seocho_center=seocho_center,
        busan_center=busan_center,
    )
    role_grant_create(user=people.national, role=Role.NATIONAL_ADMIN)
    role_grant_create(
        user=people.seoul_officer, role=Role.REGIONAL_OFFICER,
        region=Region.objects.get(code=SEOUL),
    )
    role_grant_create(
        user=people.gangnam_officer, role=Role.REGIONAL_OFFICER,
        region=Region.objects.get(code=GANGNAM),
    )
    role_grant_create(user=people.manager, role=Role.CENTER_MANAGER, center=gangnam_center)
    role_grant_create(user=people.instructor, role=Role.INSTRUCTOR, center=gangnam_center)
    role_grant_create(user=people.outsider, role=Role.CENTER_MANAGER, center=busan_center)
    return people


# For tests with real concurrency (`django_db(transaction=True,
# available_apps=KEEP_REGIONS)`): the flush after such a test empties the tables
# of these apps only, so the regions that a migration loads stay for the tests after it.
KEEP_REGIONS = [app for app in settings.INSTALLED_APPS if app != "regions"]
