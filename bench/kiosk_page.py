"""The practice machine's page on an old phone: its weight and how soon it can be used.

Runs the site with demo data (tests/browser/site.py) and loads, in Debian's
Chromium over the DevTools protocol, the play page of a scenario beside the
site's simplest learner page (the about page) under one throttled profile:
slow mobile data and a slow processor. See bench/README.md.

    .venv/bin/python bench/kiosk_page.py [--scenario cafe-order] [--runs 3]
"""

import argparse
import gzip
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import (  # noqa: E402
    BrowserContext,
    CDPSession,
    Page,
    ViewportSize,
    sync_playwright,
)

from tests.browser.site import CHROMIUM, CHROMIUM_ARGS, chromium_missing, run_site  # noqa: E402

# A slow 3G-like connection (DevTools' "Slow 3G" is 400 kbit/s, 400 ms round trip).
DOWN_KBPS = 400
UP_KBPS = 400
RTT_MS = 400
# An old phone: the processor four times slower than this machine's.
CPU_SLOWDOWN = 4
TIMEOUT_MS = 120_000
PHONE: ViewportSize = {"width": 390, "height": 844}

# Set by the page itself: when the machine's first button exists (and the root
# says data-ready), and performance marks for the other moments.
READY_WATCH = """
(() => {
  const done = () => {
    if (window.__benchReady) return true;
    const root = document.getElementById("kiosk");
    const button = document.querySelector("#kiosk-screen [data-element]");
    if ((root && root.hasAttribute("data-ready")) || button) {
      window.__benchReady = performance.now();
      return true;
    }
    return false;
  };
  new MutationObserver((_, observer) => { if (done()) observer.disconnect(); })
    .observe(document, { subtree: true, childList: true, attributes: true });
})();
"""

KINDS = {"Document": "HTML", "Script": "JS", "Stylesheet": "CSS", "Font": "fonts"}


@dataclass
class Load:
    """One page load: bytes per kind (on the wire and unpacked) and its moments in ms."""

    wire: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    body: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0
    from_worker: int = 0
    times: dict[str, float] = field(default_factory=dict)
    html_gzip: int = 0
    # What the service worker keeps: (responses, unpacked bytes).
    kept: tuple[int, int] = (0, 0)


class Recorder:
    """Counts every response of one page from DevTools' Network events."""

    def __init__(self, cdp: CDPSession) -> None:
        self.kinds: dict[str, str] = {}
        self.load = Load()
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict[str, Any]) -> None:
        self.kinds[event["requestId"]] = KINDS.get(event["type"], "other")
        if event["response"].get("fromServiceWorker"):
            self.load.from_worker += 1

    def _data(self, event: dict[str, Any]) -> None:
        kind = self.kinds.get(event["requestId"], "other")
        self.load.body[kind] += event["dataLength"]

    def _finished(self, event: dict[str, Any]) -> None:
        kind = self.kinds.get(event["requestId"], "other")
        self.load.wire[kind] += int(event["encodedDataLength"])
        self.load.requests += 1


def throttled(context: BrowserContext, *, network: bool) -> tuple[Page, Recorder]:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(READY_WATCH)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    if network:
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": RTT_MS,
            "downloadThroughput": DOWN_KBPS * 1000 / 8, "uploadThroughput": UP_KBPS * 1000 / 8,
        })
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return page, Recorder(cdp)


def measure(page: Page, recorder: Recorder, url: str, *, machine: bool) -> Load:
    page.goto(url, wait_until="load")
    if machine:
        page.wait_for_function("window.__benchReady")
    page.wait_for_timeout(300)  # the last loadingFinished events
    moments = page.evaluate("""() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        // kiosk.js's own measure of its rules (the machine's states and distances).
        const rules = performance.getEntriesByName("kiosk-rules")[0];
        return {fcp: fcp ? fcp.startTime : null, dcl: nav.domContentLoadedEventEnd,
                load: nav.loadEventEnd, ready: window.__benchReady || nav.loadEventEnd,
                rules: rules ? rules.duration : null};
    }""")
    recorder.load.times = {key: value for key, value in moments.items() if value is not None}
    return recorder.load


def html_gzipped(context: BrowserContext, url: str) -> int:
    """The page's HTML as a proxy in front of the site would send it gzipped."""
    return len(gzip.compress(context.request.get(url).body(), compresslevel=6))


def cold(context: BrowserContext, url: str, *, machine: bool) -> Load:
    page, recorder = throttled(context, network=True)
    load = measure(page, recorder, url, machine=machine)
    load.html_gzip = html_gzipped(context, url)
    return load


def warm_offline(context: BrowserContext, url: str, scope_url: str) -> Load:
    """The service worker installed once online; then the same page without any connection."""
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(scope_url)
    page.evaluate("""async () => {
        await navigator.serviceWorker.register("/practice/sw.js", {scope: "/practice/"});
        await navigator.serviceWorker.ready;
    }""")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    kept = page.evaluate("""async () => {
        let count = 0, bytes = 0;
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                count += 1;
                bytes += (await (await cache.match(request)).blob()).size;
            }
        }
        return [count, bytes];
    }""")
    page.close()
    context.set_offline(True)
    page, recorder = throttled(context, network=False)
    load = measure(page, recorder, url, machine=True)
    context.set_offline(False)
    load.html_gzip = html_gzipped(context, url)
    load.kept = (int(kept[0]), int(kept[1]))
    return load


def median_load(loads: list[Load]) -> Load:
    middle = Load(requests=loads[0].requests, from_worker=loads[0].from_worker,
                  html_gzip=loads[0].html_gzip, kept=loads[0].kept)
    middle.wire.update(loads[0].wire)
    middle.body.update(loads[0].body)
    for key in loads[0].times:
        middle.times[key] = statistics.median(load.times[key] for load in loads)
    return middle


def kb(value: float) -> str:
    return f"{value / 1024:.1f}"


def print_weight(rows: dict[str, Load]) -> None:
    kinds = ["HTML", "JS", "CSS", "fonts", "other"]
    print(f"\nPage weight, KB on the wire / unpacked ({DOWN_KBPS} kbit/s, {RTT_MS} ms RTT)")
    heads = "".join(f"{kind:>16}" for kind in [*kinds, "total"])
    print(f"{'page':<22}{heads}{'requests':>10}")
    for name, load in rows.items():
        cells = [f"{kb(load.wire[k])}/{kb(load.body[k])}" for k in kinds]
        cells.append(f"{kb(sum(load.wire.values()))}/{kb(sum(load.body.values()))}")
        print(f"{name:<22}" + "".join(f"{cell:>16}" for cell in cells) + f"{load.requests:>10}")
    for name, load in rows.items():
        print(f"  {name}: HTML would be {kb(load.html_gzip)} KB gzipped "
              f"(served uncompressed by Django; whitenoise compresses static files)")


def print_times(rows: dict[str, Load]) -> None:
    print(f"\nTimes in ms (median), {CPU_SLOWDOWN}x slower processor")
    moments = ["fcp", "dcl", "load", "ready", "rules"]
    print(f"{'page':<22}" + "".join(f"{m:>10}" for m in moments) + f"{'via SW':>10}")
    for name, load in rows.items():
        cells = [f"{load.times[m]:.0f}" if m in load.times else "-" for m in moments]
        print(f"{name:<22}" + "".join(f"{c:>10}" for c in cells) + f"{load.from_worker:>10}")


def print_ratios(play: Load, base: Load) -> None:
    print("\nPlay page ÷ about page (cold)")
    print(f"  bytes on the wire {sum(play.wire.values()) / sum(base.wire.values()):.2f}x, "
          f"unpacked {sum(play.body.values()) / sum(base.body.values()):.2f}x")
    for moment in ("fcp", "dcl", "load", "ready"):
        if moment in play.times and moment in base.times:
            print(f"  {moment:<5} {play.times[moment] / base.times[moment]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="cafe-order")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    reason = chromium_missing()
    if reason:
        sys.exit(reason)
    with (
        tempfile.TemporaryDirectory() as workdir,
        run_site(Path(workdir)) as site,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        )
        play_url = f"{site.url}/practice/{args.scenario}/play/?mode=guided"
        runs: dict[str, list[Load]] = defaultdict(list)
        for _ in range(args.runs):
            # A new context each time: an empty cache and no service worker.
            for name, url, machine in (("about (cold)", f"{site.url}/about/", False),
                                       ("home (cold)", f"{site.url}/", False),
                                       ("play (cold)", play_url, True)):
                context = browser.new_context(locale="ko-KR", viewport=PHONE)
                runs[name].append(cold(context, url, machine=machine))
                context.close()
            context = browser.new_context(locale="ko-KR", viewport=PHONE)
            runs["play (warm, offline)"].append(
                warm_offline(context, play_url, play_url))
            context.close()
        browser.close()
    rows = {name: median_load(loads) for name, loads in runs.items()}
    print(f"\n{args.runs} runs each, Chromium {CHROMIUM}, scenario {args.scenario}")
    print_weight(rows)
    print_times(rows)
    print_ratios(rows["play (cold)"], rows["about (cold)"])
    count, size = rows["play (warm, offline)"].kept
    print(f"\nThe service worker keeps {count} responses, {kb(size)} KB unpacked "
          f"(fetched once, after the first practice page has loaded)")


if __name__ == "__main__":
    main()
