import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import PASSWORD, People

pytestmark = pytest.mark.django_db

LOGIN = "/staff/login/"


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip,
    )


def test_it_logs_staff_in_and_shows_their_desk(client: Client, people: People) -> None:
    r = login(client, "manager", PASSWORD)
    assert r.status_code == 302
    assert r["Location"] == reverse("accounts-home")
    r = client.get(reverse("accounts-home"))
    assert "역삼1동 디지털배움터" in r.content.decode()
    assert "해운대 도서관 배움터" not in r.content.decode()


def test_it_sends_anonymous_visitors_to_login(client: Client) -> None:
    r = client.get(reverse("accounts-home"))
    assert r.status_code == 302
    assert r["Location"].startswith(LOGIN)


def test_it_explains_a_wrong_password_in_korean(client: Client, people: People) -> None:
    r = login(client, "manager", "wrong-password")
    assert r.status_code == 200
    assert "올바른" in r.content.decode()


def test_it_locks_out_after_five_failures(client: Client, people: People) -> None:
    for _ in range(5):
        login(client, "manager", "wrong-password")
    r = login(client, "manager", PASSWORD)
    assert r.status_code == 429
    assert "로그인이 잠겼습니다" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_keeps_the_lockout_to_that_address(client: Client, people: People) -> None:
    for _ in range(5):
        login(client, "manager", "wrong-password", ip="10.0.0.9")
    r = login(client, "manager", PASSWORD, ip="10.0.0.10")
    assert r.status_code == 302


def test_it_logs_out_only_by_post(client: Client, people: People) -> None:
    client.force_login(people.manager)
    assert client.get("/staff/logout/").status_code == 405
    assert client.post("/staff/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
