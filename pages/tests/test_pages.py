import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_it_says_what_the_programme_is_in_korean(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<html lang="ko"' in page
    assert "본문 바로가기" in page
    assert "가까운 교육 찾기" in page


@override_settings(HELPLINE_PHONE="1588-1234")
def test_it_shows_the_configured_helpline_everywhere(client: Client) -> None:
    for path in ["/", "/about/", "/accessibility/"]:
        page = client.get(path).content.decode()
        assert "1588-1234" in page, path
        assert "1800-0000" not in page, path


def test_it_keeps_the_display_choice_in_a_cookie(client: Client) -> None:
    r = client.post("/display/", {"text_size": "xlarge", "contrast": "high", "next": "/about/"})
    assert r.status_code == 302
    assert r["Location"] == "/about/"
    assert client.cookies["display"].value == "xlarge.high"
    assert 'class="text-xlarge contrast-high"' in client.get("/").content.decode()


def test_it_ignores_unknown_choices_and_foreign_redirects(client: Client) -> None:
    r = client.post(
        "/display/", {"text_size": "huge", "contrast": "neon", "next": "https://evil.example/"},
    )
    assert r["Location"] == "/"
    assert client.cookies["display"].value == "normal.normal"


def test_it_saves_the_choice_quietly_for_htmx(client: Client) -> None:
    r = client.post("/display/", {"text_size": "large"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204
    assert client.cookies["display"].value == "large.normal"
