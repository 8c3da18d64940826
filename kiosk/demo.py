"""Demo practice attempts (after the surveys, ORDER 80), played by simulated learners.

In a third of the running and finished classes (a twentieth at `national`
scale, chosen by a hash of the class id) each confirmed learner practises
1–4 machines: a 따라하기 go first, then 0–3 연습하기 and 0–3 실전처럼 goes.
Each learner has a steadiness that grows with every go; a simulated go
walks the machine (`kiosk.engine`), now and then pressing a wrong button,
asking for a hint (practice) or waiting too long (real-life), and gives
up after too many presses. The stored counts are the engine's replay of
those events, exactly as for attempts sent by a browser.

Reproducible from `context.rng`; idempotent: a class with any attempt is skipped.
"""

import random
import zlib
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from classes.models import ClassStatus, CourseClass
from demo.seeding import DemoContext, in_chunks
from enrollment.models import Application, ApplicationStatus
from kiosk import engine
from kiosk.models import Attempt, PracticeMode

ORDER = 80
CHUNK = 300
SHARE = {"small": 3, "national": 20}  # one class in this many practises
MAX_EVENTS = 150


def simulated_events(
    scenario: engine.Scenario, rng: random.Random, *, mode: str, slip: float,
) -> list[dict[str, Any]]:
    """One go at the machine by someone who slips with probability about `slip` per screen."""
    rules = engine.machine(scenario)
    screen, state = scenario.screen(scenario.start), engine.State()
    t = 0
    events: list[dict[str, Any]] = []
    while not screen.end:
        if len(events) >= MAX_EVENTS:
            events.append({"type": "quit", "t": t + 1000, "screen": screen.id})
            break
        t += rng.randint(1500, 7000)
        if mode == PracticeMode.REAL and screen.elements and rng.random() < slip * 0.06:
            t += scenario.idle_seconds * 1000
            events.append({"type": "timeout", "t": t, "screen": screen.id})
            screen, state = scenario.screen(scenario.start), {}
            continue
        if mode == PracticeMode.PRACTICE and screen.elements and rng.random() < slip * 0.25:
            events.append({"type": "hint", "t": t, "screen": screen.id})
            t += rng.randint(1000, 3000)
        move = _next_move(rules, screen, state, rng, mode=mode, slip=slip)
        if move is None:
            events.append({"type": "quit", "t": t, "screen": screen.id})
            break
        element, next_screen, next_state = move
        if element is None:
            events.append({"type": "auto", "t": t, "screen": screen.id})
        else:
            events.append({"type": "tap", "t": t, "screen": screen.id, "element": element.id})
        screen, state = next_screen, next_state
    return events


def _next_move(
    rules: engine.Machine, screen: engine.Screen, state: engine.State, rng: random.Random,
    *, mode: str, slip: float,
) -> engine.Move | None:
    possible = engine.moves(rules.scenario, screen, state)
    way = rules.way_on(screen, state)
    if way is not None and (mode == PracticeMode.GUIDED or rng.random() >= slip * 0.3):
        return way
    taps = [m for m in possible if m[0] is not None]
    if taps:
        return rng.choice(taps)
    return way or (possible[0] if possible else None)


def _practising_classes(context: DemoContext) -> Any:
    practised = Attempt.objects.values("application__course_class_id")
    share = SHARE[context.scale]
    classes = CourseClass.objects.filter(
        status__in=[ClassStatus.RUNNING, ClassStatus.FINISHED],
    ).exclude(pk__in=practised)
    for chunk in in_chunks(classes, CHUNK):
        yield [c for c in chunk if zlib.crc32(f"kiosk:{c.pk}".encode()) % share == 0]


def _first_go(context: DemoContext, course_class: CourseClass) -> datetime:
    first = course_class.first_date or timezone.localdate()
    moment = datetime.combine(first, time(context.rng.randint(10, 16), context.rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _goes(context: DemoContext) -> list[PracticeMode]:
    rng = context.rng
    return (
        [PracticeMode.GUIDED] + [PracticeMode.PRACTICE] * rng.randint(0, 3)
        + [PracticeMode.REAL] * rng.randint(0, 3)
    )


def _attempts(
    context: DemoContext, application: Application, course_class: CourseClass,
    every: list[engine.Scenario],
) -> list[Attempt]:
    rng = context.rng
    steadiness = rng.uniform(0.1, 0.8)
    made = []
    now = timezone.now()
    for scenario in rng.sample(every, min(len(every), rng.randint(1, 4))):
        when = _first_go(context, course_class)
        for mode in _goes(context):
            events = simulated_events(scenario, rng, mode=mode, slip=1 - steadiness)
            steadiness = min(0.97, steadiness + rng.uniform(0.05, 0.15))
            result = engine.replay(scenario, [engine.Event.model_validate(e) for e in events])
            when += timedelta(minutes=rng.randint(10, 3 * 24 * 60))
            made.append(Attempt(
                learner_id=application.learner_id, application=application,
                center_id=course_class.center_id, scenario=scenario.slug,
                scenario_version=scenario.version, mode=mode, barrier_free=rng.random() < 0.15,
                seed=rng.randrange(2**31), started_at=min(when, now - timedelta(minutes=5)),
                seconds=round(events[-1]["t"] / 1000), steps=result.steps,
                wrong_taps=result.wrong_taps, hints=result.hints, timeouts=result.timeouts,
                finished=result.finished, goal_reached=result.goal_reached,
                trouble=result.trouble, events=events,
            ))
    return made


def seed(context: DemoContext) -> None:
    every = list(engine.scenarios().values())
    if not every:
        return
    made = 0
    for chunk in _practising_classes(context):
        by_class = {c.pk: c for c in chunk}
        attempts = []
        for application in Application.objects.filter(
            course_class__in=chunk, status=ApplicationStatus.CONFIRMED,
        ).order_by("pk"):
            course_class = by_class[application.course_class_id]
            attempts += _attempts(context, application, course_class, every)
        with transaction.atomic():
            Attempt.objects.bulk_create(attempts, batch_size=1_000)
        made += len(attempts)
    context.notes.append(f"Kiosk practice: {made} attempts.")
