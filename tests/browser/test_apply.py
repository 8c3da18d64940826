"""Applying online in a real Chromium: keyboard alone and without JavaScript, axe on
every screen, 320 px reflow; then the learner's application page.

The class is a recruiting one with free seats from the browser site's demo data,
read from the site's own SQLite file, as is the SMS code (from the outbox,
decrypted with the same keys the site uses). Playwright keeps an asyncio loop
running in this thread, so the database is read with sqlite3, not the ORM.
"""

import random
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from privacy.crypto import decrypt
from tests.browser.axe import assert_no_axe_violations
from tests.browser.site import NewPage, Site, page_errors
from tests.browser.test_pages import tab_to

pytestmark = pytest.mark.browser


@pytest.fixture
def site_db(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    found = sorted(tmp_path_factory.getbasetemp().glob("site*/site.sqlite3"))
    assert found, "the browser site's database was not found"
    connection = sqlite3.connect(Path(found[0]), timeout=20)
    yield connection
    connection.close()


def open_class(db: sqlite3.Connection) -> int:
    """A class taking applications today with at least two free seats."""
    today = timezone.localdate().isoformat()
    row = db.execute(
        "SELECT id FROM classes_courseclass WHERE status = 'recruiting'"
        " AND registration_opens <= ? AND registration_closes >= ?"
        " AND seats_taken + 2 <= capacity ORDER BY id LIMIT 1",
        [today, today],
    ).fetchone()
    if row is None:
        pytest.skip("the demo data has no class taking applications today")
    return int(row[0])


def sms_code(db: sqlite3.Connection) -> str:
    row = db.execute(
        "SELECT body FROM notifications_outboxmessage WHERE kind = 'verification'"
        " ORDER BY id DESC LIMIT 1",
    ).fetchone()
    assert row is not None, "no confirmation code in the outbox"
    body = decrypt(row[0], context="notifications.outboxmessage.body")
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


def new_phone() -> str:
    return f"010-{random.randint(2000, 9999)}-{random.randint(1000, 9999)}"


def press(page: Page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def no_sideways_scrolling(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in {widths[1]} px"


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_it_applies_by_keyboard_alone(
    new_page: NewPage, site_db: sqlite3.Connection, javascript: bool,
) -> None:
    pk = open_class(site_db)
    page = new_page(javascript=javascript)

    def check_axe() -> None:
        # axe runs as JavaScript: the run without it checks the flow only.
        if javascript:
            assert_no_axe_violations(page)

    page.goto(f"/classes/{pk}/")
    tab_to(page, "a.button-apply")
    press(page)
    assert page.url.endswith(f"/classes/{pk}/apply/")
    check_axe()

    # Screen 1 sent empty: every problem is said next to its field.
    tab_to(page, "main button[type=submit]", limit=120)
    press(page)
    assert page.locator("#id_name_error").is_visible()
    assert page.locator("#id_phone[aria-invalid=true]").count() == 1
    check_axe()

    phone = new_phone()
    tab_to(page, "#id_name", limit=120)
    page.keyboard.type("Nguyễn Thị Lan")
    page.keyboard.press("Tab")
    page.keyboard.type(phone)
    page.keyboard.press("Tab")
    page.keyboard.type("1951")
    tab_to(page, "main button[type=submit]")
    press(page)
    assert page.url.endswith(f"/classes/{pk}/apply/agree/")
    check_axe()

    # Screen 2: the notice is on the page; agree with Space, send with Enter.
    assert page.locator(".notice-box").is_visible()
    tab_to(page, "#id_personal_info")
    page.keyboard.press("Space")
    assert page.locator("#id_personal_info").is_checked()
    tab_to(page, "main form.apply-form button[type=submit]")
    press(page)
    assert page.url.endswith(f"/classes/{pk}/apply/code/")
    check_axe()

    # Screen 3: the code from the text message.
    tab_to(page, "#id_code")
    page.keyboard.type(sms_code(site_db))
    press(page)
    assert page.url.endswith(f"/classes/{pk}/apply/done/")
    code = page.locator(".manage-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    check_axe()

    # The learner's application page, by keyboard too.
    tab_to(page, "main a[href='/my-application/']")
    press(page)
    check_axe()
    tab_to(page, "#id_code")
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    page.keyboard.type(phone)
    press(page)
    assert page.locator(".status-box[aria-labelledby=status-title]").is_visible()
    check_axe()

    tab_to(page, "a[href='/my-application/cancel/']")
    press(page)
    check_axe()
    tab_to(page, "button.button-danger")
    press(page)
    assert page.locator(".status-cancelled").is_visible()


@pytest.mark.parametrize("display", [None, "xlarge.high"])
def test_it_reflows_every_screen_at_320_px(
    new_page: NewPage, site_db: sqlite3.Connection, display: str | None,
) -> None:
    pk = open_class(site_db)
    page = new_page(width=320, display=display)
    page.goto(f"/classes/{pk}/apply/")
    no_sideways_scrolling(page)
    assert_no_axe_violations(page)
    assert not page.locator(".proxy-fields").is_visible()  # until "someone else" is chosen
    page.check("input[name=who][value=proxy]")
    assert page.locator(".proxy-fields").is_visible()
    page.check("input[name=proxy_relationship][value=family]")
    page.fill("#id_proxy_name", "김딸")
    page.fill("#id_proxy_phone", new_phone())
    page.check("#id_learner_agreed")
    page.fill("#id_name", "김어머니")
    page.fill("#id_phone", new_phone())
    page.fill("#id_birth_year", "1940")
    no_sideways_scrolling(page)
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    assert page.url.endswith("/apply/agree/")
    no_sideways_scrolling(page)
    assert_no_axe_violations(page)
    page.check("#id_personal_info")
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    no_sideways_scrolling(page)
    assert_no_axe_violations(page)
    page.fill("#id_code", sms_code(site_db))
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    assert page.url.endswith("/apply/done/")
    no_sideways_scrolling(page)
    assert_no_axe_violations(page)
    page.goto("/my-application/")
    no_sideways_scrolling(page)
    assert_no_axe_violations(page)
    page.goto("/privacy-notice/")
    no_sideways_scrolling(page)
    assert_no_axe_violations(page)


def test_it_keeps_to_the_content_security_policy_on_every_screen(
    new_page: NewPage, site_db: sqlite3.Connection,
) -> None:
    """Enforced here (the other tests bypass it to inject axe): nothing blocked, no error."""
    pk = open_class(site_db)
    page = new_page(bypass_csp=False)
    errors = page_errors(page, http=True)
    page.goto(f"/classes/{pk}/apply/")
    page.fill("#id_name", "홍길동")
    page.fill("#id_phone", new_phone())
    page.fill("#id_birth_year", "1955")
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    page.check("#id_personal_info")
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    page.fill("#id_code", sms_code(site_db))
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    assert page.url.endswith("/apply/done/")
    page.wait_for_load_state("networkidle")
    assert errors == []
