"""Demo staff accounts, one per role, each printed with its password."""

from typing import Any

from accounts.models import Role, RoleGrant, User
from centers.models import Center
from demo.credentials import DEMO_PASSWORD
from demo.seeding import DemoContext
from regions.models import Region

ORDER = 30


def _account(context: DemoContext, username: str, name: str, label: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    context.logins.append((username, DEMO_PASSWORD, label))
    return user


def _grant(user: User, role: Role, **reach: Any) -> None:
    RoleGrant.objects.get_or_create(user=user, role=role, **reach)


def seed(context: DemoContext) -> None:
    admin = _account(context, "admin", "시스템관리자", "superuser (Django admin)")
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    national = _account(context, "national", "김중앙", "national administrator")
    _grant(national, Role.NATIONAL_ADMIN)
    seoul = _account(context, "seoul", "이서울", "regional officer, 서울특별시")
    _grant(seoul, Role.REGIONAL_OFFICER, region=Region.objects.get(code="1100000000"))
    gangnam = _account(context, "gangnam", "박강남", "regional officer, 서울 강남구")
    _grant(gangnam, Role.REGIONAL_OFFICER, region=Region.objects.get(code="1168000000"))
    centre = Center.objects.filter(region__sigungu__code="1168000000").order_by("pk").first()
    if centre is None:
        return
    for username, name, role in [
        ("manager", "최운영", Role.CENTER_MANAGER),
        ("instructor", "정강사", Role.INSTRUCTOR),
        ("supporter", "한서포터", Role.SUPPORTER),
    ]:
        user = _account(context, username, name, f"{role.label}, {centre.name}")
        _grant(user, role, center=centre)
