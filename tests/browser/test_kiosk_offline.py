"""The practice pages without a connection: opened once online, then used offline.

The service worker (kiosk/static/kiosk/sw.js, served by kiosk/offline.py)
keeps the pages; kiosk.js keeps the attempt in localStorage and sends it when
the connection is back.
"""

import json
from typing import Any

import pytest
from playwright.sync_api import Page

from kiosk import engine
from tests.browser.site import NewPage

pytestmark = pytest.mark.browser

SLUG = "cafe-order"
STORE = "baeumteo.kiosk.attempts"


def controlled_by_the_worker(page: Page) -> None:
    page.goto("/practice/")
    state = page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.state)")
    assert state in ("activating", "activated")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def attempts_of(page: Page) -> list[dict[str, Any]]:
    return list(json.loads(page.evaluate(f"localStorage.getItem({STORE!r}) || '[]'")))


def test_it_registers_the_worker_under_the_sites_real_csp(new_page: NewPage) -> None:
    page = new_page(bypass_csp=False)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    controlled_by_the_worker(page)

    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/practice/sw.js")
    assert refused == []


def test_it_opens_every_practice_page_offline(new_page: NewPage) -> None:
    page = new_page()
    controlled_by_the_worker(page)
    page.context.set_offline(True)

    # Nothing else answers: the connection really is gone for the page and the worker.
    failed = page.evaluate("fetch('/about/').then(() => false, () => true)")
    assert failed
    for slug in engine.scenarios():
        for path in (f"/practice/{slug}/", f"/practice/{slug}/play/?mode=real&bf=1"):
            response = page.goto(path)
            assert response is not None
            assert response.ok, path
            assert response.from_service_worker, path
    response = page.goto("/practice/my/")
    assert response is not None
    assert response.ok
    assert response.from_service_worker
    page.context.set_offline(False)


def test_it_completes_a_guided_attempt_offline_and_sends_it_when_back_online(
    new_page: NewPage,
) -> None:
    page = new_page()
    controlled_by_the_worker(page)
    page.context.set_offline(True)
    response = page.goto(f"/practice/{SLUG}/play/?mode=guided")
    assert response is not None
    assert response.from_service_worker

    path = engine.machine(engine.scenarios()[SLUG]).guided_path()
    assert path
    for _screen, element in path:
        if element is not None:  # None: the machine moves on by itself.
            page.locator(f'#kiosk-screen [data-element="{element}"]').click()
    page.locator("#kiosk-result").wait_for(state="visible")

    (kept,) = [a for a in attempts_of(page) if a["scenario"] == SLUG]
    assert kept["finished"]
    assert kept["goal_reached"]
    assert kept["mode"] == "guided"
    assert kept["synced"] == "pending"
    assert len([e for e in kept["events"] if e["type"] == "tap"]) == kept["steps"] > 0

    page.context.set_offline(False)
    # Sent again on "online": this browser has no linked learner, so the server
    # says so and the attempt stays on the device only.
    page.wait_for_function(
        f"JSON.parse(localStorage.getItem({STORE!r})).every((a) => a.synced !== 'pending')",
    )
    (sent,) = [a for a in attempts_of(page) if a["id"] == kept["id"]]
    assert sent["synced"] in ("yes", "device")
