"""Reading practice attempts: a learner's progress, a class at a glance, competency evidence.

Every summary works on `Tried` figures, which come either from stored
attempts or from attempts kept on a device (anonymous practice, replayed
here by the engine and never stored), so both read the same words.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import ValidationError as SchemaError

from assessment.models import Area
from attendance.services import confirmed_applications
from classes.models import CourseClass
from enrollment.models import Application
from kiosk import engine
from kiosk.models import Attempt, PracticeMode

# "Needs help" (until the goal is reached in real-life mode): over the last few
# attempts at a scenario, on average this many wrong taps or hints; or the last
# attempt timed out; or none of the last few reached the goal.
RECENT = 3
HELP_WRONG_TAPS = 3
HELP_HINTS = 3
# Screens named under "needs help with" per scenario.
TROUBLE_SHOWN = 3
# Fields the summaries read (the events are left in the database).
FIGURE_FIELDS = (
    "id", "learner_id", "scenario", "mode", "started_at", "finished", "goal_reached",
    "steps", "wrong_taps", "hints", "timeouts", "seconds", "trouble",
)


@dataclass(frozen=True)
class Tried:
    """One attempt's figures, whichever place it is kept."""

    scenario: str
    mode: str
    started_at: datetime
    goal_reached: bool
    wrong_taps: int
    hints: int
    timeouts: int
    trouble: tuple[str, ...] = ()

    @classmethod
    def of(cls, attempt: Attempt) -> "Tried":
        return cls(
            scenario=attempt.scenario, mode=attempt.mode, started_at=attempt.started_at,
            goal_reached=attempt.goal_reached, wrong_taps=attempt.wrong_taps,
            hints=attempt.hints, timeouts=attempt.timeouts, trouble=tuple(attempt.trouble),
        )

    @property
    def is_evidence(self) -> bool:
        """A real-life attempt that reached the goal: counts in the competency record."""
        return self.mode == PracticeMode.REAL and self.goal_reached


@dataclass
class DeviceRecord:
    tries: list[Tried]
    # Attempts made on an earlier version of their machine's file: the events no
    # longer replay, so they are left out, and the page says how many.
    outdated: int = 0


class _Outdated(Exception):
    pass


def device_attempts(raw: Any, *, limit: int, max_events: int | None = None) -> DeviceRecord:
    """Attempts a device keeps, counted by replaying their events (not by the device's counts).

    The newest `limit` (the end of the list), and of those only as many,
    newest first, as have `max_events` events together. Anything that is not
    an attempt of a known scenario is left out; those of an earlier version
    of the scenario that no longer replay are left out and counted.
    """
    record = DeviceRecord(tries=[])
    if not isinstance(raw, list) or limit <= 0:
        return record
    budget = max_events
    for item in reversed(raw[-limit:]):
        if budget is not None:
            budget -= len(item.get("events") or ()) if isinstance(item, dict) else 0
            if budget < 0:
                break
        try:
            tried = _device_attempt(item)
        except _Outdated:
            record.outdated += 1
            continue
        if tried is not None:
            record.tries.append(tried)
    record.tries.reverse()
    return record


def _device_attempt(item: Any) -> Tried | None:
    if not isinstance(item, dict):
        return None
    scenario = engine.scenario_get(str(item.get("scenario", "")))
    mode = item.get("mode")
    events = item.get("events")
    if scenario is None or mode not in PracticeMode.values or not isinstance(events, list):
        return None
    try:
        started_at = datetime.fromisoformat(str(item.get("started_at")))
        parsed = [engine.Event.model_validate(e) for e in events]
    except (ValueError, SchemaError):
        return None
    if started_at.tzinfo is None or not engine.events_fit_mode(str(mode), parsed):
        return None
    try:
        result = engine.replay(scenario, parsed)
    except engine.ReplayError as error:
        if item.get("version") != scenario.version:
            raise _Outdated from error
        return None
    return Tried(
        scenario=scenario.slug, mode=str(mode), started_at=started_at,
        goal_reached=result.goal_reached, wrong_taps=result.wrong_taps, hints=result.hints,
        timeouts=result.timeouts, trouble=tuple(result.trouble),
    )


# --- A learner's progress ----------------------------------------------------------


@dataclass
class ScenarioProgress:
    scenario: engine.Scenario
    tries: int
    reached_real: bool
    sentences: list[str]


MODE_NAMES: dict[str, Any] = dict(PracticeMode.choices)


def _progress_sentences(tries: list[Tried]) -> list[str]:
    first, last = tries[0], tries[-1]
    sentences = [ngettext(
        "You have tried this %(count)s time.", "You have tried this %(count)s times.", len(tries),
    ) % {"count": len(tries)}]
    if len(tries) > 1:
        figures = {"first": first.wrong_taps, "last": last.wrong_taps}
        if last.wrong_taps < first.wrong_taps:
            sentences.append(_(
                "Wrong taps went down from %(first)s the first time to %(last)s last time.",
            ) % figures)
        elif last.wrong_taps > first.wrong_taps:
            sentences.append(_(
                "Wrong taps went from %(first)s the first time to %(last)s last time. "
                "Take it slowly; it gets easier.",
            ) % figures)
        elif last.wrong_taps == 0:
            sentences.append(_("No wrong taps, the first time or last time."))
    if any(t.is_evidence for t in tries):
        sentences.append(_("You reached the goal in real-life mode."))
    elif reached := [t for t in tries if t.goal_reached]:
        sentences.append(_(
            "You reached the goal in %(mode)s mode. Next, try real-life mode.",
        ) % {"mode": MODE_NAMES.get(reached[-1].mode, reached[-1].mode)})
    else:
        sentences.append(_("You have not reached the goal yet. Follow-along mode shows the way."))
    return sentences


def progress_summary(tries: Iterable[Tried]) -> list[ScenarioProgress]:
    """Per scenario (in the list's order), the tries in plain words, oldest to newest."""
    by_scenario: dict[str, list[Tried]] = defaultdict(list)
    for tried in sorted(tries, key=lambda t: t.started_at):
        by_scenario[tried.scenario].append(tried)
    summary = []
    for slug, scenario in engine.scenarios().items():
        if slug in by_scenario:
            found = by_scenario[slug]
            summary.append(ScenarioProgress(
                scenario=scenario, tries=len(found),
                reached_real=any(t.is_evidence for t in found),
                sentences=_progress_sentences(found),
            ))
    return summary


def learner_attempts(learner_id: int) -> list[Tried]:
    """One query."""
    return [Tried.of(a) for a in Attempt.objects.filter(learner_id=learner_id).only(*FIGURE_FIELDS)]


# --- A class at a glance -------------------------------------------------------------

NOT_TRIED, PRACTISING, DONE = "not_tried", "practising", "done"


@dataclass
class Cell:
    scenario: engine.Scenario
    status: str
    tries: int = 0
    needs_help: bool = False
    trouble: list[str] = field(default_factory=list)  # screen titles


@dataclass
class LearnerRow:
    application: Application
    cells: list[Cell]

    def with_status(self, status: str) -> list[Cell]:
        return [c for c in self.cells if c.status == status]

    @property
    def done(self) -> list[Cell]:
        return self.with_status(DONE)

    @property
    def practising(self) -> list[Cell]:
        return [c for c in self.with_status(PRACTISING) if not c.needs_help]

    @property
    def needs_help(self) -> list[Cell]:
        return [c for c in self.cells if c.needs_help]

    @property
    def not_tried(self) -> int:
        return len(self.with_status(NOT_TRIED))


@dataclass
class ScenarioCount:
    scenario: engine.Scenario
    done: int
    practising: int
    needs_help: int


@dataclass
class ClassOverview:
    rows: list[LearnerRow]
    by_scenario: list[ScenarioCount]


def _screen_title(scenario: engine.Scenario, screen_id: str) -> str:
    try:
        return scenario.screen(screen_id).title
    except KeyError:  # a screen of an older version of the file
        return screen_id


def _cell(scenario: engine.Scenario, tries: list[Tried]) -> Cell:
    if not tries:
        return Cell(scenario=scenario, status=NOT_TRIED)
    if any(t.is_evidence for t in tries):
        return Cell(scenario=scenario, status=DONE, tries=len(tries))
    recent = tries[-RECENT:]
    struggling = (
        sum(t.wrong_taps for t in recent) >= HELP_WRONG_TAPS * len(recent)
        or sum(t.hints for t in recent) >= HELP_HINTS * len(recent)
        or tries[-1].timeouts > 0
        or (len(recent) == RECENT and not any(t.goal_reached for t in recent))
    )
    where = Counter(screen for t in recent for screen in t.trouble)
    return Cell(
        scenario=scenario, status=PRACTISING, tries=len(tries), needs_help=struggling,
        trouble=[_screen_title(scenario, s) for s, _n in where.most_common(TROUBLE_SHOWN)]
        if struggling else [],
    )


def class_overview(course_class: CourseClass) -> ClassOverview:
    """Each confirmed learner × scenario: not tried, practising (needs help?) or done.

    Two queries: the applications with their learners, and the learners' attempts.
    """
    applications = list(confirmed_applications(course_class).select_related("learner"))
    tries: dict[tuple[int, str], list[Tried]] = defaultdict(list)
    attempts = Attempt.objects.filter(
        learner_id__in=[a.learner_id for a in applications],
    ).only(*FIGURE_FIELDS).order_by("started_at")
    for attempt in attempts:
        tries[attempt.learner_id, attempt.scenario].append(Tried.of(attempt))
    all_scenarios = list(engine.scenarios().values())
    rows = [
        LearnerRow(application=a, cells=[
            _cell(s, tries.get((a.learner_id, s.slug), [])) for s in all_scenarios
        ])
        for a in applications
    ]
    by_scenario = [
        ScenarioCount(
            scenario=s,
            done=sum(1 for r in rows if r.cells[i].status == DONE),
            practising=sum(1 for r in rows if r.cells[i].status == PRACTISING),
            needs_help=sum(1 for r in rows if r.cells[i].needs_help),
        )
        for i, s in enumerate(all_scenarios)
    ]
    return ClassOverview(rows=rows, by_scenario=by_scenario)


# --- Evidence for the competency record ----------------------------------------------


@dataclass(frozen=True)
class ScenarioEvidence:
    slug: str
    title: str
    items: tuple[str, ...]
    times: int
    last: datetime


@dataclass(frozen=True)
class AreaEvidence:
    area: str
    label: str
    scenarios: tuple[ScenarioEvidence, ...]


def competency_evidence(learners: Sequence[Any]) -> dict[int, list[AreaEvidence]]:
    """Per learner (id): the scenarios done in real-life mode (goal reached), by assessment area.

    `learners` are Learner objects or ids. One query. A learner without
    evidence has no key.
    """
    ids = [getattr(learner, "pk", learner) for learner in learners]
    rows = (
        Attempt.objects.filter(learner_id__in=ids, mode=PracticeMode.REAL, goal_reached=True)
        .values("learner_id", "scenario").annotate(times=Count("id"), last=Max("started_at"))
        .order_by("learner_id", "scenario")
    )
    per_learner: dict[int, dict[str, list[ScenarioEvidence]]] = defaultdict(dict)
    for row in rows:
        scenario = engine.scenario_get(row["scenario"])
        if scenario is None:
            continue
        per_learner[row["learner_id"]].setdefault(scenario.area, []).append(ScenarioEvidence(
            slug=scenario.slug, title=scenario.title, items=scenario.items,
            times=row["times"], last=row["last"],
        ))
    labels = dict(Area.choices)
    return {
        learner_id: [
            AreaEvidence(area=area, label=str(labels.get(area, area)), scenarios=tuple(found))
            for area in (a for a in engine.AREAS if a in by_area)
            for found in [by_area[area]]
        ]
        for learner_id, by_area in per_learner.items()
    }
