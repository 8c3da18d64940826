"""Counting what one address (and one browser session) may do within an hour.

Wrong resume codes: counted per browser session (the pages only: API callers
keep no session) and per address (a centre's tablets share one address)
within RESUME_WINDOW_SECONDS. A code has 32^8 values, so guessing one is
hopeless either way; the limit keeps it so.

Anonymous placement starts: counted per address only, PLACEMENT_MAX_STARTS
an hour, generous because a centre's tablets share one address; the pages and
the API share the count.
"""

import time

from django.core.cache import cache
from django.http import HttpRequest

from lib.ratelimit import window_count
from privacy.services import client_ip

RESUME_MAX_FAILURES = 10
RESUME_MAX_FAILURES_PER_ADDRESS = 50
RESUME_WINDOW_SECONDS = 60 * 60
RESUME_FAILURES_KEY = "assessment-resume-failures"

PLACEMENT_MAX_STARTS = 60
PLACEMENT_WINDOW_SECONDS = 60 * 60
PLACEMENT_STARTS_KEY = "assessment-placement-starts"


def _address_key(request: HttpRequest, name: str) -> str:
    return f"{name}:{client_ip(request) or 'unknown'}"


def address_count(request: HttpRequest, *, name: str) -> int:
    """How many `name` events this address had in the current window."""
    return int(cache.get(_address_key(request, name), 0))


def address_add(request: HttpRequest, *, name: str, window_seconds: int) -> None:
    """Count one `name` event for this address; the window starts at the first."""
    window_count(_address_key(request, name), window_seconds)


def _recent_failures(request: HttpRequest) -> list[float]:
    since = time.time() - RESUME_WINDOW_SECONDS
    return [t for t in request.session.get(RESUME_FAILURES_KEY, []) if t > since]


def resume_locked(request: HttpRequest, *, per_session: bool = True) -> bool:
    """Too many wrong codes lately from this session (when counted) or this address."""
    if per_session and len(_recent_failures(request)) >= RESUME_MAX_FAILURES:
        return True
    return address_count(request, name=RESUME_FAILURES_KEY) >= RESUME_MAX_FAILURES_PER_ADDRESS


def resume_failed(request: HttpRequest, *, per_session: bool = True) -> None:
    """Count one wrong code."""
    if per_session:
        request.session[RESUME_FAILURES_KEY] = [*_recent_failures(request), time.time()]
    address_add(request, name=RESUME_FAILURES_KEY, window_seconds=RESUME_WINDOW_SECONDS)


def placement_may_start(request: HttpRequest) -> bool:
    """Count one anonymous placement start for this address, unless it has had too many."""
    if address_count(request, name=PLACEMENT_STARTS_KEY) >= PLACEMENT_MAX_STARTS:
        return False
    address_add(request, name=PLACEMENT_STARTS_KEY, window_seconds=PLACEMENT_WINDOW_SECONDS)
    return True
