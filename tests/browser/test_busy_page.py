"""The "try again in a moment" page (HTTP 503) in a real Chromium: axe, reflow, CSP.

A busy database cannot be staged on demand in the demo site, so the page is
rendered here, as enrollment.middleware renders it, and served to the browser
at the site's address (its style sheet and scripts come from the site).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from playwright.sync_api import Page, Route

from tests.browser.axe import assert_no_axe_violations
from tests.browser.site import NewPage, Site

pytestmark = pytest.mark.browser

VIEWS: dict[str, tuple[int, str | None]] = {
    "desktop": (1280, None),
    "320px-xlarge-high-contrast": (320, "xlarge.high"),
}


def busy_page(page: Page, site: Site, display: str | None) -> None:
    request = RequestFactory().get("/", HTTP_COOKIE=f"display={display}" if display else "")
    request.user = AnonymousUser()
    html = render_to_string("503.html", request=request)
    # The site's own policy, so that an inline script or style would be refused.
    policy = page.request.get(f"{site.url}/").headers["content-security-policy"]

    def fulfill(route: Route) -> None:
        route.fulfill(
            status=503, body=html, content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": policy, "Retry-After": "2"},
        )

    page.route(f"{site.url}/busy-preview/", fulfill)
    response = page.goto(f"{site.url}/busy-preview/")
    assert response is not None and response.status == 503


@pytest.mark.parametrize("view", VIEWS)
def test_it_shows_the_busy_page_accessibly(new_page: NewPage, site: Site, view: str) -> None:
    width, display = VIEWS[view]
    page = new_page(width=width, display=display)
    busy_page(page, site, display)
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]


def test_it_keeps_the_busy_page_to_the_content_security_policy(
    new_page: NewPage, site: Site,
) -> None:
    page = new_page(bypass_csp=False)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    busy_page(page, site, None)
    assert not [error for error in errors if "Content Security Policy" in error]
