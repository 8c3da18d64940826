"""The play page's rules (kiosk/static/kiosk/kiosk.js) equal the server's (kiosk/engine.py).

For every scenario, seeded random walks through the real page: taps on any
button (wrong ones included), hints in practice mode, waits on screens that
move on by themselves and, in real-life mode, long enough for the time-out.
Then the counts the page showed (taps, wrong taps, hints, goal reached) and
kept on the device (time-outs, finished) must equal the server's
`engine.replay` of the events the page recorded. A wrong tap is the page's
own decision from its distances, so any difference between the two machines
on a state a walk passes shows up here.

Also the device storage: attempts still waiting to be sent are never dropped
to make room, a full storage does not lose the attempt silently, and only the
server's "no learner here" keeps an attempt on the device for good.
"""

import json
import random
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from kiosk import engine
from tests.browser.site import NewPage
from tests.browser.test_kiosk_play import STORE, attempts, open_play, strings

pytestmark = pytest.mark.browser

SCENARIOS = engine.scenarios()
WALKS = 2  # per scenario and mode
MAX_ACTIONS = 45


def walk(page: Page, scenario: engine.Scenario, mode: str, rng: random.Random) -> None:
    """Random actions until the machine ends (or MAX_ACTIONS, then 그만하기)."""
    for _ in range(MAX_ACTIONS):
        if page.is_visible("#kiosk-result"):
            return
        screen_id = page.get_attribute("#kiosk-screen", "data-screen")
        assert screen_id is not None
        screen = scenario.screen(screen_id)
        buttons = page.eval_on_selector_all(
            "#kiosk-screen [data-element]", "els => els.map(e => e.dataset.element)",
        )
        roll = rng.random()
        if mode == "practice" and roll < 0.1:
            page.click("#kiosk-hint")
        elif screen.auto_to and (not buttons or roll < 0.3):
            page.clock.run_for(int(screen.auto_seconds * 1000) + 100)
        elif mode == "real" and roll < 0.06:
            page.clock.run_for(scenario.idle_seconds * 1000 + 100)
        elif buttons:
            page.click(f"#kiosk-screen [data-element='{rng.choice(buttons)}']")
        page.clock.run_for(rng.randint(200, 3000))
    if not page.is_visible("#kiosk-result"):
        page.click("#kiosk-quit")


def shown(page: Page) -> dict[str, Any]:
    page.wait_for_selector("#kiosk-result:not([hidden])")
    return {
        "steps": int(page.inner_text("#kiosk-steps")),
        "wrong_taps": int(page.inner_text("#kiosk-wrong")),
        "hints": int(page.inner_text("#kiosk-hints")),
        "goal_reached": page.inner_text("#kiosk-result-title") == strings(page)["reached"],
    }


@pytest.mark.parametrize("slug", SCENARIOS)
def test_the_page_counts_random_walks_as_the_server_replays_them(
    new_page: NewPage, slug: str,
) -> None:
    scenario = SCENARIOS[slug]
    page = new_page()
    page.clock.install()
    page.route("**/practice/attempts/", lambda route: route.abort())  # kept pending: no server
    rng = random.Random(slug)
    for mode in ("practice", "real"):
        for number in range(WALKS):
            open_play(page, slug, mode)
            walk(page, scenario, mode, rng)
            seen = shown(page)
            kept = attempts(page)[-1]
            events = [engine.Event.model_validate(e) for e in kept["events"]]
            replayed = engine.replay(scenario, events)
            where = f"{slug} {mode} walk {number}: {kept['events']}"
            assert seen == {
                "steps": replayed.steps, "wrong_taps": replayed.wrong_taps,
                "hints": replayed.hints, "goal_reached": replayed.goal_reached,
            }, where
            assert (kept["timeouts"], kept["finished"]) == (
                replayed.timeouts, replayed.finished,
            ), where
            assert (kept["wrong_taps"], kept["steps"]) == (replayed.wrong_taps, replayed.steps)


# --- Every reachable state: kiosk.js's rule functions run in Chromium -------------------------

KIOSK_JS = Path(__file__).resolve().parents[2] / "kiosk" / "static" / "kiosk" / "kiosk.js"
# kiosk.js's rules section, from its first rule to the end of wayOn (its own source,
# evaluated in the page on each scenario, without drawing anything).
RULES_FROM, RULES_TO = "  const tracked = ", "  // --- Real-life mode's variety"
DECISIONS = """([rules, S, states]) => {
  const screens = new Map(S.screens.map((screen) => [screen.id, screen]));
  const T = {};
  return new Function("S", "screens", "T", "cases", rules + `
    return cases.map(([id, state]) => {
      const screen = screens.get(id);
      const way = wayOn(screen, state);
      return [distance.get(node(screen, state)) ?? null,
              way === null ? "none" : way[0] === null ? "wait" : way[0].id,
              moves(screen, state).map((m) => onTheWay(screen, state, m[1], m[2]))];
    });`)(S, screens, T, states);
}"""


def engine_decisions(scenario: engine.Scenario) -> tuple[list[Any], list[Any]]:
    rules = engine.machine(scenario)
    states, expected = [], []
    for (screen, state) in rules.states.values():
        way = rules.way_on(screen, state)
        states.append([screen.id, state])
        expected.append([
            rules.distance_of(screen, state),
            "none" if way is None else "wait" if way[0] is None else way[0].id,
            [rules.on_the_way(screen, state, m[1], m[2])
             for m in engine.moves(scenario, screen, state)],
        ])
    return states, expected


def test_the_pages_rules_decide_as_the_engine_in_every_reachable_state(page: Page) -> None:
    source = KIOSK_JS.read_text(encoding="utf-8")
    rules = source[source.index(RULES_FROM):source.index(RULES_TO)]
    page.goto("/practice/")
    for slug, scenario in SCENARIOS.items():
        states, expected = engine_decisions(scenario)
        got = page.evaluate(DECISIONS, [rules, scenario.model_dump(), states])
        wrong = [(s, e, g) for s, e, g in zip(states, expected, got, strict=True) if e != g]
        assert not wrong, f"{slug}: {len(wrong)} of {len(states)} states differ, e.g. {wrong[:3]}"


# --- Device storage ------------------------------------------------------------------------


def kept_attempt(number: int, synced: str) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{number:012d}", "scenario": "cafe-order",
        "title": "", "version": "", "mode": "practice", "barrier_free": False, "seed": 1,
        "started_at": "2026-11-01T10:00:00+09:00",
        "events": [{"type": "quit", "t": 1000, "screen": "home"}], "finished": False,
        "goal_reached": False, "steps": 0, "wrong_taps": 0, "hints": 0, "timeouts": 0,
        "seconds": 1, "synced": synced,
    }


def seed_storage(page: Page, kept: list[dict[str, Any]]) -> None:
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORE, json.dumps(kept)])


def test_it_never_drops_attempts_waiting_to_be_sent(new_page: NewPage) -> None:
    page = new_page()
    page.route("**/practice/attempts/", lambda route: route.abort())  # offline for the sends
    open_play(page, "cafe-order", "practice")
    # 150 waiting to be sent among 60 saved and 60 kept on the device, oldest first.
    kinds = ["pending"] * 150 + ["yes"] * 60 + ["device"] * 60
    random.Random(4).shuffle(kinds)
    seed_storage(page, [kept_attempt(i, kind) for i, kind in enumerate(kinds)])
    open_play(page, "cafe-order", "practice")
    page.click("#kiosk-screen [data-element]")
    kept = attempts(page)
    assert len(kept) == 200
    assert sum(1 for a in kept if a["synced"] == "pending") == 151  # the one being played too
    assert all(a["synced"] != "yes" for a in kept)  # the saved ones went first
    device = [int(a["id"][-12:]) for a in kept if a["synced"] == "device"]
    expected = [i for i, kind in enumerate(kinds) if kind == "device"][-len(device):]
    assert device == expected  # then the oldest of those on the device only


def test_a_full_storage_makes_room_and_says_so_when_nothing_fits(new_page: NewPage) -> None:
    page = new_page()
    page.route("**/practice/attempts/", lambda route: route.abort())
    open_play(page, "cafe-order", "practice")
    seed_storage(page, [kept_attempt(i, "yes") for i in range(30)])
    # A storage that takes at most 5 kB.
    page.add_init_script("""
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key, value) {
        if (String(value).length > (window.__quota ?? 5000)) {
          throw new DOMException("full", "QuotaExceededError");
        }
        return setItem.call(this, key, value);
      };
    """)
    open_play(page, "cafe-order", "practice")
    page.click("#kiosk-screen [data-element]")
    kept = attempts(page)
    assert kept[-1]["synced"] == "pending" and kept[-1]["events"]  # the attempt in progress
    assert 0 < len(kept) < 31
    assert page.get_attribute("#kiosk", "data-storage") is None
    page.evaluate("() => { window.__quota = 10; }")
    page.click("#kiosk-screen [data-element]")
    assert page.get_attribute("#kiosk", "data-storage") == "full"


def test_only_the_servers_no_learner_answer_keeps_an_attempt_on_the_device(
    new_page: NewPage,
) -> None:
    page = new_page()

    def csrf_failure(route: Route) -> None:
        route.fulfill(status=403, content_type="text/html", body="<h1>CSRF</h1>")

    page.route("**/practice/attempts/", csrf_failure)
    open_play(page, "cafe-order", "practice")
    page.click("#kiosk-screen [data-element]")
    page.click("#kiosk-quit")
    page.wait_for_function("() => document.getElementById('kiosk-sync').textContent !== ''")
    assert attempts(page)[-1]["synced"] == "pending"  # tried again later


def test_the_device_summary_leaves_out_attempts_saved_in_a_learners_record(
    new_page: NewPage,
) -> None:
    page = new_page()
    page.goto("/practice/my/")
    seed_storage(page, [kept_attempt(1, "yes"), kept_attempt(2, "device"),
                        kept_attempt(3, "refused"), kept_attempt(4, "pending")])
    with page.expect_request(lambda r: r.method == "POST" and "/practice/my/" in r.url) as sent:
        page.reload()
    body = json.loads(sent.value.post_data or "[]")
    assert [a["synced"] for a in body] == ["device", "refused", "pending"]
