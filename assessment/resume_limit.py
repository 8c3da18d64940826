"""How many wrong resume codes a guesser may try: the test pages and the API share it.

Counted per browser session (the pages only: API callers keep no session)
and per address (a centre's tablets share one address) within
RESUME_WINDOW_SECONDS. A code has 32^8 values, so guessing one is hopeless
either way; the limit keeps it so.
"""

import time

from django.core.cache import cache
from django.http import HttpRequest

from privacy.services import client_ip

RESUME_MAX_FAILURES = 10
RESUME_MAX_FAILURES_PER_ADDRESS = 50
RESUME_WINDOW_SECONDS = 60 * 60
RESUME_FAILURES_KEY = "assessment-resume-failures"


def _address_key(request: HttpRequest) -> str:
    return f"assessment-resume-failures:{client_ip(request) or 'unknown'}"


def _recent_failures(request: HttpRequest) -> list[float]:
    since = time.time() - RESUME_WINDOW_SECONDS
    return [t for t in request.session.get(RESUME_FAILURES_KEY, []) if t > since]


def resume_locked(request: HttpRequest, *, per_session: bool = True) -> bool:
    """Too many wrong codes lately from this session (when counted) or this address."""
    if per_session and len(_recent_failures(request)) >= RESUME_MAX_FAILURES:
        return True
    return int(cache.get(_address_key(request), 0)) >= RESUME_MAX_FAILURES_PER_ADDRESS


def resume_failed(request: HttpRequest, *, per_session: bool = True) -> None:
    """Count one wrong code."""
    if per_session:
        request.session[RESUME_FAILURES_KEY] = [*_recent_failures(request), time.time()]
    key = _address_key(request)
    cache.add(key, 0, RESUME_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESUME_WINDOW_SECONDS)
