"""Handing a staff tablet to a learner (kiosk lock).

When staff start a test or a survey on their own tablet and give it to the
learner, the browser is still logged in as staff. While a hand-over is on (a
flag in the session):

- the pages of the hand-over itself (`allowed` paths, e.g. the survey's tablet
  page) keep the staff login;
- every other staff page (/staff/…, /admin/…) redirects to the return page,
  which asks for the staff member's password (failures counted by django-axes,
  like the login page) and then goes back to the class page staff came from;
- every other request, the API included, runs as if nobody were logged in: the
  learner's own sitting still works (it is allowed by the session, not by the
  login), staff-only pages and data do not;
- logging out ends the hand-over with the session.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

HANDOVER_KEY = "staff-handover"
LOCKED_PREFIXES = ("/staff/", "/admin/")


def handover_start(request: HttpRequest, *, return_to: str, allowed: tuple[str, ...] = ()) -> None:
    """Lock this browser's staff pages until the staff member's password is given."""
    request.session[HANDOVER_KEY] = {
        "user": request.user.pk, "return_to": return_to, "allowed": list(allowed),
    }


def handover_state(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(HANDOVER_KEY)
    return state if isinstance(state, dict) else None


def handover_end(request: HttpRequest) -> str:
    """Unlock; returns where staff came from."""
    state = request.session.pop(HANDOVER_KEY, None) or {}
    return str(state.get("return_to") or reverse("accounts-home"))


def _open_during_handover(path: str, state: dict[str, Any]) -> bool:
    return path in state.get("allowed", ()) or path == reverse("accounts-logout")


def _anonymous(request: HttpRequest) -> None:
    anonymous = AnonymousUser()
    request.user = anonymous

    async def auser() -> AnonymousUser:
        return anonymous

    request.auser = auser  # type: ignore[attr-defined]


class HandoverMiddleware:
    """Between AuthenticationMiddleware and AxesMiddleware (baeumteo/settings.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = handover_state(request)
        if state is None or _open_during_handover(request.path, state):
            return self.get_response(request)
        if request.path.startswith(LOCKED_PREFIXES):
            return redirect("accounts-handover-return")
        _anonymous(request)
        return self.get_response(request)
