import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User
from accounts.scoping import has_role, is_national
from accounts.testing import People
from centers.models import Center
from regions.models import Region

pytestmark = pytest.mark.django_db


def visible(user: User | AnonymousUser) -> set[str]:
    return set(Center.objects.for_user(user).values_list("name", flat=True))


def test_it_shows_everything_to_the_national_admin(people: People) -> None:
    assert visible(people.national) == set(Center.objects.values_list("name", flat=True))


def test_it_shows_a_superuser_everything(people: People) -> None:
    root = User.objects.create_superuser("root", password="x-very-long-pass")
    assert len(visible(root)) == 3


def test_it_shows_a_province_officer_their_province(people: People) -> None:
    assert visible(people.seoul_officer) == {
        people.gangnam_center.name, people.seocho_center.name,
    }


def test_it_shows_a_district_officer_only_their_district(people: People) -> None:
    assert visible(people.gangnam_officer) == {people.gangnam_center.name}


def test_it_shows_centre_staff_their_centre(people: People) -> None:
    assert visible(people.manager) == {people.gangnam_center.name}
    assert visible(people.instructor) == {people.gangnam_center.name}


def test_it_shows_the_outsider_nothing_of_others(people: People) -> None:
    assert visible(people.outsider) == {people.busan_center.name}


def test_it_shows_anonymous_and_roleless_users_nothing(people: People) -> None:
    nobody = User.objects.create_user("nobody", password="x-very-long-pass")
    assert visible(AnonymousUser()) == set()
    assert visible(nobody) == set()


def test_it_shows_nothing_to_a_deactivated_user(people: People) -> None:
    people.national.is_active = False
    people.national.save(update_fields=["is_active"])
    fresh = User.objects.get(pk=people.national.pk)
    assert visible(fresh) == set()


def test_it_unions_several_grants(people: People) -> None:
    from accounts.services import role_grant_create

    role_grant_create(user=people.manager, role=Role.CENTER_MANAGER, center=people.busan_center)
    fresh = User.objects.get(pk=people.manager.pk)
    assert visible(fresh) == {people.gangnam_center.name, people.busan_center.name}


def test_it_scopes_regions_themselves_by_ancestor(people: People) -> None:
    from accounts.scoping import ScopePaths, scope_filter

    paths = ScopePaths(region="")
    dongs = Region.objects.eupmyeondongs().filter(scope_filter(people.gangnam_officer, paths))
    assert dongs.count() > 10
    assert set(dongs.values_list("sigungu__code", flat=True)) == {"1168000000"}


def test_it_answers_role_questions(people: People) -> None:
    assert is_national(people.national)
    assert not is_national(people.seoul_officer)
    assert has_role(people.manager, Role.CENTER_MANAGER)
    assert not has_role(people.instructor, Role.CENTER_MANAGER)
    assert has_role(people.national, Role.INSTRUCTOR)  # national reaches every role


def test_it_reads_grants_once_per_user_object(people: People, django_assert_num_queries) -> None:
    user = User.objects.get(pk=people.manager.pk)
    with django_assert_num_queries(3):
        list(Center.objects.for_user(user))  # grants + superuser-free filter + centres
        list(Center.objects.for_user(user))
