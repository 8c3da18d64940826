"""axe-core in the page under test: tests/browser/vendor/axe.min.js (see VERSION there)."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
# WCAG 2.2 AA (KWCAG 2.2 follows it): every A and AA rule axe has for 2.0, 2.1 and 2.2.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }));
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Runs axe on the whole document. The page's context needs bypass_csp=True."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE_SOURCE)
    violations: list[dict[str, Any]] = page.evaluate(_RUN, AXE_TAGS)
    return violations


def assert_no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    if violations:
        lines = [f"{len(violations)} axe violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                f" <{violation['helpUrl']}>"
            )
            lines.extend(f"    {target}" for target in violation["targets"][:10])
            if len(violation["targets"]) > 10:
                lines.append(f"    … and {len(violation['targets']) - 10} more")
        pytest.fail("\n".join(lines), pytrace=False)


def assert_accessible(page: Page, *, narrow: bool) -> None:
    """No axe violations; on a narrow (320 px) window also no sideways scrolling (reflow)."""
    assert_no_axe_violations(page)
    if narrow:
        width, window = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]",
        )
        assert width <= window, f"{page.url} is {width} px wide in a {window} px window"
