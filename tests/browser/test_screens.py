"""Every scenario screen in a real Chromium: axe, reflow at 320 px, larger text and high contrast.

No page lists all screens (a learner sees one per question), so the test draws
every item's screen into one document with the site's stylesheets.
"""

from pathlib import Path

import pytest
from django.template.loader import render_to_string

from assessment.item_bank import bank_files_read
from tests.browser.axe import assert_no_axe_violations
from tests.browser.site import NewPage

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CSS = [ROOT / "static/css/base.css", ROOT / "assessment/static/assessment/screens.css"]
VIEWS = {
    "desktop": ({"width": 1280}, ""),
    "320px": ({"width": 320}, ""),
    "320px-xlarge-high-contrast": ({"width": 320}, "text-xlarge contrast-high"),
}


def document(html_class: str) -> str:
    figures = "".join(
        f"<h2>{entry['key']}</h2><p>{entry['stem']}</p>"
        + render_to_string("assessment/screens/screen.html", {"screen": entry["screen"]})
        for entry in bank_files_read() if entry["screen"]
    )
    styles = "".join(f"<style>{path.read_text(encoding='utf-8')}</style>" for path in CSS)
    return (
        f'<!doctype html><html lang="ko" class="{html_class}"><head><meta charset="utf-8">'
        f"<title>화면</title>{styles}</head><body><main><h1>화면</h1>{figures}</main></body></html>"
    )


@pytest.mark.parametrize("view", VIEWS)
def test_every_screen_passes_axe_and_reflows(new_page: NewPage, view: str) -> None:
    size, html_class = VIEWS[view]
    page = new_page(**size)
    page.set_content(document(html_class))
    assert page.locator("figure.screen").count() == sum(
        1 for entry in bank_files_read() if entry["screen"])
    assert_no_axe_violations(page)
    width, window = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= window
    # The circled marks stay readable: at least the base text size.
    mark_px = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.screen-mark')).fontSize)")
    assert mark_px >= 18
