"""The practice machine (kiosk/static/kiosk/kiosk.js) in a real Chromium.

Every scenario in kiosk/scenarios is completed in guided and practice mode,
by clicks and by the keyboard alone, following the way kiosk/engine.py
computes (buttons carry data-element); real-life mode's time-out; the
attempt records (device and server); axe in every mode, normal and
barrier-free, at 320 px and with very large text and high contrast.
Waiting screens and time-outs are fast-forwarded with Playwright's clock.
"""

import json
import sqlite3
import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from kiosk import engine
from tests.browser.axe import assert_accessible, assert_no_axe_violations
from tests.browser.site import NewPage, page_errors
from tests.browser.test_apply import new_phone, open_class, site_db, sms_code  # noqa: F401

pytestmark = pytest.mark.browser

SCENARIOS = engine.scenarios()
STORE = "baeumteo.kiosk.attempts"
STUB_SPEECH = """
window.__spoken = [];
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speaking: false,
  speak(utterance) { window.__spoken.push({text: utterance.text, lang: utterance.lang}); },
  cancel() {},
  getVoices() { return []; },
}});
"""
Step = tuple[str, str | None]


def play_url(slug: str, mode: str, bf: bool = False) -> str:
    return f"/practice/{slug}/play/?mode={mode}" + ("&bf=1" if bf else "")


def open_play(page: Page, slug: str, mode: str, bf: bool = False) -> None:
    page.goto(play_url(slug, mode, bf))
    page.wait_for_selector(f"#kiosk-screen[data-screen='{SCENARIOS[slug].start}']")


def way_from(scenario: engine.Scenario, screen_id: str, state: engine.State) -> list[Step]:
    """The engine's way to the goal from (screen, state): [(screen id, element id or None)]."""
    rules = engine.machine(scenario)
    screen, steps = scenario.screen(screen_id), []
    while not engine.goal_reached(scenario, screen, state):
        move = rules.way_on(screen, state)
        assert move is not None, f"{scenario.slug}: no way on from {screen.id} {state}"
        steps.append((screen.id, move[0].id if move[0] else None))
        _, screen, state = move
    return steps


def on_screen(page: Page, screen_id: str) -> None:
    page.wait_for_selector(f"#kiosk-screen[data-screen='{screen_id}']", timeout=5_000)


def focus_by_tab(page: Page, selector: str, limit: int = 120) -> None:
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} not reached in {limit} presses of Tab on {page.url}")


def follow(
    page: Page, scenario: engine.Scenario, steps: list[Step], *, keyboard: bool,
    guided: bool = False,
) -> None:
    for number, (screen_id, element_id) in enumerate(steps):
        on_screen(page, screen_id)
        if guided:  # the page's own rules point at the engine's next button (or at waiting)
            highlighted = page.locator("#kiosk-screen .kiosk-el-next")
            shown = highlighted.get_attribute("data-element") if highlighted.count() else None
            assert shown == element_id, f"{scenario.slug}.{screen_id}: {shown} lit up"
        if element_id is None:
            page.clock.run_for(int(scenario.screen(screen_id).auto_seconds * 1000) + 100)
            continue
        selector = f"#kiosk-screen [data-element='{element_id}']"
        if keyboard:
            focus_by_tab(page, selector)
            page.keyboard.press("Space" if number % 2 else "Enter")
        else:
            page.click(selector)


def strings(page: Page) -> dict[str, str]:
    texts: dict[str, str] = page.evaluate(
        "() => JSON.parse(document.getElementById('kiosk-strings').textContent)",
    )
    return texts


def attempts(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(
        page.evaluate("(key) => localStorage.getItem(key) || '[]'", STORE),
    )
    return found


def assert_goal_reached(page: Page, slug: str, mode: str) -> dict[str, Any]:
    page.wait_for_selector("#kiosk-result:not([hidden])")
    assert page.inner_text("#kiosk-result-title") == strings(page)["reached"]
    assert page.evaluate("() => document.activeElement.id") == "kiosk-result-title"
    attempt = attempts(page)[-1]
    assert (attempt["scenario"], attempt["mode"]) == (slug, mode)
    assert attempt["finished"] and attempt["goal_reached"]
    return attempt


@pytest.mark.parametrize("slug", SCENARIOS)
def test_it_completes_the_scenario_guided_and_practising_by_clicks_and_keyboard(
    new_page: NewPage, slug: str,
) -> None:
    scenario = SCENARIOS[slug]
    path = engine.machine(scenario).guided_path()
    assert path, f"{slug} has no way to the goal"
    page = new_page()
    page.clock.install()
    for mode in ("guided", "practice"):
        for keyboard in (False, True):
            open_play(page, slug, mode)
            follow(page, scenario, path, keyboard=keyboard, guided=mode == "guided")
            attempt = assert_goal_reached(page, slug, mode)
            assert attempt["wrong_taps"] == 0 and attempt["hints"] == 0
            replayed = engine.replay(scenario, [engine.Event(**e) for e in attempt["events"]])
            assert replayed.goal_reached and replayed.steps == attempt["steps"]


def test_it_disables_every_other_button_in_guided_mode(new_page: NewPage) -> None:
    page = new_page()
    page.context.add_init_script(STUB_SPEECH)
    scenario = SCENARIOS["cafe-order"]
    open_play(page, "cafe-order", "guided")
    assert page.locator("#kiosk-hint").is_hidden()  # the way is shown already
    first = way_from(scenario, scenario.start, {})[0][1]
    others = page.locator(f"#kiosk-screen .kiosk-el:not([data-element='{first}'])")
    assert others.count() >= 1
    for index in range(others.count()):
        assert others.nth(index).get_attribute("aria-disabled") == "true"
        others.nth(index).click(force=True)
    on_screen(page, scenario.start)
    assert page.locator(".kiosk-el-next").get_attribute("data-element") == first
    assert attempts(page) == []  # nothing happened, nothing recorded
    said = next(e.hint for e in scenario.screen(scenario.start).elements if e.id == first)
    assert page.inner_text("#kiosk-guide-text") == said
    spoken = page.evaluate("() => window.__spoken")
    assert spoken and spoken[-1] == {"text": said, "lang": "ko-KR"}
    page.click(f"[data-element='{first}']")
    assert page.evaluate("() => document.activeElement.classList.contains('kiosk-el-next')")


def test_it_starts_over_after_the_time_out_in_real_life_mode(new_page: NewPage) -> None:
    scenario = SCENARIOS["cafe-order"]
    page = new_page()
    page.clock.install()
    open_play(page, "cafe-order", "real")
    assert page.locator("#kiosk-hint").is_hidden()  # no hints on a real machine
    first = way_from(scenario, scenario.start, {})[0]
    page.click(f"[data-element='{first[1]}']")
    assert page.get_attribute("#kiosk-screen", "data-screen") != scenario.start
    page.clock.run_for((scenario.idle_seconds - 5) * 1000)
    assert page.locator("#kiosk-warning").is_visible()
    page.clock.run_for(6_000)
    on_screen(page, scenario.start)
    assert page.locator("#kiosk-warning").is_hidden()
    # Nobody there: the start screen with nothing chosen does not time out again.
    page.clock.run_for(scenario.idle_seconds * 3000)
    events = attempts(page)[-1]["events"]
    assert [e["type"] for e in events] == ["tap", "timeout"]
    assert page.locator("#kiosk-queue").is_visible()
    follow(page, scenario, way_from(scenario, scenario.start, {}), keyboard=False)
    attempt = assert_goal_reached(page, "cafe-order", "real")
    assert attempt["timeouts"] == 1


def test_it_varies_the_machine_between_real_life_attempts(new_page: NewPage) -> None:
    page = new_page()
    seen = set()
    for _ in range(6):
        open_play(page, "cafe-order", "real")
        page.click("[data-element='take-out']")
        on_screen(page, "menu")
        order = page.eval_on_selector_all(
            "#kiosk-screen .kiosk-el", "(all) => all.map((b) => b.textContent).join('|')",
        )
        palette = page.get_attribute("#kiosk", "class")
        seen.add((order, palette))
    assert len(seen) > 1


def test_it_records_a_wrong_tap_a_hint_and_a_time_out_once_each_on_the_server(
    new_page: NewPage, site_db: sqlite3.Connection,  # noqa: F811
) -> None:
    page = new_page()
    link_learner(page, site_db)
    scenario = SCENARIOS["cafe-order"]
    rules = engine.machine(scenario)
    start = scenario.screen(scenario.start)
    wrong = next(
        e for e in start.elements
        if not e.free and not rules.on_the_way(start, {}, *engine.tap(scenario, start, {}, e))
    )
    page.clock.install()
    open_play(page, "cafe-order", "practice")
    page.click(f"[data-element='{wrong.id}']")
    assert page.inner_text("#kiosk-guide-text") == wrong.help
    screen, state = engine.tap(scenario, start, {}, wrong)
    page.click("#kiosk-hint")
    assert page.locator("#kiosk-guide-text").is_visible()
    follow(page, scenario, way_from(scenario, screen.id, state), keyboard=False)
    attempt = assert_goal_reached(page, "cafe-order", "practice")
    assert (attempt["wrong_taps"], attempt["hints"]) == (1, 1)
    assert [e["type"] for e in attempt["events"]].count("hint") == 1
    assert stored_on_server(page, site_db, attempt["id"]) == (1, 1, 0, 1)

    open_play(page, "cafe-order", "real")
    page.click(f"[data-element='{way_from(scenario, scenario.start, {})[0][1]}']")
    page.clock.run_for(scenario.idle_seconds * 1000 + 100)
    on_screen(page, scenario.start)
    # Sent when the signal is back.
    page.context.set_offline(True)
    page.click("#kiosk-quit")
    page.wait_for_function("() => document.getElementById('kiosk-sync').textContent !== ''")
    attempt = attempts(page)[-1]
    assert attempt["synced"] == "pending"
    page.context.set_offline(False)
    assert [e["type"] for e in attempt["events"]] == ["tap", "timeout", "quit"]
    assert stored_on_server(page, site_db, attempt["id"]) == (0, 0, 1, 0)


def link_learner(page: Page, db: sqlite3.Connection) -> None:
    """Apply for a class and open "my application": practice now counts for this learner."""
    pk = open_class(db)
    phone = new_phone()
    page.goto(f"/classes/{pk}/apply/")
    page.fill("#id_name", "김연습")
    page.fill("#id_phone", phone)
    page.fill("#id_birth_year", "1950")
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    page.check("#id_personal_info")
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    page.fill("#id_code", sms_code(db))
    with page.expect_navigation():
        page.click("main form.apply-form button[type=submit]")
    code = page.locator(".manage-code").inner_text().strip()
    page.goto("/my-application/")
    page.fill("#id_code", code)
    page.fill("#id_phone", phone)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".status-box[aria-labelledby=status-title]").is_visible()


def stored_on_server(
    page: Page, db: sqlite3.Connection, attempt_id: str,
) -> tuple[int, int, int, int]:
    page.wait_for_function(
        "([key, id]) => JSON.parse(localStorage.getItem(key)).find((a) => a.id === id)"
        ".synced !== 'pending'",
        arg=[STORE, attempt_id],
    )
    assert next(a for a in attempts(page) if a["id"] == attempt_id)["synced"] == "yes"
    row = db.execute(
        "SELECT wrong_taps, hints, timeouts, goal_reached FROM kiosk_attempt WHERE id = ?",
        [uuid.UUID(attempt_id).hex],
    ).fetchone()
    assert row is not None, "the attempt was not stored"
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def test_it_keeps_anonymous_practice_on_the_device(new_page: NewPage) -> None:
    page = new_page()
    open_play(page, "cafe-order", "practice")
    page.click("#kiosk-quit")
    page.wait_for_function(
        "(key) => JSON.parse(localStorage.getItem(key)).at(-1).synced !== 'pending'", arg=STORE,
    )
    assert attempts(page)[-1]["synced"] == "device"
    assert page.inner_text("#kiosk-sync") == strings(page)["sync_device"]

    # Refused by the server (400): kept on the device, never sent again.
    sent: list[str] = []

    def refuse(route: Route) -> None:
        sent.append(route.request.method)
        route.fulfill(status=400, json={"message": "no"})

    page.route("**/practice/attempts/", refuse)
    open_play(page, "cafe-order", "practice")
    page.click("#kiosk-quit")
    page.wait_for_function(
        "(key) => JSON.parse(localStorage.getItem(key)).at(-1).synced !== 'pending'", arg=STORE,
    )
    assert attempts(page)[-1]["synced"] == "refused"
    assert page.inner_text("#kiosk-sync") == strings(page)["sync_refused"]
    open_play(page, "cafe-order", "practice")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_load_state("networkidle")
    assert sent == ["POST"]


def test_it_completes_a_scenario_with_the_barrier_free_keypad(new_page: NewPage) -> None:
    """On-screen ◀ ▶ and 선택 keys, then the arrow keys, move through the machine's buttons."""
    scenario = SCENARIOS["cafe-order"]
    page = new_page()
    page.clock.install()
    open_play(page, "cafe-order", "practice", bf=True)
    assert "kiosk-bf" in (page.get_attribute("#kiosk", "class") or "")
    for screen_id, element_id in engine.machine(scenario).guided_path() or []:
        on_screen(page, screen_id)
        if element_id is None:
            page.clock.run_for(int(scenario.screen(screen_id).auto_seconds * 1000) + 100)
            continue
        target = f"#kiosk-screen [data-element='{element_id}'].kiosk-cursor"
        for _ in range(30):
            if page.locator(target).count():
                break
            page.click("[data-move='1']")
        page.click("[data-move='0']")
    attempt = assert_goal_reached(page, "cafe-order", "practice")
    assert attempt["barrier_free"] is True and attempt["wrong_taps"] == 0

    open_play(page, "cafe-order", "practice", bf=True)
    page.focus("#kiosk-screen .kiosk-el >> nth=0")
    page.keyboard.press("ArrowRight")
    second = page.locator("#kiosk-screen .kiosk-el").nth(1).get_attribute("data-element")
    assert page.evaluate("() => document.activeElement.dataset.element") == second
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # round to the last one
    last = page.locator("#kiosk-screen .kiosk-el").last.get_attribute("data-element")
    assert page.evaluate("() => document.activeElement.dataset.element") == last


def test_it_reads_each_screen_aloud_with_the_barrier_free_switch_unless_muted(
    new_page: NewPage,
) -> None:
    scenario = SCENARIOS["cafe-order"]
    page = new_page()
    page.context.add_init_script(STUB_SPEECH)
    open_play(page, "cafe-order", "practice")
    assert page.evaluate("() => window.__spoken") == []  # practice: no voice by itself
    assert page.locator("#kiosk-keys").is_hidden()
    page.click("#kiosk-bf")
    assert page.get_attribute("#kiosk-bf", "aria-pressed") == "true"
    assert "bf=1" in page.url and page.locator("#kiosk-keys").is_visible()
    first = way_from(scenario, scenario.start, {})[0][1]
    page.click(f"[data-element='{first}']")
    spoken = page.evaluate("() => window.__spoken")
    next_screen = engine.tap(scenario, scenario.screen(scenario.start), {}, next(
        e for e in scenario.screen(scenario.start).elements if e.id == first))[0]
    assert {"text": next_screen.say, "lang": "ko-KR"} in spoken
    page.click("#kiosk-mute")
    page.reload()
    page.click(f"[data-element='{first}']")
    assert page.evaluate("() => window.__spoken") == []


VIEWS = {
    "desktop": {"width": 1280},
    "320px": {"width": 320},
    "320px-xlarge-high-contrast": {"width": 320, "display": "xlarge.high"},
}


@pytest.mark.parametrize("view", VIEWS)
def test_every_mode_passes_axe_and_reflows(new_page: NewPage, view: str) -> None:
    page = new_page(**VIEWS[view])
    page.clock.install()
    for mode in ("guided", "practice", "real"):
        for bf in (False, True):
            open_play(page, "cafe-order", mode, bf)
            page.click("[data-element='take-out']")  # on the way: drawn with the next screen
            if mode == "practice":
                page.click("#kiosk-hint")  # the hint box and the highlighted button
            check(page, view)
    page.click("#kiosk-quit")  # the result card
    check(page, view)


def check(page: Page, view: str) -> None:
    assert_accessible(page, narrow=VIEWS[view]["width"] == 320)


def test_it_keeps_to_the_content_security_policy(new_page: NewPage) -> None:
    page = new_page(bypass_csp=False)
    errors = page_errors(page)
    page.clock.install()
    for mode in ("guided", "practice", "real"):
        open_play(page, "cafe-order", mode, bf=mode == "real")
        page.click("[data-element='take-out']")
        on_screen(page, "menu")
    page.wait_for_load_state("networkidle")
    assert errors == []


def in_sight(page: Page, selector: str) -> bool:
    """The whole element is inside the window (nothing to scroll to see it)."""
    inside: bool = page.eval_on_selector(
        selector,
        "(e) => { const r = e.getBoundingClientRect();"
        " return r.top >= -1 && r.bottom <= window.innerHeight + 1 && r.height > 0; }",
    )
    return inside


PHONES = {"portrait": (390, 844), "landscape": (844, 390)}


@pytest.mark.parametrize("phone", PHONES)
def test_it_keeps_the_guidance_and_the_next_button_in_sight_on_a_phone(
    new_page: NewPage, phone: str,
) -> None:
    width, height = PHONES[phone]
    page = new_page(width=width, height=height)
    scenario = SCENARIOS["cafe-order"]
    open_play(page, "cafe-order", "guided")
    for number, (screen_id, element_id) in enumerate(way_from(scenario, scenario.start, {})[:3]):
        on_screen(page, screen_id)
        page.click(f"#kiosk-screen [data-element='{element_id}']")
        assert in_sight(page, "#kiosk-guide-text"), f"{phone}: the guidance is out of sight"
        assert in_sight(page, "#kiosk-screen .kiosk-el-next"), f"{phone}: the next button is hidden"
        if phone == "portrait" and number == 0:  # the menu fits below the goal on a tall phone
            assert in_sight(page, ".kiosk-goal"), "the goal is out of sight"


def test_it_shows_the_time_out_warning_wherever_the_learner_has_scrolled(new_page: NewPage) -> None:
    scenario = SCENARIOS["cafe-order"]
    page = new_page(width=390, height=844)
    page.clock.install()
    open_play(page, "cafe-order", "real")
    page.click(f"[data-element='{way_from(scenario, scenario.start, {})[0][1]}']")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.clock.run_for((scenario.idle_seconds - 5) * 1000)
    assert in_sight(page, "#kiosk-warning")
    page.evaluate("() => window.scrollTo(0, 0)")
    assert in_sight(page, "#kiosk-warning")


def test_it_says_nothing_chosen_yet_in_words_the_way_the_engine_fills_the_screen(
    new_page: NewPage,
) -> None:
    scenario = SCENARIOS["cafe-order"]
    page = new_page()
    open_play(page, "cafe-order", "practice")
    unset = strings(page)["unset"]
    screen, state = scenario.screen(scenario.start), engine.State()
    for _screen_id, element_id in way_from(scenario, scenario.start, {})[:3]:
        element = next(e for e in screen.elements if e.id == element_id)
        screen, state = engine.tap(scenario, screen, state, element)
        page.click(f"#kiosk-screen [data-element='{element_id}']")
        on_screen(page, screen.id)
        if screen.text:
            shown = page.inner_text("#kiosk-screen .kiosk-screen-text")
            assert shown == engine.fill(screen.text, state, unset)
            assert "- -" not in shown


def test_it_offers_the_recommended_next_step_first_on_the_result(new_page: NewPage) -> None:
    scenario = SCENARIOS["cafe-order"]
    path = engine.machine(scenario).guided_path() or []
    page = new_page()
    page.clock.install()
    nexts = {"guided": "mode=practice", "practice": "mode=real", "real": "/practice/"}
    for mode, href in nexts.items():
        open_play(page, "cafe-order", mode)
        follow(page, scenario, path, keyboard=False)
        assert_goal_reached(page, "cafe-order", mode)
        step = page.locator("#kiosk-next-step")
        assert step.is_visible()
        assert (step.get_attribute("href") or "").endswith(href)
        expected = strings(page)["all"] if mode == "real" else strings(page)[href.split("=")[-1]]
        assert step.inner_text() == expected
        focus_by_tab(page, "#kiosk-next-step", limit=3)  # the first thing after the result's title
    open_play(page, "cafe-order", "practice")
    page.click("#kiosk-quit")  # stopped: follow along next
    assert page.get_attribute("#kiosk-next-step", "href").endswith("mode=guided")


FILL_STORAGE = """
() => {
  localStorage.clear();
  // Grow one junk value until the browser refuses, then with ever smaller pieces.
  let junk = "", piece = "x".repeat(1 << 20);
  while (piece.length > 0) {
    try {
      localStorage.setItem("junk", junk + piece);
      junk += piece;
    } catch {
      piece = piece.slice(0, Math.floor(piece.length / 2));
    }
  }
}
"""


def test_it_says_in_words_when_the_device_storage_is_full(new_page: NewPage) -> None:
    scenario = SCENARIOS["cafe-order"]
    (first, second, *_rest) = way_from(scenario, scenario.start, {})
    page = new_page()
    open_play(page, "cafe-order", "practice")
    page.evaluate(FILL_STORAGE)
    open_play(page, "cafe-order", "practice")
    notice = page.locator("#kiosk-storage")
    assert not notice.is_visible()
    page.click(f"#kiosk-screen [data-element='{first[1]}']")
    page.wait_for_selector("#kiosk[data-storage='full']")
    assert notice.is_visible() and notice.inner_text() == strings(page)["storage_full"]
    assert page.evaluate("() => document.getElementById('kiosk-storage').closest('[aria-live]')")
    assert attempts(page) == []  # nothing kept, and the machine still runs
    on_screen(page, second[0])
    assert_no_axe_violations(page)

    # Room again: the next tap keeps the attempt and the notice goes.
    page.evaluate("() => localStorage.removeItem('junk')")
    page.click(f"#kiosk-screen [data-element='{second[1]}']")
    page.wait_for_function("() => !document.getElementById('kiosk').dataset.storage")
    assert not notice.is_visible()
    assert len(attempts(page)) == 1
