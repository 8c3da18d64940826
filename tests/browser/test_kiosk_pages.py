"""The pages around the machine: choosing how to practise, and progress kept on a device."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kiosk import engine
from tests.browser.axe import assert_no_axe_violations
from tests.browser.site import NewPage, Site
from tests.browser.test_apply import site_db  # noqa: F401
from tests.browser.test_pages import open_staff_page

pytestmark = pytest.mark.browser

SLUG = "cafe-order"
STORE = "baeumteo.kiosk.attempts"


def device_attempt(mode: str, *, wrong_first: bool, days_ago: int) -> dict[str, Any]:
    scenario = engine.scenario_get(SLUG)
    assert scenario is not None
    path = engine.machine(scenario).guided_path() or []
    events: list[dict[str, Any]] = []
    if wrong_first:  # a wrong tap, then the time-out only real-life mode has
        assert mode == "real"
        events.append({"type": "tap", "t": 500, "screen": "home", "element": "take-out"})
        events.append({"type": "tap", "t": 900, "screen": "menu", "element": "tab-drinks"})
        events.append({"type": "tap", "t": 1200, "screen": "menu-drinks", "element": "lemonade"})
        events.append({"type": "timeout", "t": 70_000, "screen": "options"})
    start = events[-1]["t"] if events else 0
    events += [
        {"type": "tap" if element else "auto", "t": start + (i + 1) * 1000, "screen": screen,
         **({"element": element} if element else {})}
        for i, (screen, element) in enumerate(path)
    ]
    started = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "id": f"00000000-0000-4000-8000-00000000000{days_ago}", "scenario": SLUG,
        "title": scenario.title, "version": scenario.version, "mode": mode,
        "barrier_free": False, "seed": 1, "started_at": started.isoformat(), "events": events,
        "finished": True, "goal_reached": True, "steps": 0, "wrong_taps": 0, "hints": 0,
        "timeouts": 0, "seconds": 0, "synced": "device",
    }


def keep_on_device(page: Page, attempts: list[dict[str, Any]]) -> None:
    page.goto("/practice/")
    page.evaluate(f"localStorage.setItem({STORE!r}, {json.dumps(json.dumps(attempts))})")


@pytest.mark.parametrize(("width", "display"), [(1280, ""), (320, "xlarge.high")])
def test_progress_shows_what_the_device_kept(new_page: NewPage, width: int, display: str) -> None:
    page = new_page(width=width, display=display)
    # Made before the machine's file changed: a button it no longer has.
    earlier = {**device_attempt("guided", wrong_first=False, days_ago=3), "version": "earlier",
               "events": [{"type": "tap", "t": 500, "screen": "home", "element": "gone"}]}
    keep_on_device(page, [
        earlier,
        device_attempt("real", wrong_first=True, days_ago=2),
        device_attempt("real", wrong_first=False, days_ago=1),
    ])
    page.goto("/practice/my/")
    summary = page.locator("#kiosk-device-summary .kiosk-progress")
    expect(summary).to_be_visible()
    assert engine.scenario_get(SLUG).title in summary.inner_text()  # type: ignore[union-attr]
    tried, wrong_taps, _goal = summary.locator("p").all_inner_texts()
    assert "2" in tried  # counted by the server from the events, not the device's zeros
    assert "1" in wrong_taps and "0" in wrong_taps
    left_out = page.locator("#kiosk-device-summary .kiosk-outdated")
    expect(left_out).to_be_visible()
    assert "1" in left_out.inner_text()
    assert_no_axe_violations(page)


def test_the_intro_chooses_mode_and_barrier_free_by_keyboard(page: Page) -> None:
    page.goto(f"/practice/{SLUG}/")
    page.locator("#bf").focus()
    page.keyboard.press("Space")
    expect(page.locator("#bf")).to_be_checked()
    page.locator("button[value='real']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/practice/{SLUG}/play/?*")
    assert "mode=real" in page.url and "bf=1" in page.url


def test_the_class_page_lists_learners_who_need_help_first(
    new_page: NewPage, site: Site, site_db: sqlite3.Connection,  # noqa: F811
) -> None:
    busiest = site_db.execute(
        "SELECT a.course_class_id FROM kiosk_attempt k"
        " JOIN enrollment_application a ON a.id = k.application_id"
        " GROUP BY a.course_class_id ORDER BY count(*) DESC LIMIT 1",
    ).fetchone()
    assert busiest is not None, "no practice in the demo data"
    page = new_page()
    open_staff_page(page, site, f"staff:national:/staff/kiosk/classes/{busiest[0]}/")
    helped = page.eval_on_selector_all(
        ".kiosk-learners tbody tr", "(rows) => rows.map((r) => r.matches('.kiosk-needs-help'))",
    )
    if True not in helped:
        pytest.skip("nobody needs help in the demo class")
    assert helped == sorted(helped, reverse=True), "a learner who needs help is below the others"
    needs = page.locator(".kiosk-needs-help td").first
    assert needs.inner_text() != strings_nothing(page)


def strings_nothing(page: Page) -> str:
    """What a learner row says when nothing needs help (the last row's second cell)."""
    return page.locator(".kiosk-learners tbody tr:not(.kiosk-needs-help) td").first.inner_text()
