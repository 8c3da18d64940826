"""A class locked for too long is "try again in a moment" (HTTP 503), never a 500.

`EnrollmentBusy` (raised by `enrollment.locking.locking_transaction`) and a
database lock wait that ran out anywhere else (SQLite's "database is locked",
PostgreSQL's lock_not_available …, see `is_lock_error`) become a 503 with
`Retry-After`: the Korean page templates/503.html, or JSON under /api/. The
transaction was rolled back, so nothing was saved and retrying is safe.
`server_error` (handler500 in baeumteo/urls.py) does the same for such an
error raised outside a view, in a middleware.
"""

import logging
import sys
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

from enrollment.locking import BUSY_MESSAGE, EnrollmentBusy, is_lock_error

RETRY_AFTER_SECONDS = 2

logger = logging.getLogger(__name__)


def is_busy(exception: BaseException) -> bool:
    if isinstance(exception, EnrollmentBusy):
        return True
    return isinstance(exception, OperationalError) and is_lock_error(exception)


def busy_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"message": str(BUSY_MESSAGE)}, status=503, json_dumps_params={"ensure_ascii": False},
        )
    else:
        try:
            response = render(request, "503.html", status=503)
        except Exception:
            # The page reads the session and the user; when the database is
            # that busy, a plain page still says what to do.
            logger.warning("the 503 page could not be rendered", exc_info=True)
            response = HttpResponse(
                f'<!doctype html><html lang="ko"><meta charset="utf-8">'
                f"<title>{escape(_('Please try again in a moment'))}</title>"
                f"<h1>{escape(_('Please try again in a moment'))}</h1>"
                f"<p>{escape(BUSY_MESSAGE)}</p></html>",
                status=503,
            )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class EnrollmentBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.info("busy: %s %s answered 503 (%s)", request.method, request.path, exception)
        return busy_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lock error that escaped the views is still a 503.

    `process_exception` sees only the views' exceptions. One raised in a
    middleware — e.g. the session saved on a locked SQLite database — reaches
    Django's handler500, inside the `except` that caught it.
    """
    exception = sys.exc_info()[1]
    if exception is not None and is_busy(exception):
        return busy_response(request)
    return defaults.server_error(request)
