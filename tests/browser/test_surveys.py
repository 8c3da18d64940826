"""Surveys: answered by keyboard alone and without JavaScript; the kind error pages."""

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_no_axe_violations
from tests.browser.site import NewPage, Site
from tests.browser.test_pages import SURVEY_RUNNING, open_named, tab_to

pytestmark = pytest.mark.browser

TABLET = f"{SURVEY_RUNNING} > a[href$='/tablet/?kind=course_end']"
KEYS = ["instructor", "content", "pace", "place", "useful", "recommend"]


def test_a_learner_answers_on_the_tablet_by_keyboard_alone(page: Page, site: Site) -> None:
    open_named(page, site, TABLET)
    for key in KEYS:
        tab_to(page, f"input[name={key}]")
        page.keyboard.press("Space")  # the first choice: 매우 그렇다
        assert page.locator(f"input[name={key}]:checked").count() == 1
    tab_to(page, "textarea[name=comment]")
    page.keyboard.type("글씨가 커서 보기 좋았어요")
    tab_to(page, ".survey-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("input[name=instructor]").count() == 0  # the thank-you page
    assert_no_axe_violations(page)


def test_it_answers_without_javascript_and_says_what_is_missing(
    new_page: NewPage, site: Site,
) -> None:
    page = new_page(javascript=False, width=320, display="xlarge.high")
    open_named(page, site, TABLET)
    box = page.locator(".choice").first.bounding_box()
    assert box is not None and box["height"] >= 44
    with page.expect_navigation():
        page.locator(".survey-form button[type=submit]").click()  # nothing answered
    assert page.locator("[role=alert]").is_visible()
    page.locator("input[name=pace][value='2']").check()
    page.locator("input[name=instructor][value='5']").check()
    with page.expect_navigation():
        page.locator(".survey-form button[type=submit]").click()
    assert page.locator("input[name=instructor]").count() == 0


def test_an_unknown_link_says_so_kindly(page: Page) -> None:
    response = page.goto("/survey/no-such-link/")
    assert response is not None and response.status == 404
    assert page.locator("h1").is_visible()
    assert_no_axe_violations(page)
