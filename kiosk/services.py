"""Recording practice attempts: the one place that writes `Attempt` rows."""

import itertools
import uuid
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError as SchemaError

from audit.services import audit_record
from enrollment.models import Application
from kiosk import engine
from kiosk.models import Attempt, PracticeMode

# More events than this is not one person at one machine.
MAX_EVENTS = 3_000
# An attempt "started" further in the past than this is refused (a device's clock gone wrong).
MAX_AGE = timedelta(days=60)
# A device's clock may run this far ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)
# Nobody stands at one machine longer than this (also keeps `seconds` a sane number).
MAX_DURATION_MS = 6 * 60 * 60 * 1000


def attempt_record(
    *, attempt_id: uuid.UUID, application: Application, scenario: str,
    mode: str, barrier_free: bool, seed: int, started_at: datetime, events: list[dict[str, object]],
) -> Attempt:
    """Store an attempt the browser sends, counted by replaying its events on the server.

    Sending the same attempt again returns the stored one unchanged. Raises
    ValidationError (in Korean) for an unknown scenario, a changed scenario
    the events no longer fit, or events that are not an attempt (including a
    hint outside practice mode or a time-out outside real-life mode).
    """
    existing = Attempt.objects.filter(pk=attempt_id).first()
    if existing is not None:
        return _same_attempt(existing, application)
    played = _scenario_played(scenario)
    if mode not in PracticeMode.values:
        raise ValidationError(_("This practice mode does not exist."), code="mode")
    parsed = _events(events)
    if not engine.events_fit_mode(mode, parsed):
        raise ValidationError(
            _("This practice has a hint or a time-out that its mode does not have. "
              "It stays on this device."),
            code="events",
        )
    _check_times(started_at, parsed)
    try:
        result = engine.replay(played, parsed)
    except engine.ReplayError as error:
        raise ValidationError(
            _("This practice does not fit the practice machine. It stays on this device."),
            code="replay",
        ) from error
    attempt = Attempt(
        id=attempt_id, learner=application.learner, application=application,
        center=application.course_class.center, scenario=played.slug,
        scenario_version=played.version, mode=mode, barrier_free=barrier_free, seed=seed,
        started_at=started_at, seconds=round(parsed[-1].t / 1000) if parsed else 0,
        steps=result.steps, wrong_taps=result.wrong_taps, hints=result.hints,
        timeouts=result.timeouts, finished=result.finished, goal_reached=result.goal_reached,
        trouble=result.trouble, events=[event.model_dump(exclude_none=True) for event in parsed],
    )
    try:
        with transaction.atomic():
            attempt.save(force_insert=True)
            audit_record(actor=None, action="kiosk.attempt_record", target=attempt, data={
                "scenario": attempt.scenario, "mode": mode, "goal_reached": attempt.goal_reached,
            })
    except IntegrityError:
        # The same attempt sent twice at once: the other request stored it.
        return _same_attempt(Attempt.objects.get(pk=attempt_id), application)
    return attempt


def _check_times(started_at: datetime, events: list[engine.Event]) -> None:
    now = timezone.now()
    if not (now - MAX_AGE <= started_at and events[-1].t <= MAX_DURATION_MS
            and started_at + timedelta(milliseconds=events[-1].t) <= now + CLOCK_SKEW):
        raise ValidationError(_("The time this practice started is not right."), code="started_at")


def practice_handover_record(
    *, actor: AbstractBaseUser | AnonymousUser, application: Application,
) -> None:
    """Staff let this tablet's practice count for a learner (the class page's button)."""
    audit_record(actor=actor, action="kiosk.handover", target=application, data={
        "course_class": application.course_class_id,
    })


def _same_attempt(existing: Attempt, application: Application) -> Attempt:
    if existing.learner_id != application.learner_id:
        raise ValidationError(_("This practice record belongs to someone else."), code="taken")
    return existing


def _scenario_played(slug: str) -> engine.Scenario:
    # Played on an older version of the file (cached offline)? The replay checks
    # that the events still fit the current one.
    scenario = engine.scenario_get(slug)
    if scenario is None:
        raise ValidationError(_("This practice machine does not exist."), code="scenario")
    return scenario


def _events(raw: list[dict[str, object]]) -> list[engine.Event]:
    if not isinstance(raw, list) or not raw or len(raw) > MAX_EVENTS:
        raise ValidationError(_("This practice record is not complete."), code="events")
    try:
        parsed = [engine.Event.model_validate(item) for item in raw]
    except SchemaError as error:
        raise ValidationError(_("This practice record is not complete."), code="events") from error
    if any(later.t < earlier.t for earlier, later in itertools.pairwise(parsed)):
        raise ValidationError(_("This practice record is not complete."), code="events")
    return parsed
