"""Browser fixtures: the site as a real server, Debian's Chromium through Playwright.

Playwright's sync API keeps an asyncio loop running in this thread, and
Django refuses ORM calls while one runs, so the browser lives only as long
as one test module (pytest tears module fixtures down before the next module).
"""

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.site import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NewPage,
    Site,
    chromium_missing,
    run_site,
)

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    reason = chromium_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with run_site(tmp_path_factory.mktemp("site")) as running:
        yield running


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, site: Site) -> Iterator[NewPage]:
    """Opens a page in a new context: new_page(width=320, display="xlarge.high", javascript=False).

    The site sends a strict Content-Security-Policy; the context bypasses it so
    that axe can be injected (test_pages checks the policy separately).
    """
    contexts: list[BrowserContext] = []

    def open_page(
        *, width: int = DESKTOP["width"], height: int = DESKTOP["height"],
        display: str | None = None, javascript: bool = True, bypass_csp: bool = True,
    ) -> Page:
        context = browser.new_context(
            base_url=site.url, locale="ko-KR", viewport={"width": width, "height": height},
            bypass_csp=bypass_csp, java_script_enabled=javascript,
        )
        context.set_default_timeout(15_000)
        if display:
            context.add_cookies([{"name": "display", "value": display, "url": site.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()
