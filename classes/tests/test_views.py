from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.testing import People
from classes.models import ClassStatus, CourseClass
from classes.selectors import class_list
from classes.tests.builders import course, data, open_class
from courses.models import Course

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_fields(people: People, **changes) -> dict:
    values = {
        "course": course().pk, "center": people.gangnam_center.pk,
        "start_date": "2026-09-17", "weekdays": ["1", "3"], "starts_at": "14:00",
        "ends_at": "16:00", "capacity": "15", "registration_opens": "2026-08-01",
        "registration_closes": "2026-09-10",
    }
    values.update(changes)
    return values


def test_it_lists_the_managers_classes_by_status(people: People) -> None:
    mine = open_class(people)
    r = client_for(people.manager).get(reverse("classes-list"), {"status": "planned"})
    assert r.status_code == 200
    assert mine.course.title in r.content.decode()
    r = client_for(people.manager).get(reverse("classes-list"), {"status": "running"})
    assert mine.course.title not in r.content.decode()


def test_outsider_gets_nothing(people: People) -> None:
    mine = open_class(people)
    client = client_for(people.outsider)
    r = client.get(reverse("classes-list"))
    assert mine.course.title not in r.content.decode()
    for name in ["classes-detail", "classes-edit"]:
        assert client.get(reverse(name, args=[mine.pk])).status_code == 404
    r = client.post(reverse("classes-transition", args=[mine.pk]), {"to": "recruiting"})
    assert r.status_code == 404
    assert CourseClass.objects.get(pk=mine.pk).status == ClassStatus.PLANNED


def test_anonymous_users_are_sent_to_login(people: People) -> None:
    r = Client().get(reverse("classes-list"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_it_creates_a_class_at_the_managers_centre(people: People) -> None:
    r = client_for(people.manager).post(reverse("classes-create"), form_fields(people))
    created = CourseClass.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("classes-detail", args=[created.pk])
    assert created.sessions.count() == 4 and created.weekdays == [1, 3]


def test_manager_cannot_touch_another_centres_class(people: People) -> None:
    from classes.services import class_create

    busan = class_create(data=data(people.busan_center), by=people.outsider)
    client = client_for(people.manager)
    assert client.get(reverse("classes-detail", args=[busan.pk])).status_code == 404
    assert client.get(reverse("classes-edit", args=[busan.pk])).status_code == 404
    r = client.post(reverse("classes-transition", args=[busan.pk]), {"to": "recruiting"})
    assert r.status_code == 404
    # Nor open one there: the form does not offer that centre.
    r = client.post(reverse("classes-create"), form_fields(people, center=people.busan_center.pk))
    assert r.status_code == 200
    assert not CourseClass.objects.filter(center=people.busan_center).exclude(pk=busan.pk).exists()


def test_regional_officers_see_their_region_read_only(people: People) -> None:
    mine = open_class(people)
    client = client_for(people.gangnam_officer)
    r = client.get(reverse("classes-detail", args=[mine.pk]))
    assert r.status_code == 200
    assert reverse("classes-transition", args=[mine.pk]) not in r.content.decode()
    assert client.get(reverse("classes-edit", args=[mine.pk])).status_code == 404
    assert client.get(reverse("classes-create")).status_code == 403


def test_it_moves_the_class_and_explains_refusals(people: People) -> None:
    mine = open_class(people)
    client = client_for(people.manager)
    url = reverse("classes-transition", args=[mine.pk])
    client.post(url, {"to": "recruiting"})
    assert CourseClass.objects.get(pk=mine.pk).status == ClassStatus.RECRUITING
    r = client.post(url, {"to": "cancelled"}, follow=True)
    assert CourseClass.objects.get(pk=mine.pk).status == ClassStatus.RECRUITING
    assert 'class="message message-error"' in r.content.decode()


def test_it_edits_a_class(people: People) -> None:
    mine = open_class(people)
    client = client_for(people.manager)
    r = client.get(reverse("classes-edit", args=[mine.pk]))
    assert r.status_code == 200
    r = client.post(
        reverse("classes-edit", args=[mine.pk]),
        form_fields(people, course=mine.course.pk, capacity="20", weekdays=["3"]),
    )
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.capacity == 20 and mine.first_date == date(2026, 9, 17)


def test_the_list_takes_a_fixed_number_of_queries(
    people: People, django_assert_max_num_queries,
) -> None:
    for title in ["가", "나", "다"]:
        open_class(people, course_=course(title))
    with django_assert_max_num_queries(2):
        rows = list(class_list(user=people.manager))
    assert len(rows) == 3
    assert rows[0].session_total == 4  # type: ignore[attr-defined]


def test_outsider_cannot_edit_by_posting(people: People) -> None:
    mine = open_class(people)
    r = client_for(people.outsider).post(
        reverse("classes-edit", args=[mine.pk]), form_fields(people, capacity="30"),
    )
    assert r.status_code == 404
    assert CourseClass.objects.get(pk=mine.pk).capacity == 15


@pytest.mark.parametrize(
    "changes",
    [
        {"start_date": "9999-12-30", "registration_opens": "9999-12-01",
         "registration_closes": "9999-12-02"},
        {"start_date": "2025-12-01", "registration_opens": "2025-11-01",
         "registration_closes": "2025-11-20"},
    ],
)
def test_it_explains_dates_out_of_range_without_saving(people: People, changes: dict) -> None:
    r = client_for(people.manager).post(reverse("classes-create"), form_fields(people, **changes))
    assert r.status_code == 200
    assert 'role="alert"' in r.content.decode()
    assert not CourseClass.objects.exists()


@pytest.mark.parametrize(
    "post",
    [{}, {"to": "x" * 50}, {"to": "cancelled", "reason": "x" * 600}],
)
def test_it_explains_a_malformed_status_change(people: People, post: dict) -> None:
    mine = open_class(people)
    r = client_for(people.manager).post(
        reverse("classes-transition", args=[mine.pk]), post, follow=True,
    )
    assert r.status_code == 200
    assert 'class="message message-error"' in r.content.decode()
    assert CourseClass.objects.get(pk=mine.pk).status == ClassStatus.PLANNED


def test_the_admin_only_shows_classes(people: People) -> None:
    """Classes change through the services (sessions, rules, audit), not the admin."""
    mine = open_class(people)
    admin = User.objects.create_superuser("root", password="x")
    client = client_for(admin)
    assert client.get(reverse("admin:classes_courseclass_changelist")).status_code == 200
    change = reverse("admin:classes_courseclass_change", args=[mine.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:classes_courseclass_add")).status_code == 403
    r = client.post(change, {"capacity": "99", "weekdays": "[0]"})
    assert r.status_code == 403
    assert client.post(
        reverse("admin:classes_courseclass_delete", args=[mine.pk]), {"post": "yes"},
    ).status_code == 403
    assert CourseClass.objects.get(pk=mine.pk).capacity == 15


def test_it_edits_a_class_whose_course_was_withdrawn(people: People) -> None:
    mine = open_class(people)
    Course.objects.filter(pk=mine.course_id).update(is_active=False)
    r = client_for(people.manager).post(
        reverse("classes-edit", args=[mine.pk]),
        form_fields(people, course=mine.course_id, capacity="20"),
    )
    assert r.status_code == 302
    assert CourseClass.objects.get(pk=mine.pk).capacity == 20
    # A new class is not offered the withdrawn course.
    r = client_for(people.manager).get(reverse("classes-create"))
    assert mine.course not in r.context["form"].fields["course"].queryset


def test_the_form_offers_only_the_centres_own_instructors(people: People) -> None:
    from accounts.services import role_grant_create

    # A supporter here who teaches elsewhere is not an instructor here.
    both = User.objects.create_user("both", password="x")
    role_grant_create(user=both, role=Role.SUPPORTER, center=people.gangnam_center)
    role_grant_create(user=both, role=Role.INSTRUCTOR, center=people.busan_center)
    r = client_for(people.manager).get(reverse("classes-create"))
    fields = r.context["form"].fields
    assert list(fields["instructor"].queryset) == [people.instructor]
    assert both in fields["supporters"].queryset
