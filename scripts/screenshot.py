"""Takes the README's screenshots with demo data in Chromium.

docs/screenshot.png is the home page at 1280×900; docs/screenshot-find.png and
docs/screenshot-class.png are the classes near 역삼1동 and a class page on a
400 px wide phone; docs/screenshot-diagnostic.png is a placement-test question
with a scenario screen and docs/screenshot-result.png the placement result, on
the same phone (the adaptive test picks its own questions, so these differ from
run to run). docs/screenshot-kiosk-*.png are the practice machine on a phone:
guided (the next button highlighted), practice (the kind correction after a
wrong tap), real-life (the time-out warning and the queue behind you),
barrier-free (the low layout with the keypad), the result with the next step,
and the staff's class page.
Run after `scripts/test` has set up .venv and Chromium:

    .venv/bin/python scripts/screenshot.py [DIRECTORY]
"""

import random
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from kiosk import engine  # noqa: E402
from tests.browser.site import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    Site,
    chromium_missing,
    run_site,
)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    reason = chromium_missing()
    if reason:
        sys.exit(reason)
    fonts = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, check=False)
    if not fonts.stdout.strip():
        sys.exit("no Korean font: apt-get install fonts-noto-cjk")
    with (
        tempfile.TemporaryDirectory() as workdir,
        run_site(Path(workdir)) as site,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        )
        folder.mkdir(parents=True, exist_ok=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ko-KR")
        page.goto(site.url + "/")
        shots = [_shot(page, folder / "screenshot.png")]
        phone = browser.new_page(viewport={"width": 400, "height": 860}, locale="ko-KR")
        phone.goto(site.url + "/find/classes/?region=1168064000")
        shots.append(_shot(phone, folder / "screenshot-find.png"))
        phone.locator(".class-card h3 a").first.click()
        phone.wait_for_url("**/classes/*/")
        shots.append(_shot(phone, folder / "screenshot-class.png"))
        test = browser.new_page(viewport={"width": 400, "height": 860}, locale="ko-KR")
        with sqlite3.connect(Path(workdir) / "site.sqlite3") as db:
            shots += _placement_test(test, site.url, folder, Learner(db))
            shots += _kiosk(browser, site, folder, db)
        browser.close()
    for shot in shots:
        print(f"{shot} ({shot.stat().st_size // 1024} KB)")


# Answering this many questions always ends a placement test (the item cap is 45).
MOST_QUESTIONS = 50


class Learner:
    """Knows 70 % of the answers (read from the site's database) and says "not sure" otherwise."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.rng = random.Random(2026)  # noqa: S311 (a reproducible pretend learner)

    def answer(self, page: Page) -> None:
        version = page.locator("input[name=question]").get_attribute("value")
        (right,) = self.db.execute(
            "SELECT answer FROM assessment_itemversion WHERE id = ?", (version,),
        ).fetchone()
        choice = right if self.rng.random() < 0.7 else ""
        with page.expect_navigation():
            page.locator(f".take-option[value='{choice}']").click()


def _placement_test(page: Page, url: str, folder: Path, learner: Learner) -> list[Path]:
    """A question with a scenario screen, then the result (a new test if none came up)."""
    for _attempt in range(3):
        page.goto(url + "/diagnostic/placement/")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        with page.expect_navigation():
            page.locator("main a.button").click()
        for _ in range(MOST_QUESTIONS):
            if page.locator(".take-screen").count():
                return [
                    _shot(page, folder / "screenshot-diagnostic.png"),
                    _result(page, folder, learner),
                ]
            if "/result/" in page.url:
                break
            learner.answer(page)
    sys.exit("no question with a scenario screen came up in three placement tests")


def _result(page: Page, folder: Path, learner: Learner) -> Path:
    for _ in range(MOST_QUESTIONS):
        if "/result/" in page.url:
            return _shot(page, folder / "screenshot-result.png")
        learner.answer(page)
    sys.exit(f"the placement test did not end in {MOST_QUESTIONS} answers")


KIOSK_SCENARIO = "cafe-order"


def _kiosk(browser: Browser, site: Site, folder: Path, db: sqlite3.Connection) -> list[Path]:
    """The practice machine in each mode on a phone, then the staff's class page."""
    scenario = engine.scenarios()[KIOSK_SCENARIO]
    way = engine.machine(scenario).guided_path() or []
    play = f"{site.url}/practice/{KIOSK_SCENARIO}/play/"

    def phone() -> Page:
        return browser.new_page(viewport={"width": 390, "height": 844}, locale="ko-KR")

    def tap(page: Page, element: str) -> None:
        page.locator(f'#kiosk-screen [data-element="{element}"]').click()

    guided = phone()
    guided.goto(play + "?mode=guided")
    tap(guided, str(way[0][1]))
    guided.locator("#kiosk-screen .kiosk-el-next").wait_for()
    shots = [_shot(guided, folder / "screenshot-kiosk-guided.png")]

    practice = phone()
    practice.goto(play + "?mode=practice")
    tap(practice, _wrong_tap(scenario))
    practice.locator("#kiosk-guide").wait_for()
    _top(practice, "#kiosk-guide")
    shots.append(_shot(practice, folder / "screenshot-kiosk-practice.png"))

    real = phone()
    real.clock.install()
    real.goto(play + "?mode=real")
    tap(real, str(way[0][1]))
    # Just before the machine starts over: the warning counts down, people are waiting.
    real.clock.run_for((scenario.idle_seconds - 5) * 1000)
    real.locator("#kiosk-warning").wait_for()
    shots.append(_shot(real, folder / "screenshot-kiosk-real.png"))

    done = phone()
    done.clock.install()
    done.goto(play + "?mode=guided")
    for screen_id, element in way:
        if element is None:  # a screen that moves on by itself
            done.clock.run_for(int(scenario.screen(str(screen_id)).auto_seconds * 1000) + 100)
        else:
            tap(done, str(element))
    done.locator("#kiosk-result").wait_for()
    _top(done, "#kiosk-result")
    shots.append(_shot(done, folder / "screenshot-kiosk-result.png"))

    low = phone()
    low.goto(play + "?mode=guided&bf=1")
    low.locator("#kiosk-keys").wait_for()
    _top(low, "#kiosk-machine")
    shots.append(_shot(low, folder / "screenshot-kiosk-barrier-free.png"))

    shots += _kiosk_class(browser, site, folder, db)
    return shots


def _top(page: Page, selector: str) -> None:
    page.locator(selector).evaluate("(element) => element.scrollIntoView({block: 'start'})")


def _wrong_tap(scenario: engine.Scenario) -> str:
    """An element of the start screen that is not on the way (and not just looking around)."""
    rules = engine.machine(scenario)
    start = scenario.screen(scenario.start)
    for element in start.elements:
        after, state = engine.tap(scenario, start, {}, element)
        if not element.free and not rules.on_the_way(start, {}, after, state):
            return element.id
    sys.exit(f"{scenario.slug}: no wrong tap on the first screen")


def _kiosk_class(browser: Browser, site: Site, folder: Path, db: sqlite3.Connection) -> list[Path]:
    """The class whose learners practised most, as its staff see it (if the demo has any)."""
    row = db.execute(
        "SELECT a.course_class_id FROM kiosk_attempt k"
        " JOIN enrollment_application a ON a.id = k.application_id"
        " GROUP BY a.course_class_id ORDER BY count(*) DESC LIMIT 1",
    ).fetchone()
    if row is None:
        print("no practice attempts in the demo data: no staff class screenshot")
        return []
    page = browser.new_page(viewport={"width": 1000, "height": 800}, locale="ko-KR")
    page.goto(site.url + "/staff/login/")
    page.fill("#id_username", site.username)
    page.fill("#id_password", site.password)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    response = page.goto(f"{site.url}/staff/kiosk/classes/{row[0]}/")
    if response is None or not response.ok:
        print("the staff class page did not open: no staff class screenshot")
        return []
    return [_shot(page, folder / "screenshot-kiosk-class.png")]


def _shot(page: Page, path: Path) -> Path:
    page.screenshot(path=str(path))
    return path


if __name__ == "__main__":
    main()
