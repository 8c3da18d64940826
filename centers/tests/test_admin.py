import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.testing import People

pytestmark = pytest.mark.django_db

URL = "/admin/centers/center/"


def test_the_admin_list_is_scoped_like_every_other_screen(client: Client, people: People) -> None:
    officer = people.gangnam_officer
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    officer.user_permissions.add(Permission.objects.get(codename="view_center"))
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert people.gangnam_center.name in page
    assert people.seocho_center.name not in page
    assert people.busan_center.name not in page


def test_the_outsider_cannot_open_another_centre_in_the_admin(
    client: Client, people: People,
) -> None:
    outsider = people.outsider
    outsider.is_staff = True
    outsider.save(update_fields=["is_staff"])
    outsider.user_permissions.add(Permission.objects.get(codename="view_center"))
    client.force_login(outsider)
    r = client.get(f"{URL}{people.gangnam_center.pk}/change/")
    assert r.status_code == 302  # the admin redirects away from an object it cannot find
    assert people.gangnam_center.name not in client.get(URL).content.decode()
