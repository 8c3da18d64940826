"""The practice pages work offline: the service worker and what it keeps.

A learner opens /practice/ once where there is a connection (the centre's
Wi-Fi); the service worker (static/kiosk/sw.js) then keeps every scenario's
start and play pages, the progress page and the static files they use, so the
simulator works later on a bus or at home without data. The worker's script is
served by this view, not as a static file, because its scope is /practice/
and because it must name what to keep: the static files' URLs (hashed by the
manifest storage) and a cache version that changes whenever a scenario file,
a static file or the worker itself changes, so a new deployment or an edited
scenario refreshes the learner's copy.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from kiosk import engine

WORKER_SOURCE = Path(__file__).resolve().parent / "static" / "kiosk" / "sw.js"
# The static files the practice pages use (base.html's and the kiosk's own).
PAGE_STATICS = (
    "favicon.svg",
    "css/base.css",
    "vendor/htmx/htmx.min.js",
    "js/base.js",
    "kiosk/kiosk.css",
    "kiosk/pages.css",
    "kiosk/kiosk.js",
    "kiosk/register-sw.js",
    "kiosk/progress.js",
)


def practice_pages() -> list[str]:
    """Every learner page under /practice/ that is kept for offline use."""
    pages = [reverse("kiosk-list"), reverse("kiosk-progress")]
    for slug in engine.scenarios():
        pages += [reverse("kiosk-start", args=[slug]), reverse("kiosk-play", args=[slug])]
    return pages


def static_files() -> dict[str, str]:
    """URL (hashed in production) → a hash of the file's content, for the files that exist."""
    files = {}
    for name in PAGE_STATICS:
        found = finders.find(name)
        if not found:
            continue
        try:
            url = static(name)
        except ValueError:  # Not in the manifest (collectstatic has not seen it).
            continue
        files[url] = hashlib.sha256(Path(str(found)).read_bytes()).hexdigest()
    return files


def cache_version(*, worker: str, scenarios: dict[str, str], files: dict[str, str],
                  pages: list[str]) -> str:
    """One short string that changes when anything the worker keeps changes."""
    everything = json.dumps(
        {"worker": worker, "scenarios": scenarios, "files": files, "pages": pages},
        sort_keys=True,
    )
    return hashlib.sha256(everything.encode()).hexdigest()[:16]


def worker_script() -> str:
    worker = WORKER_SOURCE.read_text(encoding="utf-8")
    files = static_files()
    pages = practice_pages()
    versions = {slug: scenario.version for slug, scenario in engine.scenarios().items()}
    offline = {
        "version": cache_version(worker=worker, scenarios=versions, files=files, pages=pages),
        "scope": reverse("kiosk-list"),
        "pages": pages,
        # A linked learner's progress is theirs: on a shared tablet the next
        # person must not find it offline. Kept as an anonymous visitor sees it.
        "anonymous_pages": [reverse("kiosk-progress")],
        "statics": sorted(files),
        "static_prefix": django_settings.STATIC_URL,
    }
    # JSON is a JavaScript expression; the worker reads KIOSK_OFFLINE first thing.
    return f"const KIOSK_OFFLINE = {json.dumps(offline)};\n{worker}"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(worker_script(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("kiosk-list")
    # The browser checks for a new worker on each visit; never from a stale copy.
    response["Cache-Control"] = "no-cache"
    return response
