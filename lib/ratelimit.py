"""Counting events in a time window, in the cache (rate limits on public pages).

With several web processes, configure a shared cache for the limits to hold.
"""

from django.core.cache import cache


def window_count(key: str, window_seconds: int) -> int:
    """Count one more event under `key`; the window starts at the first. Returns the count."""
    cache.add(key, 0, window_seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        return 1
