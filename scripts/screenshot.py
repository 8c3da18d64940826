"""Takes the README's screenshots with demo data in Chromium.

docs/screenshot.png is the home page at 1280×900; docs/screenshot-find.png and
docs/screenshot-class.png are the classes near 역삼1동 and a class page on a
400 px wide phone. Run after `scripts/test` has set up .venv and Chromium:

    .venv/bin/python scripts/screenshot.py [DIRECTORY]
"""

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
        browser.close()
    for shot in shots:
        print(f"{shot} ({shot.stat().st_size // 1024} KB)")


def _shot(page: Page, path: Path) -> Path:
    page.screenshot(path=str(path))
    return path


if __name__ == "__main__":
    main()
