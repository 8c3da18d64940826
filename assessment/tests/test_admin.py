"""Only national administrators change items in the admin; a change is a new version."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.testing import People
from assessment.item_bank import bank_import
from assessment.models import Item

pytestmark = pytest.mark.django_db

ITEM = {
    "key": "device-basic-001", "level": "basic", "stem": "전화를 걸려면?", "screen": None,
    "options": [{"key": "a", "text": "전화"}, {"key": "b", "text": "카메라"},
                {"key": "c", "text": "시계"}],
    "answer": "a", "irt": {"a": 1.0, "b": -1.0, "c": 0.27},
}


@pytest.fixture
def item(tmp_path: Path) -> Item:
    (tmp_path / "device.json").write_text(json.dumps({"area": "device", "items": [ITEM]}))
    bank_import(tmp_path)
    return Item.objects.get()


def url(item: Item) -> str:
    return f"/admin/assessment/item/{item.pk}/change/"


def staff(client: Client, user, *perms: str) -> None:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    client.force_login(user)


def revision(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "stem": "전화를 걸 때 누르는 그림은?", "options": json.dumps(ITEM["options"]),
        "answer": "a", "screen": "", "a": "1.0", "b": "-1.2", "c": "0.27",
        "versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_it_lets_a_national_administrator_revise_an_item(
    client: Client, people: People, item: Item,
) -> None:
    staff(client, people.national)
    for listing in ("item/?area__exact=device&level__exact=basic", "form/", "calibration/"):
        assert client.get(f"/admin/assessment/{listing}").status_code == 200
    page = client.get(url(item))
    assert page.status_code == 200 and "전화를 걸려면?" in page.content.decode()
    r = client.post(url(item), revision())
    assert r.status_code == 302
    versions = list(item.versions.order_by("version"))
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert (versions[1].stem, versions[1].b, versions[1].created_by) == (
        "전화를 걸 때 누르는 그림은?", -1.2, people.national)


def test_it_shows_what_is_wrong_with_a_revision(
    client: Client, people: People, item: Item,
) -> None:
    staff(client, people.national)
    r = client.post(url(item), revision(answer="z"))
    assert r.status_code == 200
    assert any("'z'" in error for error in r.context["adminform"].form.non_field_errors())
    assert item.versions.count() == 1


def test_an_officer_with_view_rights_only_looks(
    client: Client, people: People, item: Item,
) -> None:
    staff(client, people.seoul_officer, "view_item", "change_item")
    assert client.get(url(item)).status_code == 200
    assert client.post(url(item), revision()).status_code == 403
    assert item.versions.count() == 1


def test_the_outsider_gets_nothing(client: Client, people: People, item: Item) -> None:
    staff(client, people.outsider)
    assert client.get("/admin/assessment/item/").status_code == 403
    assert client.get(url(item)).status_code == 403
    assert client.post(url(item), revision()).status_code == 403
    assert item.versions.count() == 1
