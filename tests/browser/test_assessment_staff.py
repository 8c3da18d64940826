"""A class's test page: paper entry by keyboard alone, and the tablet hand-over."""

import re

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_no_axe_violations
from tests.browser.site import Site
from tests.browser.test_pages import ASSESSMENT_CLASS, open_named, tab_to

pytestmark = pytest.mark.browser

PAPER_LINK = "main a[href*='/paper/']"


def open_tests_page(page: Page, site: Site) -> None:
    open_named(page, site, ASSESSMENT_CLASS)
    assert re.search(r"/staff/assessment/classes/\d+/$", page.url), page.url
    if not page.locator(PAPER_LINK).count():
        pytest.skip("the demo has no fixed form (item bank not loaded)")


def test_it_enters_a_paper_sheet_by_keyboard(page: Page, site: Site) -> None:
    open_tests_page(page, site)
    page.locator(PAPER_LINK).last.click()
    page.wait_for_url("**/paper/**")
    assert_no_axe_violations(page)
    rows = page.locator(".assess-paper-row")
    tab_to(page, "input[name=q1]")
    # Arrow keys move within a question, Tab to the next question.
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.name") == "q1"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "q2"
    page.keyboard.press("Space")  # marks q2's first option
    for _ in range(rows.count() - 2):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    assert page.locator(".assess-paper-row input:checked").count() == rows.count()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/staff/assessment/classes/\d+/$", page.url), page.url
    assert page.locator(".message").count()


def test_the_tablet_hand_over_opens_the_first_question(page: Page, site: Site) -> None:
    open_tests_page(page, site)
    start = page.locator("main form.assess-start:has(select)").first
    with page.expect_navigation():
        start.locator("button").click()
    assert re.search(r"/diagnostic/\d+/$", page.url), page.url
    assert page.locator("main h1, main legend").count()
