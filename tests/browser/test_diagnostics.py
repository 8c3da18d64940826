"""The learner's test pages in a real Chromium: axe, reflow, the keyboard alone, read-aloud.

The site runs the demo data, whose assessment seed imports the item bank
(assessment/demo.py → bank_import_default), so a placement test has real
items, scenario screens among them.
"""

import re

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_accessible
from tests.browser.site import NewPage, page_errors

pytestmark = pytest.mark.browser

VIEWS = {
    "desktop": {"width": 1280},
    "xlarge-high-contrast": {"width": 1280, "display": "xlarge.high"},
    "320px": {"width": 320},
    "320px-xlarge-high-contrast": {"width": 320, "display": "xlarge.high"},
}
# Answering this many questions always ends an adaptive test (the item cap is 30).
MOST_QUESTIONS = 40
# A test may end before a scenario screen comes up (rarely): then start another.
SCREEN_ATTEMPTS = 3
STUB_SPEECH = """
window.__spoken = [];
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speaking: false,
  speak(utterance) { window.__spoken.push({text: utterance.text, lang: utterance.lang}); },
  cancel() {},
  getVoices() { return []; },
}});
"""


def check(page: Page, view: str) -> None:
    assert_accessible(page, narrow=VIEWS[view]["width"] == 320)


def start_placement(page: Page) -> None:
    page.goto("/diagnostic/placement/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if not page.locator(".take-code").count():
        pytest.skip("the demo data has no items to test with")


def answer_first_option(page: Page) -> None:
    with page.expect_navigation():
        page.locator(".take-option").first.click()


def on_result(page: Page) -> bool:
    return bool(re.search(r"/diagnostic/\d+/result/(#main)?$", page.url))


@pytest.mark.parametrize("view", VIEWS)
def test_every_learner_page_passes_axe_and_reflows(new_page: NewPage, view: str) -> None:
    page = new_page(**VIEWS[view])
    page.goto("/diagnostic/placement/")
    check(page, view)
    for _attempt in range(SCREEN_ATTEMPTS):
        start_placement(page)
        check(page, view)  # the resume code, in large print
        code = (page.locator(".take-code").text_content() or "").strip()
        page.locator("main a.button").click()
        while not on_result(page) and not page.locator(".take-screen").count():
            answer_first_option(page)
        if not on_result(page):
            break
    else:
        pytest.fail(f"no question with a scenario screen came up in {SCREEN_ATTEMPTS} tests")
    check(page, view)  # a question with a scenario screen
    question_url = page.url.split("#")[0]
    page.goto(question_url.rstrip("/") + "/pause/")
    check(page, view)
    page.goto("/diagnostic/resume/")
    check(page, view)
    page.fill("#id_code", "ZZZZ 9999")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check(page, view)  # the wrong-code message
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url == question_url + "#main"  # scrolled past the site header
    for _ in range(MOST_QUESTIONS):
        if on_result(page):
            break
        answer_first_option(page)
    assert on_result(page)
    check(page, view)
    refused = new_page(**VIEWS[view])
    response = refused.goto(question_url)
    assert response is not None and response.status == 403
    check(refused, view)


def press_until_focused(page: Page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached in {limit} presses of Tab on {page.url}")


def test_it_takes_a_placement_test_to_the_end_with_the_keyboard_alone(page: Page) -> None:
    page.goto("/diagnostic/placement/")
    press_until_focused(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Space")
    if not page.locator(".take-code").count():
        pytest.skip("the demo data has no items to test with")
    press_until_focused(page, "main a.button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    answered = 0
    for _ in range(MOST_QUESTIONS):
        if on_result(page):
            break
        # Alternate the first answer and "I am not sure", by Enter and by Space.
        target = ".take-option-unsure" if answered % 2 else ".take-option"
        press_until_focused(page, target)
        with page.expect_navigation():
            page.keyboard.press("Space" if answered % 3 else "Enter")
        answered += 1
    assert on_result(page), f"still on {page.url} after {answered} answers"
    assert answered >= 10
    assert page.locator(".take-score").is_visible()
    assert page.locator(".take-meter").count() >= 1


def test_it_reads_the_question_aloud_in_korean(new_page: NewPage) -> None:
    page = new_page()
    page.context.add_init_script(STUB_SPEECH)
    start_placement(page)
    page.locator("main a.button").click()
    stem = (page.locator(".take-stem").text_content() or "").strip()
    first_option = (page.locator(".take-option").first.text_content() or "").strip()
    page.locator("#read-aloud").click()
    spoken = page.evaluate("() => window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "ko-KR"
    assert stem in spoken[0]["text"] and first_option in spoken[0]["text"]


def test_it_hides_read_aloud_without_speech_and_works_without_javascript(
    new_page: NewPage,
) -> None:
    page = new_page(javascript=False)
    start_placement(page)
    page.locator("main a.button").click()
    assert not page.locator("#read-aloud").is_visible()
    answer_first_option(page)
    assert "2" in (page.locator(".take-progress").text_content() or "")


def test_it_keeps_to_the_content_security_policy(new_page: NewPage) -> None:
    page = new_page(bypass_csp=False)
    errors = page_errors(page)
    start_placement(page)
    page.locator("main a.button").click()
    for _ in range(5):
        answer_first_option(page)
    page.wait_for_load_state("networkidle")
    assert errors == []


def question_in_view(page: Page) -> bool:
    top, height = page.evaluate(
        "() => [document.querySelector('#stem').getBoundingClientRect().top, innerHeight]",
    )
    return 0 <= top < height / 2


def test_it_opens_each_question_past_the_site_header_on_a_small_phone(new_page: NewPage) -> None:
    """At 360 × 640 with very large text the header alone fills the first screen."""
    page = new_page(width=360, height=640, display="xlarge.high")
    start_placement(page)
    with page.expect_navigation():
        page.locator("main a.button").click()
    assert question_in_view(page)
    answer_first_option(page)
    assert on_result(page) or question_in_view(page)
