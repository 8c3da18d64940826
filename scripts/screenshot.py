"""Takes docs/screenshot.png: the home page with demo data, 1280×900, in Chromium.

Run after `scripts/test` has set up .venv and Chromium:

    .venv/bin/python scripts/screenshot.py [PATH]
"""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.site import CHROMIUM, CHROMIUM_ARGS, chromium_missing, run_site  # noqa: E402


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"
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
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ko-KR")
        page.goto(site.url + "/")
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))
        browser.close()
    print(f"{target} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
