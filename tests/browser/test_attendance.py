"""The class-day screen by keyboard, with and without JavaScript, and the public check."""

import re

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_no_axe_violations
from tests.browser.site import NewPage, Site
from tests.browser.test_pages import ATTENDANCE_CLASS, open_named, tab_to

pytestmark = pytest.mark.browser

SESSION = f"{ATTENDANCE_CLASS} > a[href*='/staff/attendance/sessions/']"


def open_session(page: Page, site: Site) -> None:
    open_named(page, site, SESSION)
    assert re.search(r"/staff/attendance/sessions/\d+/$", page.url), page.url


def test_it_takes_attendance_by_keyboard(page: Page, site: Site) -> None:
    open_session(page, site)
    tab_to(page, ".roster-button")
    button_id = page.evaluate("() => document.activeElement.id")
    before = page.evaluate("() => document.activeElement.getAttribute('aria-pressed')")
    with page.expect_response(lambda r: r.url.endswith("/mark/")) as answer:
        page.keyboard.press("Space")
    assert answer.value.status == 200
    button = page.locator(f"#{button_id}")
    after = "false" if before == "true" else "true"
    button.and_(page.locator(f"[aria-pressed='{after}']")).wait_for()
    # The row was replaced in place and the keyboard focus stayed on it.
    assert page.evaluate("() => document.activeElement.id") == button_id
    with page.expect_response(lambda r: r.url.endswith("/mark/")):
        page.keyboard.press("Enter")
    page.locator(f"#{button_id}[aria-pressed='{before}']").wait_for()
    page.reload()
    assert page.locator(f"#{button_id}").get_attribute("aria-pressed") == before
    assert_no_axe_violations(page)


def test_it_takes_attendance_without_javascript(new_page: NewPage, site: Site) -> None:
    page = new_page(javascript=False)
    open_session(page, site)
    button = page.locator(".roster-button").first
    button_id = button.get_attribute("id")
    before = button.get_attribute("aria-pressed")
    with page.expect_navigation():
        button.click()
    assert f"#row-{button_id.removeprefix('mark-')}" in page.url
    after = page.locator(f"#{button_id}").get_attribute("aria-pressed")
    assert after != before


def test_the_tablet_screen_fits_320_px(new_page: NewPage, site: Site) -> None:
    page = new_page(width=320, display="xlarge.high")
    open_session(page, site)
    box = page.locator(".roster-button").first.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    assert_no_axe_violations(page)


def test_the_public_check_form_works_by_keyboard(page: Page) -> None:
    page.goto("/certificates/check/")
    tab_to(page, "#code")
    page.keyboard.type("abcd-efgh-jkmn")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/certificates/check/ABCDEFGHJKMN/")
    assert page.locator("[role=alert]").is_visible()
    assert_no_axe_violations(page)
