"""The phone and walk-in intake in a real Chromium: keyboard alone, without JavaScript, axe.

Runs on the browser site's `demo --scale small` data: the demo centre manager's
centre (강남구) has classes taking applications.
"""

import random

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_no_axe_violations
from tests.browser.site import NewPage, Site
from tests.browser.test_pages import log_in, tab_to

pytestmark = pytest.mark.browser

URL = "/staff/enrollment/new/"


def new_phone() -> str:
    # A fresh number each run: the site's database lives for the whole session.
    return f"010 7{random.randint(0, 999):03d} {random.randint(0, 9999):04d}"


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def wait_for_focus(page: Page, selector: str) -> None:
    """Autofocus happens at the browser's next rendering step, not at "load"."""
    page.wait_for_function("(s) => document.activeElement.matches(s)", arg=selector)


def take_application_by_keyboard(page: Page) -> None:
    page.goto(URL)
    # Step 1: the phone field has the focus.
    wait_for_focus(page, "input[name=phone]")
    page.keyboard.type(new_phone())
    press_enter_and_wait(page)
    assert "Step 2" in page.content() or "2단계" in page.content()
    # Step 2: nobody has this number, so the name field has the focus.
    wait_for_focus(page, "input[name=name]")
    page.keyboard.type("김영희")
    page.keyboard.press("Tab")
    page.keyboard.type("1948")
    tab_to(page, "select[name=course_class]")
    if page.locator("select[name=course_class] option").count() < 2:
        pytest.skip("the demo manager has no class taking applications today")
    page.keyboard.press("ArrowDown")  # the first class
    assert page.evaluate("() => document.activeElement.value") != ""
    tab_to(page, "input[name=consent_personal_info]")
    page.keyboard.press("Space")
    assert page.locator("input[name=consent_personal_info]").is_checked()
    tab_to(page, "button[type=submit]")
    press_enter_and_wait(page)
    # Step 3: the confirm button has the focus.
    wait_for_focus(page, "button[type=submit]:not([name=back])")
    press_enter_and_wait(page)
    assert "/staff/enrollment/new/done/" in page.url
    assert page.locator(".result-status").is_visible()
    code = page.locator(".result-code").inner_text()
    assert len(code.replace("-", "")) == 8


def test_it_takes_an_application_by_keyboard_alone(new_page: NewPage, site: Site) -> None:
    page = new_page()
    assert log_in(page, "manager", site.password) == 200
    take_application_by_keyboard(page)
    assert_no_axe_violations(page)


def test_it_takes_an_application_without_javascript(new_page: NewPage, site: Site) -> None:
    page = new_page(javascript=False)
    assert log_in(page, "manager", site.password) == 200
    take_application_by_keyboard(page)


@pytest.mark.parametrize("width", [1280, 320])
def test_every_step_has_no_axe_violations(new_page: NewPage, site: Site, width: int) -> None:
    page = new_page(width=width, display="xlarge.high" if width == 320 else None)
    assert log_in(page, "manager", site.password) == 200
    page.goto(URL)
    page.fill("input[name=phone]", new_phone())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert_no_axe_violations(page)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    page.fill("input[name=name]", "김영희")
    page.fill("input[name=birth_year]", "1948")
    page.select_option("select[name=course_class]", index=1)
    page.check("input[name=consent_personal_info]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.click("main button[type=submit]:not([name=back])")
    assert_no_axe_violations(page)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]


def take_application(page: Page, phone: str) -> None:
    page.goto(URL)
    page.fill("input[name=phone]", phone)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.fill("input[name=name]", "박순자")
    page.fill("input[name=birth_year]", "1944")
    if page.locator("select[name=course_class] option").count() < 2:
        pytest.skip("the demo manager has no class taking applications today")
    page.select_option("select[name=course_class]", index=1)
    page.check("input[name=consent_personal_info]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    with page.expect_navigation():
        page.click("main button[type=submit]:not([name=back])")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_learner_pages_have_no_axe_violations(
    new_page: NewPage, site: Site, width: int,
) -> None:
    page = new_page(width=width, display="xlarge.high" if width == 320 else None)
    assert log_in(page, "manager", site.password) == 200
    phone = new_phone()
    take_application(page, phone)
    page.goto("/staff/learners/")
    page.fill("input[name=phone]", phone)
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.locator("main tbody a").first.click()
    assert "/staff/learners/" in page.url
    for _ in range(2):  # the record, then its merge screen
        assert_no_axe_violations(page)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], page.url
        if page.url.endswith("/merge/"):
            break
        with page.expect_navigation():
            page.locator("main a[href$='/merge/']").click()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_roster_shows_a_contact_and_cancels(
    new_page: NewPage, site: Site, javascript: bool,
) -> None:
    page = new_page(javascript=javascript)
    assert log_in(page, "manager", site.password) == 200
    phone = new_phone()
    take_application(page, phone)
    with page.expect_navigation():
        page.click("main a[href^='/staff/enrollment/classes/']")
    if javascript:  # axe runs as JavaScript
        assert_no_axe_violations(page)
    digits = phone.replace(" ", "")
    shown = f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    assert shown not in page.content()
    row = page.locator("main tr", has_text=f"-{digits[7:]}").first
    if javascript:
        row.locator("button").first.click()
        page.wait_for_selector(f"main a[href='tel:{digits}']")
    else:
        with page.expect_navigation():
            row.locator("button").first.click()
    assert shown in page.content()
    if javascript:  # axe runs as JavaScript
        assert_no_axe_violations(page)
    with page.expect_navigation():
        page.locator("main tr", has_text=shown).locator("a[href$='/cancel/']").click()
    if javascript:  # axe runs as JavaScript
        assert_no_axe_violations(page)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/staff/enrollment/classes/" in page.url
    assert page.locator(".message").count() >= 1


def test_it_shows_who_has_the_number_while_it_is_typed(new_page: NewPage, site: Site) -> None:
    page = new_page()
    assert log_in(page, "manager", site.password) == 200
    phone = new_phone()
    take_application(page, phone)
    page.goto(URL)
    wait_for_focus(page, "input[name=phone]")
    page.keyboard.type(phone)
    page.wait_for_selector("#phone-matches li")
    assert "박*자" in page.locator("#phone-matches").inner_text()
    assert_no_axe_violations(page)
    press_enter_and_wait(page)
    # Step 2 offers the same learner first, with the focus on it.
    wait_for_focus(page, "input[name=learner]:not([value=new])")
