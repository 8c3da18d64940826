"""Helpers for tests that several apps share."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run each call in its own thread, released together; results or raised errors.

    Use with the `threads_db` fixture, so every thread's connection sees the
    same database.
    """
    results: list[Any] = []
    lock = threading.Lock()
    start = threading.Barrier(len(calls))

    def worker(call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connect before the start, so they all collide
            start.wait(timeout=30)
            try:
                result = call()
            except BaseException as error:  # reported to the test
                result = error
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results
