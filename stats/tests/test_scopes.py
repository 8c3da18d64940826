import pytest
from django.core.exceptions import ValidationError

from accounts.testing import GANGNAM, SEOUL
from courses.models import Course
from stats.scopes import OutOfScope, scope_parse, scoped_applications

pytestmark = pytest.mark.django_db


def ages(applications):
    return sorted(a.course_class.first_date.year - a.learner.birth_year for a in applications)


def test_it_reads_nation_and_nothing_as_everyone(people, classes):
    assert scope_parse("nation").parts == () == scope_parse([]).parts
    assert scoped_applications(people.national, scope_parse("nation")).count() == 8


def test_it_filters_by_region_centre_class_and_course(people, classes):
    national = people.national

    def count(text):
        return scoped_applications(national, scope_parse(text)).count()

    assert count(f"sido:{SEOUL}") == 6
    assert count(f"sigungu:{GANGNAM}") == 4
    assert count(f"center:{people.seocho_center.pk}") == 2
    assert count(f"class:{classes['busan'].pk}") == 2
    assert count(f"course:{classes['busan'].course_id}") == 8  # all three share the course
    other = Course.objects.create(title="키오스크", level="basic", topic="kiosk", session_count=2)
    assert count(f"course:{other.pk}") == 0
    assert scope_parse(f"sigungu:{GANGNAM}").label == "서울특별시 강남구"


def test_it_filters_by_target_group_and_age_band(people, classes):
    national = people.national
    seniors = scoped_applications(national, scope_parse("target_group:seniors"))
    assert all("seniors" in a.learner.target_groups for a in seniors) and seniors.count() == 5
    assert ages(scoped_applications(national, scope_parse("age_band:80+"))) == [82, 86]
    assert ages(scoped_applications(national, scope_parse("age_band:60-69"))) == [66]
    assert ages(scoped_applications(national, scope_parse("age_band:under60"))) == [51]


def test_it_combines_parts_with_ampersand_or_repetition(people, classes):
    joined = scope_parse(f"sido:{SEOUL}&age_band:70-79")
    repeated = scope_parse([f"sido:{SEOUL}", "age_band:70-79"])
    assert joined.query == repeated.query == f"sido:{SEOUL}&age_band:70-79"
    assert ages(scoped_applications(people.national, joined)) == [74, 76, 78]


@pytest.mark.parametrize("text", [
    "planet:earth", "sido:11", "sido:1168000000", "sigungu:1100000000", "center:abc",
    "center:999999", "class:", "target_group:aliens", "age_band:50-59", "course:12345678",
    "sido:1100000000&sido:2600000000",
])
def test_it_refuses_bad_scopes_with_a_message(db, text):
    with pytest.raises(ValidationError) as raised:
        scope_parse(text)
    assert raised.value.messages[0]


def test_it_keeps_the_users_own_scope_on_top(people, classes):
    gangnam_only = scoped_applications(people.gangnam_officer, scope_parse(f"sido:{SEOUL}"))
    assert {a.course_class.center_id for a in gangnam_only} == {people.gangnam_center.pk}
    with pytest.raises(OutOfScope):
        scoped_applications(people.seoul_officer, scope_parse("sido:2600000000"))
    with pytest.raises(OutOfScope):
        scoped_applications(people.outsider, scope_parse(f"center:{people.gangnam_center.pk}"))
    assert scoped_applications(people.outsider, scope_parse("nation")).count() == 2
