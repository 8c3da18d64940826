"""Practice machines as data: the scenario format, the machine's rules, replay and checks.

A scenario (one JSON file in kiosk/scenarios/) is a set of screens. A screen
has elements (buttons, options, keys, a card slot …); tapping an element may
set values in the machine's state (`set`) and move to another screen (`to`).
A screen may move on by itself (`auto_to`, e.g. "reading your card"). Screens
marked `end` finish the attempt; the goal is reached when an end screen is
entered with the state the goal asks for.

Nobody writes down "the right way": it is computed. `Machine` explores
every (screen, state) the machine can get into and how many taps each is
from the goal. A tap that brings the learner one tap closer is on the way;
any other tap is a wrong tap, except on elements marked `free` (looking
around: a menu tab, 이전). Guided mode highlights the first element on the
way (in the file's order), so the order of elements decides which of two
equally short ways it shows. Only the values the goal names count as state
for this (an extra shot changes nothing on the way to the goal).

The browser runs the same rules (static/kiosk/kiosk.js) while the learner
taps; the server replays the recorded events with this module, so the
counts stored for an attempt never depend on what the browser says.
`scenario_problems` is the validator behind `manage.py kiosk_validate`.
"""

import hashlib
import json
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
# The assessment's item bank files (assessment.item_bank); a scenario's `items` name their keys.
ITEM_DIR = Path(__file__).resolve().parent.parent / "assessment" / "data" / "items"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
# A scenario whose machine has more states than this is too big to check (and to learn).
MAX_STATES = 100_000
AREAS = ("device", "information", "communication", "services", "safety")
LEVELS = ("basic", "everyday", "advanced")

State = dict[str, str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Element(_Strict):
    id: str
    kind: Literal[
        "button", "option", "key", "card", "phone", "fingerprint", "id-card", "cash", "print",
    ] = "button"
    label: str
    # Other wordings real machines use for the same button (real-life mode picks one).
    variants: tuple[str, ...] = ()
    # Said in guided mode, and when a hint is asked for, while this is the way on.
    hint: str = ""
    # What the element does, said kindly after a wrong tap in practice mode.
    help: str = ""
    set: dict[str, str] = Field(default_factory=dict)
    to: str | None = None
    free: bool = False
    # Options of one group are drawn together (e.g. "size"); the chosen one shows as selected.
    group: str | None = None
    # Small print under the label (a price, a time, seats left).
    detail: str = ""


class Screen(_Strict):
    id: str
    title: str
    # Voice guidance: read aloud in guided mode and with the barrier-free option.
    say: str
    # Body text; {name} shows a value of the state (the order so far, the seat chosen).
    text: str = ""
    layout: Literal["grid", "list", "keypad", "pay", "message", "chat", "form"] = "grid"
    elements: tuple[Element, ...] = ()
    end: bool = False
    # Real-life mode may reorder this screen's elements (menus differ between machines).
    shuffle: bool = False
    auto_to: str | None = None
    auto_seconds: float = 2.0
    # A warning the real app shows (a scam alert): drawn as an alert box.
    alert: str = ""


class Goal(_Strict):
    text: str
    state: dict[str, str] = Field(default_factory=dict)


class Scenario(_Strict):
    title: str
    kind: Literal["kiosk", "app"]
    machine: str
    summary: str
    area: str
    level: str
    # Assessment items (their ids in assessment/data/items) this scenario practises.
    items: tuple[str, ...] = ()
    goal: Goal
    start: str
    # Real-life mode: seconds without a tap before the machine starts over.
    idle_seconds: int = 60
    screens: tuple[Screen, ...]

    # Filled in by `parse`, not written in the file.
    slug: str = ""
    version: str = ""
    _by_id: dict[str, Screen] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        self._by_id.update({screen.id: screen for screen in self.screens})

    def screen(self, screen_id: str) -> Screen:
        return self._by_id[screen_id]

    def variables(self) -> set[str]:
        return {name for screen in self.screens for e in screen.elements for name in e.set}


class ScenarioError(Exception):
    """A scenario file that cannot be read or is not a valid scenario."""


# --- Loading -----------------------------------------------------------------------


def parse(raw: bytes, *, slug: str) -> Scenario:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ScenarioError(f"{slug}: not JSON: {error}") from error
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(f"{slug}: {error}") from error
    version = hashlib.sha256(raw).hexdigest()[:16]
    return scenario.model_copy(update={"slug": slug, "version": version})


def load(path: Path) -> Scenario:
    return parse(path.read_bytes(), slug=path.stem)


@cache
def scenarios(directory: Path = SCENARIO_DIR) -> dict[str, Scenario]:
    """Every scenario in the directory by slug, in file-name order (cached per process)."""
    return {path.stem: load(path) for path in sorted(directory.glob("*.json"))}


def scenario_get(slug: str) -> Scenario | None:
    return scenarios().get(slug)


# --- The machine's rules -----------------------------------------------------------


def tap(scenario: Scenario, screen: Screen, state: State, element: Element) -> tuple[Screen, State]:
    """What the machine does when `element` is tapped: the next screen and state."""
    new_state = {**state, **element.set}
    return (scenario.screen(element.to) if element.to else screen), new_state


def goal_reached(scenario: Scenario, screen: Screen, state: State) -> bool:
    return screen.end and all(state.get(k) == v for k, v in scenario.goal.state.items())


# Placeholders side by side ("{drink} {temp} {size}") read as one phrase.
PLACEHOLDER_RUN = re.compile(r"\{[a-z_][a-z0-9_]*\}(?: \{[a-z_][a-z0-9_]*\})*")


def fill(text: str, state: State, unset: str = "-") -> str:
    """Screen text with the state's values in place of {name}.

    Values not chosen yet are left out of a run of placeholders; a run with
    nothing chosen reads `unset` once (the page says "none yet", not "- - -").
    """

    def run(match: re.Match[str]) -> str:
        chosen = [state[n] for n in PLACEHOLDER.findall(match.group(0)) if state.get(n)]
        return " ".join(chosen) or unset

    return PLACEHOLDER_RUN.sub(run, text)


Node = tuple[str, tuple[tuple[str, str], ...]]
# A move: the element tapped (None: the screen moved on by itself), the screen and state after.
Move = tuple[Element | None, Screen, State]


def moves(scenario: Scenario, screen: Screen, state: State) -> list[Move]:
    if screen.end:
        return []
    found: list[Move] = [(e, *tap(scenario, screen, state, e)) for e in screen.elements]
    if screen.auto_to:
        found.append((None, scenario.screen(screen.auto_to), state))
    return found


class Machine:
    """Every (screen, state) reachable from the start, and each one's distance to the goal."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.tracked = frozenset(scenario.goal.state)
        start = scenario.screen(scenario.start)
        self.states: dict[Node, tuple[Screen, State]] = {self.node(start, {}): (start, {})}
        callers: dict[Node, set[Node]] = {}
        queue = deque([self.node(start, {})])
        while queue:
            here = queue.popleft()
            screen, state = self.states[here]
            for _, next_screen, next_state in moves(scenario, screen, state):
                there = self.node(next_screen, next_state)
                if there not in self.states:
                    if len(self.states) >= MAX_STATES:
                        raise ScenarioError(f"{scenario.slug}: more than {MAX_STATES} states")
                    self.states[there] = (next_screen, next_state)
                    queue.append(there)
                callers.setdefault(there, set()).add(here)
        self.distance = self._distances(callers)

    def node(self, screen: Screen, state: State) -> Node:
        return screen.id, tuple(sorted((k, v) for k, v in state.items() if k in self.tracked))

    def _distances(self, callers: dict[Node, set[Node]]) -> dict[Node, int]:
        """Taps (and waits) to the goal, by a breadth-first search backwards from it."""
        distance = {node: 0 for node, (screen, state) in self.states.items()
                    if goal_reached(self.scenario, screen, state)}
        queue = deque(distance)
        while queue:
            there = queue.popleft()
            for here in callers.get(there, ()):
                if here not in distance:
                    distance[here] = distance[there] + 1
                    queue.append(here)
        return distance

    def distance_of(self, screen: Screen, state: State) -> int | None:
        return self.distance.get(self.node(screen, state))

    def on_the_way(self, screen: Screen, state: State, next_screen: Screen, next_state: State,
                   ) -> bool:
        here, there = self.distance_of(screen, state), self.distance_of(next_screen, next_state)
        return here is not None and there is not None and there == here - 1

    def way_on(self, screen: Screen, state: State) -> Move | None:
        """The first move on the way to the goal (waiting first, then elements in file order)."""
        ordered = sorted(moves(self.scenario, screen, state), key=lambda move: move[0] is not None)
        for move in ordered:
            if self.on_the_way(screen, state, move[1], move[2]):
                return move
        return None

    def guided_path(self) -> list[tuple[str, str | None]] | None:
        """The guided mode's way from the start: [(screen id, element id or None for waiting)]."""
        screen, state = self.scenario.screen(self.scenario.start), State()
        path: list[tuple[str, str | None]] = []
        while not goal_reached(self.scenario, screen, state):
            move = self.way_on(screen, state)
            if move is None:
                return None
            path.append((screen.id, move[0].id if move[0] else None))
            _, screen, state = move
        return path


_machines: dict[tuple[str, str], Machine] = {}


def machine(scenario: Scenario) -> Machine:
    """The scenario's machine, explored once per process and version."""
    key = (scenario.slug, scenario.version)
    if key not in _machines:
        _machines[key] = Machine(scenario)
    return _machines[key]


# --- Replaying an attempt ------------------------------------------------------------


class Event(_Strict):
    """One thing that happened in an attempt, as the browser records it."""

    type: Literal["tap", "hint", "timeout", "auto", "quit"]
    # Milliseconds since the attempt started.
    t: int = Field(ge=0)
    screen: str
    element: str | None = None


# The play page asks for a hint only in practice mode and times out only in
# real-life mode; an attempt with such an event in another mode is not one it sent.
MODE_ONLY_EVENTS = {"hint": "practice", "timeout": "real"}


def events_fit_mode(mode: str, events: Iterable[Event]) -> bool:
    return all(MODE_ONLY_EVENTS.get(event.type, mode) == mode for event in events)


@dataclass
class Replay:
    steps: int = 0
    wrong_taps: int = 0
    hints: int = 0
    timeouts: int = 0
    finished: bool = False
    goal_reached: bool = False
    # Where each wrong tap, hint or time-out happened (screen ids), for "needs help with".
    trouble: list[str] = field(default_factory=list)
    screen: str = ""
    state: State = field(default_factory=dict)


class ReplayError(ValueError):
    """The events do not fit the scenario (another version of it, or made up)."""


def replay(scenario: Scenario, events: Iterable[Event]) -> Replay:
    """Run the recorded events through the machine and count what happened.

    Every event names the screen it happened on; an event on another screen
    than the machine is on, an element that is not on the screen, an element
    named by anything but a tap, or anything after the end or a quit raises
    ReplayError.
    """
    rules = machine(scenario)
    screen, state = scenario.screen(scenario.start), State()
    result = Replay()
    quit = False
    for event in events:
        if result.finished or quit:
            raise ReplayError("event after the end")
        if event.screen != screen.id:
            raise ReplayError(f"event on {event.screen!r}, machine on {screen.id!r}")
        if event.type != "tap" and event.element is not None:
            raise ReplayError(f"a {event.type} names an element")
        if event.type == "tap":
            element = next((e for e in screen.elements if e.id == event.element), None)
            if element is None:
                raise ReplayError(f"no element {event.element!r} on {screen.id!r}")
            next_screen, next_state = tap(scenario, screen, state, element)
            result.steps += 1
            if not element.free and not rules.on_the_way(screen, state, next_screen, next_state):
                result.wrong_taps += 1
                result.trouble.append(screen.id)
            screen, state = next_screen, next_state
        elif event.type == "auto":
            if screen.auto_to is None:
                raise ReplayError(f"{screen.id!r} does not move on by itself")
            screen = scenario.screen(screen.auto_to)
        elif event.type == "hint":
            result.hints += 1
            result.trouble.append(screen.id)
        elif event.type == "timeout":
            result.timeouts += 1
            result.trouble.append(screen.id)
            screen, state = scenario.screen(scenario.start), {}
        else:  # quit
            quit = True
        if screen.end:
            result.finished = True
            result.goal_reached = goal_reached(scenario, screen, state)
    result.screen, result.state = screen.id, state
    return result


# --- Checking a scenario -----------------------------------------------------------


def scenario_problems(scenario: Scenario) -> list[str]:
    """What is wrong with a scenario, in words an author can act on (empty: fine)."""
    problems = _structure_problems(scenario)
    if problems:
        return problems  # the machine cannot be run with broken references
    try:
        rules = Machine(scenario)
    except ScenarioError as error:
        return [str(error)]
    return _text_problems(scenario, rules) + _item_problems(scenario) + _graph_problems(
        scenario, rules,
    )


def _duplicates(ids: list[str]) -> list[str]:
    return sorted({i for i in ids if ids.count(i) > 1})


def _structure_problems(scenario: Scenario) -> list[str]:
    problems = []
    if not SLUG.match(scenario.slug):
        problems.append(f"file name {scenario.slug!r}: use lower-case letters, digits and '-'")
    if scenario.area not in AREAS:
        problems.append(f"area {scenario.area!r} is not one of {', '.join(AREAS)}")
    if scenario.level not in LEVELS:
        problems.append(f"level {scenario.level!r} is not one of {', '.join(LEVELS)}")
    ids = [screen.id for screen in scenario.screens]
    problems += [f"screen id {i!r} is used twice" for i in _duplicates(ids)]
    if scenario.start not in ids:
        problems.append(f"start screen {scenario.start!r} does not exist")
    for screen in scenario.screens:
        problems += [f"{screen.id}: element id {i!r} is used twice"
                     for i in _duplicates([e.id for e in screen.elements])]
        problems += [f"{screen.id}.{e.id}: goes to {e.to!r}, which does not exist"
                     for e in screen.elements if e.to is not None and e.to not in ids]
        if screen.auto_to is not None and screen.auto_to not in ids:
            problems.append(f"{screen.id}: moves on to {screen.auto_to!r}, which does not exist")
        if screen.end and (screen.elements or screen.auto_to):
            problems.append(f"{screen.id}: an end screen has no elements and does not move on")
    if not any(screen.end for screen in scenario.screens):
        problems.append("no end screen: an attempt could never finish")
    return problems


def _text_problems(scenario: Scenario, rules: Machine) -> list[str]:
    problems = [f"{name} is empty" for name in ("title", "machine", "summary")
                if not getattr(scenario, name).strip()]
    if not scenario.goal.text.strip():
        problems.append("goal.text is empty")
    variables = scenario.variables()
    problems += [f"goal.state: {name!r} is never set by any element"
                 for name in scenario.goal.state if name not in variables]
    # Without a way to the goal every element looks "never on the way": say that once instead.
    on_the_way = _elements_on_the_way(rules) if rules.distance else None
    for screen in scenario.screens:
        problems += [f"{screen.id}: {name} is empty" for name in ("title", "say")
                     if not getattr(screen, name).strip()]
        problems += [f"{screen.id}: text shows {{{name}}}, which no element sets"
                     for name in PLACEHOLDER.findall(screen.text) if name not in variables]
        for element in screen.elements:
            where = f"{screen.id}.{element.id}"
            if not element.label.strip():
                problems.append(f"{where}: label is empty")
            if on_the_way is None:
                continue
            if (screen.id, element.id) in on_the_way:
                if not element.hint.strip():
                    problems.append(f"{where}: on the way to the goal, so it needs a hint")
            elif not element.free and not element.help.strip():
                problems.append(f"{where}: never on the way, so it needs help (what it does)")
    return problems


@cache
def item_keys(directory: Path = ITEM_DIR) -> frozenset[str]:
    """The keys of every assessment item in the bank files (read as plain JSON)."""
    keys: set[str] = set()
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        keys.update(str(item["key"]) for item in data.get("items", ()) if "key" in item)
    return frozenset(keys)


def _item_problems(scenario: Scenario, directory: Path = ITEM_DIR) -> list[str]:
    known = item_keys(directory)
    problems = [f"items: {key!r} is not an assessment item (assessment/data/items)"
                for key in scenario.items if key not in known]
    problems += [f"items: {key!r} is named twice" for key in _duplicates(list(scenario.items))]
    return problems


def _elements_on_the_way(rules: Machine) -> set[tuple[str, str]]:
    """(screen, element) pairs that guided mode or a hint may point at, from some state."""
    found = set()
    for screen, state in rules.states.values():
        move = rules.way_on(screen, state)
        if move is not None and move[0] is not None:
            found.add((screen.id, move[0].id))
    return found


def _shown(state: State) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in sorted(state.items())) or "nothing chosen"


def _graph_problems(scenario: Scenario, rules: Machine) -> list[str]:
    problems = []
    seen_screens = {screen.id for screen, _ in rules.states.values()}
    problems += [f"{screen.id}: unreachable from the start screen"
                 for screen in scenario.screens if screen.id not in seen_screens]
    dead_ends: set[str] = set()
    traps: dict[str, State] = {}
    for node, (screen, state) in rules.states.items():
        if screen.end:
            continue
        if not moves(scenario, screen, state):
            dead_ends.add(screen.id)
        elif node not in rules.distance and screen.elements:
            # A screen that only moves on by itself (paying) may be past undoing.
            traps.setdefault(screen.id, state)
    problems += [f"{screen_id}: a dead end (no way on, and not an end screen)"
                 for screen_id in sorted(dead_ends)]
    if rules.guided_path() is None:
        return [*problems, "the goal cannot be reached from the start"]
    problems += [f"{screen_id}: with {_shown(state)} the goal can no longer be reached "
                 "(give a way back: 이전, 처음으로 or 취소)"
                 for screen_id, state in sorted(traps.items())]
    return problems


def load_problems(directory: Path = SCENARIO_DIR) -> dict[str, list[str]]:
    """Problems of every scenario file in the directory, by file name (unreadable files too)."""
    found: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            found[path.name] = scenario_problems(load(path))
        except ScenarioError as error:
            found[path.name] = [str(error)]
    return found
