"""Demo practice attempts: played through the engine, stored with the replay's counts, once."""

import random
from typing import Any

import pytest

from attendance.testing import running_class
from demo.seeding import DemoContext
from kiosk import demo, engine
from kiosk.models import Attempt, PracticeMode
from kiosk.selectors import Tried

pytestmark = pytest.mark.django_db


def seed(number: int = 5) -> DemoContext:
    context = DemoContext(scale="small", rng=random.Random(number))
    demo.seed(context)
    return context


def test_it_practises_plausibly_with_real_counts_once(
    people: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(demo.SHARE, "small", 1)  # every class practises
    _course_class, applications = running_class(people, learners=6)
    seed()
    attempts = list(Attempt.objects.all())
    assert {a.learner_id for a in attempts} == {a.learner_id for a in applications}
    assert {a.mode for a in attempts} == set(PracticeMode.values)
    assert any(Tried.of(a).is_evidence for a in attempts)
    assert any(a.wrong_taps for a in attempts)
    for attempt in attempts:
        scenario = engine.scenario_get(attempt.scenario)
        assert scenario is not None
        replayed = engine.replay(scenario, [engine.Event.model_validate(e) for e in attempt.events])
        assert (attempt.steps, attempt.wrong_taps, attempt.hints, attempt.timeouts) == (
            replayed.steps, replayed.wrong_taps, replayed.hints, replayed.timeouts,
        )
        assert attempt.goal_reached == replayed.goal_reached
        assert attempt.mode != PracticeMode.GUIDED or attempt.wrong_taps == 0
    seed(6)
    assert Attempt.objects.count() == len(attempts)


def test_a_simulated_go_always_ends(people: Any) -> None:
    rng = random.Random(1)
    for scenario in engine.scenarios().values():
        for mode in PracticeMode.values:
            events = demo.simulated_events(scenario, rng, mode=mode, slip=0.9)
            parsed = [engine.Event.model_validate(e) for e in events]
            result = engine.replay(scenario, parsed)
            assert result.finished or events[-1]["type"] == "quit"
            # Only what the play page records in that mode (attempt_record refuses the rest).
            assert engine.events_fit_mode(mode, parsed)
