"""Takes the README's screenshots with demo data in Chromium.

docs/screenshot.png is the home page at 1280×900; docs/screenshot-find.png and
docs/screenshot-class.png are the classes near 역삼1동 and a class page on a
400 px wide phone; docs/screenshot-diagnostic.png is a placement-test question
with a scenario screen and docs/screenshot-result.png the placement result, on
the same phone (the adaptive test picks its own questions, so these differ from
run to run). Run after `scripts/test` has set up .venv and Chromium:

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

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser.site import CHROMIUM, CHROMIUM_ARGS, chromium_missing, run_site  # noqa: E402


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


def _shot(page: Page, path: Path) -> Path:
    page.screenshot(path=str(path))
    return path


if __name__ == "__main__":
    main()
