"""attempt_record: stored once per id, counted by the server's replay, refusals change nothing."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.testing import KEEP_REGIONS
from attendance.testing import running_class
from audit.models import AuditEntry
from enrollment.models import Application
from kiosk import engine
from kiosk.models import Attempt, PracticeMode
from kiosk.services import attempt_record
from lib.testing import at_once

CAFE = "cafe-order"


def guided_events(slug: str = CAFE) -> list[dict[str, Any]]:
    """The guided way to the goal as the play page records it."""
    scenario = engine.scenario_get(slug)
    assert scenario is not None
    path = engine.machine(scenario).guided_path() or []
    return [
        {"type": "tap" if element else "auto", "t": (i + 1) * 2000, "screen": screen,
         **({"element": element} if element else {})}
        for i, (screen, element) in enumerate(path)
    ]


def clumsy_events(mode: str = PracticeMode.PRACTICE) -> list[dict[str, Any]]:
    """A wrong tap, then a hint (practice) or a time-out (real life), then the way to the goal.

    Each mode's trouble is one the play page records in that mode.
    """
    events: list[dict[str, Any]] = [
        {"type": "tap", "t": 1000, "screen": "home", "element": "take-out"},
        {"type": "tap", "t": 2000, "screen": "menu", "element": "tab-drinks"},
        {"type": "tap", "t": 3000, "screen": "menu-drinks", "element": "lemonade"},
    ]
    if mode == PracticeMode.PRACTICE:
        events.append({"type": "hint", "t": 4000, "screen": "options"})
    if mode == PracticeMode.REAL:  # back to the start: the guided way from there
        events.append({"type": "timeout", "t": 64000, "screen": "options"})
        return events + [{**e, "t": e["t"] + 64000} for e in guided_events()]
    return events + _way_on(events)


def _way_on(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The engine's way to the goal from where `events` left the machine."""
    scenario = engine.scenario_get(CAFE)
    assert scenario is not None
    at = engine.replay(scenario, [engine.Event.model_validate(e) for e in events])
    rules, screen, state = engine.machine(scenario), scenario.screen(at.screen), at.state
    t, way = events[-1]["t"], []
    while not screen.end:
        move = rules.way_on(screen, state)
        assert move is not None
        t += 2000
        way.append({"type": "tap" if move[0] else "auto", "t": t, "screen": screen.id,
                    **({"element": move[0].id} if move[0] else {})})
        _, screen, state = move
    return way


def record(application: Application, events: list[dict[str, Any]] | None = None,
           **overrides: Any) -> Attempt:
    arguments: dict[str, Any] = {
        "attempt_id": uuid.uuid4(), "application": application, "scenario": CAFE,
        "mode": PracticeMode.REAL, "barrier_free": False, "seed": 7,
        "started_at": timezone.now() - timedelta(minutes=3),
        "events": guided_events() if events is None else events,
    }
    arguments.update(overrides)
    return attempt_record(**arguments)


@pytest.fixture
def learners(people: Any) -> list[Application]:
    _course_class, applications = running_class(people, learners=2)
    return applications


@pytest.mark.django_db
@pytest.mark.parametrize(("mode", "counts", "trouble"), [
    (PracticeMode.PRACTICE, (1, 1, 0), ["menu-drinks", "options"]),
    (PracticeMode.REAL, (1, 0, 1), ["menu-drinks", "options"]),
    (PracticeMode.GUIDED, (1, 0, 0), ["menu-drinks"]),
])
def test_it_counts_from_the_replay_and_links_the_class(
    learners: list[Application], mode: str, counts: tuple[int, int, int], trouble: list[str],
) -> None:
    attempt = record(learners[0], clumsy_events(mode), mode=mode)
    stored = Attempt.objects.get(pk=attempt.pk)
    assert (stored.wrong_taps, stored.hints, stored.timeouts) == counts
    assert stored.goal_reached and stored.finished
    assert stored.trouble == trouble
    assert stored.center_id == learners[0].course_class.center_id
    assert stored.learner_id == learners[0].learner_id
    assert AuditEntry.objects.filter(action="kiosk.attempt_record").count() == 1


@pytest.mark.django_db
def test_it_stores_the_same_attempt_once(learners: list[Application]) -> None:
    attempt_id = uuid.uuid4()
    first = record(learners[0], attempt_id=attempt_id)
    again = record(learners[0], clumsy_events(PracticeMode.REAL), attempt_id=attempt_id)
    assert again.pk == first.pk and again.wrong_taps == 0  # the stored one, unchanged
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_someone_elses_attempt_id(learners: list[Application]) -> None:
    attempt_id = uuid.uuid4()
    record(learners[0], attempt_id=attempt_id)
    with pytest.raises(ValidationError):
        record(learners[1], attempt_id=attempt_id)
    assert Attempt.objects.get().learner_id == learners[0].learner_id


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", [
    {"scenario": "no-such-machine"},
    {"mode": "cheat"},
    {"started_at": timezone.now() - timedelta(days=400)},
    {"events": [{"type": "tap", "t": 0, "screen": "menu", "element": "americano"}]},
    {"events": [{"type": "tap", "t": 5, "screen": "home", "element": "take-out"},
                {"type": "hint", "t": 1, "screen": "menu"}]},
    {"events": [{"type": "jump", "t": 0, "screen": "home"}]},
    {"events": clumsy_events(PracticeMode.PRACTICE), "mode": PracticeMode.REAL},
    {"events": clumsy_events(PracticeMode.PRACTICE), "mode": PracticeMode.GUIDED},
    {"events": clumsy_events(PracticeMode.REAL), "mode": PracticeMode.PRACTICE},
    {"events": clumsy_events(PracticeMode.REAL), "mode": PracticeMode.GUIDED},
], ids=["scenario", "mode", "old", "replay", "time-order", "event-type", "hint-in-real",
        "hint-in-guided", "timeout-in-practice", "timeout-in-guided"])
def test_refusals_change_nothing(learners: list[Application], overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        record(learners[0], **overrides)
    assert not Attempt.objects.exists()
    assert not AuditEntry.objects.filter(action="kiosk.attempt_record").exists()


@pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)
def test_the_same_attempt_sent_twice_at_once_is_stored_once(threads_db: Any) -> None:
    _course_class, (application, *_rest) = running_class(threads_db, learners=1)
    attempt_id = uuid.uuid4()
    started_at = timezone.now() - timedelta(minutes=2)
    results = at_once([
        lambda: record(application, attempt_id=attempt_id, started_at=started_at)
        for _ in range(3)
    ])
    assert all(isinstance(r, Attempt) for r in results), results
    assert {r.pk for r in results} == {attempt_id}
    assert Attempt.objects.count() == 1
