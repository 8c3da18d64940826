"""The practice pages: choose a machine, choose how, play; progress; the class page for staff.

Practice is linked to a learner only when this browser has the learner's
application open (`practice_application`): the learner opened "my
application" with code and phone, or staff handed their tablet over from the
class page ("practise as this learner"). Anyone else practises anonymously:
attempts stay on the device (the play page's script), and the progress page
asks the server to count them without storing anything.
"""

import json
import time
import uuid
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.handover import handover_start, handover_state
from attendance.selectors import class_for_its_staff
from attendance.services import confirmed_applications
from classes.models import CourseClass
from enrollment.models import Application
from enrollment.views import managed_application
from kiosk import engine, selectors
from kiosk.models import Attempt, PracticeMode
from kiosk.services import attempt_record, practice_handover_record
from lib.ratelimit import window_count
from privacy.services import client_ip

APPLICATION_KEY = "kiosk-application"
# A practice record is at most MAX_EVENTS short events; a body beyond this is not one.
MAX_BODY = 400_000
# Device attempts the progress page counts at once (the newest the device sends).
MAX_DEVICE_ATTEMPTS = 300
# Under Django's DATA_UPLOAD_MAX_MEMORY_SIZE, so a long body gets this view's 400.
MAX_PROGRESS_BODY = 2_000_000
# Replaying is the server's work: events counted for one anonymous progress page at most.
MAX_PROGRESS_EVENTS = 30_000
# Sends per browser (session or address) in SYNC_WINDOW seconds: a device coming
# back online sends what it kept, one request per attempt.
SYNC_LIMIT = 300
SYNC_WINDOW = 10 * 60
# Anonymous progress pages per browser in SYNC_WINDOW (each replays the device's attempts).
PROGRESS_LIMIT = 60
# "Practise as this learner" lasts at most this long (a tablet left handed over
# must not keep filling one learner's record).
HANDOVER_SECONDS = 4 * 60 * 60


def practice_application(request: HttpRequest) -> Application | None:
    """The application practice on this browser counts for, if any."""
    managed = managed_application(request)
    if managed is not None:
        return managed
    handed = request.session.get(APPLICATION_KEY)
    state = handover_state(request)
    if not isinstance(handed, dict) or state is None:
        # Staff took the tablet back (or never handed it over): practice is anonymous again.
        request.session.pop(APPLICATION_KEY, None)
        return None
    if state.get("return_to") != handed.get("return_to") or not _still_open(handed):
        request.session.pop(APPLICATION_KEY, None)
        return None
    return (
        Application.objects.select_related("learner", "course_class__center")
        .filter(pk=handed.get("application")).first()
    )


def _still_open(handed: dict[str, Any]) -> bool:
    until = handed.get("until")
    return isinstance(until, int | float) and time.time() < until


def _scenario_or_404(slug: str) -> engine.Scenario:
    scenario = engine.scenario_get(slug)
    if scenario is None:
        raise Http404
    return scenario


# --- Learner pages -------------------------------------------------------------------


@require_GET
def scenario_list(request: HttpRequest) -> HttpResponse:
    every = list(engine.scenarios().values())
    groups = [
        (_("Kiosks"), [s for s in every if s.kind == "kiosk"]),
        (_("Phone apps"), [s for s in every if s.kind == "app"]),
    ]
    application = practice_application(request)
    return _private_if_linked(render(request, "kiosk/list.html", {
        "groups": [(title, found) for title, found in groups if found],
        "application": application,
    }), application)


@require_GET
def scenario_start(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = _scenario_or_404(slug)
    play_url = reverse("kiosk-play", args=[scenario.slug])
    modes = [
        (PracticeMode.GUIDED, _("The next button lights up and a voice says what to do. "
                                "Nothing can go wrong.")),
        (PracticeMode.PRACTICE, _("You press the buttons yourself. Ask for a hint whenever "
                                  "you like; a wrong press is explained kindly.")),
        (PracticeMode.REAL, _("Like the real machine: no hints, the buttons move about, and "
                              "it starts over if you wait too long.")),
    ]
    application = practice_application(request)
    return _private_if_linked(render(request, "kiosk/start.html", {
        "scenario": scenario, "play_url": play_url,
        "modes": [(mode.value, mode.label, text) for mode, text in modes],
        "application": application,
    }), application)


@require_GET
def play(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = _scenario_or_404(slug)
    return render(request, "kiosk/play.html", {
        "scenario": scenario, "scenario_data": scenario.model_dump(),
        "sync_url": reverse("kiosk-attempt-sync"), "progress_url": reverse("kiosk-progress"),
        "start_url": reverse("kiosk-start", args=[scenario.slug]),
    })


def _refused(message: str, status: int = 400, **extra: Any) -> JsonResponse:
    return JsonResponse({"message": message, **extra}, status=status)


def _over_limit(request: HttpRequest, what: str, limit: int) -> bool:
    key = f"kiosk-{what}:{request.session.session_key or client_ip(request)}"
    return window_count(key, SYNC_WINDOW) > limit


def _json_body(request: HttpRequest, limit: int) -> Any:
    """The JSON body; ValueError when it is too long or not JSON (nested too deep included)."""
    if int(request.headers.get("Content-Length") or 0) > limit or len(request.body) > limit:
        raise ValueError("too long")
    try:
        return json.loads(request.body)
    except RecursionError as error:
        raise ValueError("nested too deep") from error


def _sent_attempt(data: Any) -> dict[str, Any]:
    """The service's arguments from the JSON the play page sends; ValueError when it is not one."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    started_at = datetime.fromisoformat(str(data["started_at"]))
    if started_at.tzinfo is None:
        raise ValueError("no offset")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**31:
        raise ValueError("seed")
    return {
        "attempt_id": uuid.UUID(str(data["id"])), "scenario": str(data["scenario"]),
        "mode": str(data["mode"]), "barrier_free": data.get("barrier_free") is True,
        "seed": seed, "started_at": started_at, "events": data["events"],
    }


def _counts(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": str(attempt.pk), "goal_reached": attempt.goal_reached,
        "wrong_taps": attempt.wrong_taps, "hints": attempt.hints, "timeouts": attempt.timeouts,
        "steps": attempt.steps, "seconds": attempt.seconds,
    }


@require_POST
def attempt_sync(request: HttpRequest) -> HttpResponse:
    """Store an attempt the play page sends (JSON); see the contract in docs/kiosk.md."""
    application = practice_application(request)
    if application is None:
        return _refused(_("This practice is kept on this device only."), 403, anonymous=True)
    if _over_limit(request, "sync", SYNC_LIMIT):
        return _refused(_("Too many practice records at once. Please try again later."), 429)
    try:
        sent = _sent_attempt(_json_body(request, MAX_BODY))
    except (ValueError, KeyError, TypeError):
        return _refused(_("This practice record is not complete."))
    existed = Attempt.objects.filter(pk=sent["attempt_id"]).exists()
    try:
        attempt = attempt_record(application=application, **sent)
    except ValidationError as error:
        return _refused(" ".join(error.messages))
    return JsonResponse(_counts(attempt), status=200 if existed else 201)


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """GET: the linked learner's progress (or the page that asks for the device's).

    POST (JSON list of the device's attempts): the progress fragment; nothing is stored.
    """
    if request.method == "POST":
        if _over_limit(request, "progress", PROGRESS_LIMIT):
            return HttpResponse(status=429)
        try:
            raw = _json_body(request, MAX_PROGRESS_BODY)
        except ValueError:
            return HttpResponse(status=400)
        kept = selectors.device_attempts(
            raw, limit=MAX_DEVICE_ATTEMPTS, max_events=MAX_PROGRESS_EVENTS,
        )
        return _private(render(request, "kiosk/_progress.html", {
            "summary": selectors.progress_summary(kept.tries), "outdated": kept.outdated,
        }))
    application = practice_application(request)
    context: dict[str, Any] = {"application": application}
    if application is not None:
        context["summary"] = selectors.progress_summary(
            selectors.learner_attempts(application.learner_id),
        )
        context["evidence"] = selectors.competency_evidence([application.learner_id]).get(
            application.learner_id, [],
        )
    return _private_if_linked(render(request, "kiosk/progress.html", context), application)


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def _private_if_linked(response: HttpResponse, application: Application | None) -> HttpResponse:
    """A page naming the linked learner (masked) or showing their record is kept by
    neither the browser (back button, bfcache) nor the service worker (sw.js never
    keeps a no-store page): a shared tablet must not show it to the next person."""
    return _private(response) if application is not None else response


# --- Staff: the class at a glance ------------------------------------------------------


def _class(request: HttpRequest, pk: int) -> CourseClass:
    course_class = class_for_its_staff(user=request.user, pk=pk)
    if course_class is None:
        raise Http404
    return course_class


@login_required
@require_GET
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Who practised what, and who needs help with which screens (masked names only)."""
    course_class = _class(request, pk)
    overview = selectors.class_overview(course_class)
    evidence = selectors.competency_evidence([r.application.learner_id for r in overview.rows])
    return render(request, "kiosk/staff/class.html", {
        "class": course_class, "overview": overview,
        "rows": [(row, evidence.get(row.application.learner_id, [])) for row in overview.rows],
    })


@login_required
@require_POST
def class_handover(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """"Practise as this learner": this tablet's practice counts for them until staff unlock it."""
    course_class = _class(request, pk)
    application = get_object_or_404(confirmed_applications(course_class), pk=application_pk)
    return_to = reverse("kiosk-class", args=[course_class.pk])
    practice_handover_record(actor=request.user, application=application)
    handover_start(request, return_to=return_to)
    request.session[APPLICATION_KEY] = {
        "application": application.pk, "return_to": return_to,
        "until": time.time() + HANDOVER_SECONDS,
    }
    return redirect("kiosk-list")
