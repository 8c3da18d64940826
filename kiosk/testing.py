"""Playing a scenario in tests: the events the browser would record for a list of taps."""

from collections.abc import Sequence

from kiosk import engine

WAIT = None  # a step where the screen moves on by itself


def scenario_named(slug: str) -> engine.Scenario:
    scenario = engine.scenario_get(slug)
    assert scenario is not None, slug
    return scenario


def events_for(
    scenario: engine.Scenario, steps: Sequence[str | None], *, then_guided: bool = False,
) -> list[engine.Event]:
    """The events of tapping `steps` (element ids; WAIT) from the start, one second apart.

    With then_guided, go on along the way to the goal (as hints would) until an end screen.
    """
    rules = engine.machine(scenario)
    screen, state = scenario.screen(scenario.start), engine.State()
    events: list[engine.Event] = []

    def step(element_id: str | None) -> None:
        nonlocal screen, state
        t = 1000 * (len(events) + 1)
        if element_id is None:
            assert screen.auto_to, f"{screen.id} does not move on by itself"
            events.append(engine.Event(type="auto", t=t, screen=screen.id))
            screen = scenario.screen(screen.auto_to)
            return
        element = next((e for e in screen.elements if e.id == element_id), None)
        assert element is not None, f"no {element_id!r} on {screen.id!r}"
        events.append(engine.Event(type="tap", t=t, screen=screen.id, element=element_id))
        screen, state = engine.tap(scenario, screen, state, element)

    for element_id in steps:
        step(element_id)
    while then_guided and not screen.end:
        move = rules.way_on(screen, state)
        assert move is not None, f"no way on from {screen.id} with {state}"
        step(move[0].id if move[0] else None)
    return events
