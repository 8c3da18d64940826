import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role, RoleGrant
from accounts.services import role_grant_create
from accounts.testing import People
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_it_refuses_an_officer_of_a_neighbourhood(people: People) -> None:
    dong = Region.objects.get(code="1168064000")
    with pytest.raises(ValidationError) as info:
        role_grant_create(user=people.outsider, role=Role.REGIONAL_OFFICER, region=dong)
    assert "지자체 담당자" in str(info.value)
    assert not RoleGrant.objects.filter(user=people.outsider, role=Role.REGIONAL_OFFICER).exists()


def test_it_refuses_a_centre_role_without_a_centre(people: People) -> None:
    with pytest.raises(ValidationError):
        role_grant_create(user=people.outsider, role=Role.INSTRUCTOR)


def test_the_database_refuses_a_grant_whose_reach_does_not_fit(people: People) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(
            user=people.outsider, role=Role.NATIONAL_ADMIN, center=people.busan_center,
        )


def test_it_refuses_the_same_grant_twice(people: People) -> None:
    with pytest.raises(ValidationError):
        role_grant_create(
            user=people.manager, role=Role.CENTER_MANAGER, center=people.gangnam_center,
        )


def test_it_refuses_a_second_national_grant(people: People) -> None:
    with pytest.raises(ValidationError):
        role_grant_create(user=people.national, role=Role.NATIONAL_ADMIN)
    assert RoleGrant.objects.filter(user=people.national).count() == 1


def test_the_database_refuses_a_duplicate_regional_grant(people: People) -> None:
    grant = RoleGrant.objects.get(user=people.gangnam_officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=grant.user, role=grant.role, region=grant.region)
