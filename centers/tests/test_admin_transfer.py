import html
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from accounts.testing import People
from centers.models import Center
from centers.transfer import COLUMNS

pytestmark = pytest.mark.django_db

URL = "/admin/centers/center/"


def _staff(user: User, *codenames: str) -> User:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def _csv(*rows: list[str]) -> io.BytesIO:
    text = "\n".join(",".join(row) for row in [COLUMNS, *rows])
    upload = io.BytesIO(text.encode("utf-8-sig"))
    upload.name = "centres.csv"
    return upload


def test_it_imports_from_the_admin_page(client: Client, people: People) -> None:
    client.force_login(_staff(people.gangnam_officer, "view_center", "add_center", "change_center"))
    assert "import/" in client.get(URL).content.decode()
    row = ["", "역삼 작은도서관", "도서관", "", "1168064000", "", "", "", "", "", "운영"]
    r = client.post(f"{URL}import/", {"file": _csv(row)})
    assert r.status_code == 302
    assert Center.objects.filter(name="역삼 작은도서관").exists()


def test_it_shows_row_errors_and_imports_nothing(client: Client, people: People) -> None:
    client.force_login(_staff(people.gangnam_officer, "view_center", "add_center", "change_center"))
    row = ["", "역삼 작은도서관", "도서관", "", "1168099999", "", "", "", "", "", "운영"]
    page = html.unescape(client.post(f"{URL}import/", {"file": _csv(row)}).content.decode())
    assert "1168099999" in page and "'행정동코드'" in page
    assert not Center.objects.filter(name="역삼 작은도서관").exists()


def test_the_outsider_cannot_import_over_another_centre(client: Client, people: People) -> None:
    client.force_login(_staff(people.outsider, "view_center", "add_center", "change_center"))
    centre = people.gangnam_center
    row = [str(centre.pk), "빼앗긴 배움터", "도서관", "", "1168064000", "", "", "", "", "", "운영"]
    client.post(f"{URL}import/", {"file": _csv(row)})
    centre.refresh_from_db()
    assert centre.name != "빼앗긴 배움터"


def test_an_import_needs_the_add_and_change_permissions(client: Client, people: People) -> None:
    client.force_login(_staff(people.gangnam_officer, "view_center"))
    assert client.get(f"{URL}import/").status_code == 403


def test_the_export_action_is_scoped(client: Client, people: People) -> None:
    client.force_login(_staff(people.gangnam_officer, "view_center"))
    everyone = [c.pk for c in Center.objects.all()]
    r = client.post(URL, {"action": "export_xlsx", "_selected_action": everyone})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [people.gangnam_center.name]


@pytest.mark.parametrize(
    "url", ["outreachsite", "outreachrequest", "busvehicle", "busvisit", "centerclosure"],
)
def test_every_centres_admin_list_opens_for_a_national_admin(
    client: Client, people: People, url: str,
) -> None:
    people.national.is_superuser = people.national.is_staff = True
    people.national.save()
    client.force_login(people.national)
    assert client.get(f"/admin/centers/{url}/").status_code == 200
