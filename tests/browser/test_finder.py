"""Finding a class in a real Chromium: keyboard alone, without JavaScript, my location, map.

Runs on the browser site's `demo --scale small` data, which has classes
taking applications in 서울 강남구 역삼1동 and around it.
"""

import re

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.site import NewPage, Site
from tests.browser.test_pages import tab_to

pytestmark = pytest.mark.browser

SEOUL = "1100000000"
GANGNAM = "1168000000"
YEOKSAM1 = "1168064000"


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def walk_to_a_class(page: Page) -> None:
    """시·도 → 시·군·구 → 동네 → results → a class page → applying (or why not), by keyboard."""
    page.goto("/find/")
    tab_to(page, f"a[href='/find/in/{SEOUL}/']")
    press_enter_and_wait(page)
    assert page.url.endswith(f"/find/in/{SEOUL}/")

    tab_to(page, f"a[href='/find/in/{GANGNAM}/']")
    press_enter_and_wait(page)
    assert page.url.endswith(f"/find/in/{GANGNAM}/")

    tab_to(page, f"a[href='/find/classes/?region={YEOKSAM1}']", limit=120)
    press_enter_and_wait(page)
    assert page.url.endswith(f"/find/classes/?region={YEOKSAM1}")
    cards = page.locator(".class-card")
    if cards.count() == 0:
        pytest.skip("the demo data has no upcoming class near 역삼1동")
    first_title = cards.first.locator("h3 a").inner_text()
    assert re.search(r"\d+(\.\d)?\s?km", cards.first.inner_text())

    tab_to(page, ".class-card h3 a")
    press_enter_and_wait(page)
    assert re.search(r"/classes/\d+/$", page.url)
    assert page.locator("h1").inner_text() == first_title

    if page.locator(".apply-refusal").count():
        # Its applications closed: the page says so, with a number to call.
        assert page.locator(".apply-refusal a[href^='tel:']").count() == 1
        return
    tab_to(page, "a.button-apply")
    press_enter_and_wait(page)
    assert re.search(r"/classes/\d+/apply/$", page.url)
    assert page.locator("a[href^='tel:']").count() >= 1


def test_it_finds_a_class_from_province_to_class_page_by_keyboard(page: Page) -> None:
    walk_to_a_class(page)


def test_it_finds_a_class_without_javascript(new_page: NewPage) -> None:
    page = new_page(javascript=False)
    walk_to_a_class(page)


def test_it_filters_by_keyboard(page: Page) -> None:
    page.goto(f"/find/classes/?region={YEOKSAM1}")
    tab_to(page, ".finder-filters summary")
    page.keyboard.press("Enter")  # opens the filters
    tab_to(page, "input[name=time_of_day]")  # a radio group is one Tab stop
    while not page.evaluate("() => document.activeElement.value === 'afternoon'"):
        page.keyboard.press("ArrowDown")  # moves and checks
    tab_to(page, "input[name=has_seats]")
    page.keyboard.press("Space")
    tab_to(page, ".finder-filter-form button[type=submit]")
    press_enter_and_wait(page)
    assert "time_of_day=afternoon" in page.url and "has_seats=on" in page.url
    assert f"region={YEOKSAM1}" in page.url


def test_it_finds_a_place_by_initial_consonants(page: Page) -> None:
    page.goto("/find/")
    tab_to(page, "input[name=q]")
    page.keyboard.type("ㅇㅅ1ㄷ")
    press_enter_and_wait(page)
    link = page.locator(f"a[href='/find/classes/?region={YEOKSAM1}']")
    assert link.count() == 1
    assert "역삼1동" in link.inner_text()


def test_it_finds_classes_from_my_location(browser: Browser, site: Site) -> None:
    context = browser.new_context(
        base_url=site.url, locale="ko-KR", geolocation={"latitude": 37.4954, "longitude": 127.0333},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.goto("/find/")
        button = page.locator("[data-locate-form] button")
        assert button.is_visible()
        with page.expect_navigation():
            button.click()
        assert "lat=37.4954" in page.url and "lon=127.0333" in page.url
        assert page.locator(".class-card").count() >= 1
    finally:
        context.close()


def test_it_hides_my_location_without_javascript(new_page: NewPage) -> None:
    page = new_page(javascript=False)
    page.goto("/find/")
    assert not page.locator("[data-locate]").is_visible()


def test_it_draws_the_map_with_boundaries_and_markers(new_page: NewPage) -> None:
    page = new_page(bypass_csp=False)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/find/map/?region={YEOKSAM1}")
    page.wait_for_load_state("networkidle")
    assert page.locator("#class-map").is_visible()
    assert not page.locator("[data-map-note]").is_visible()
    # boundaries and class markers are SVG paths in Leaflet's overlay pane
    assert page.locator("#class-map path.leaflet-interactive").count() > 10
    assert errors == []
