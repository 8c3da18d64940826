"""Progress in plain words, the class at a glance, and the competency evidence."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from attendance.testing import running_class
from enrollment.models import Application
from kiosk import engine, selectors
from kiosk.models import PracticeMode
from kiosk.tests.test_services import CAFE, clumsy_events, record

pytestmark = pytest.mark.django_db


def ago(days: int) -> Any:
    return timezone.now() - timedelta(days=days, minutes=5)


def cafe() -> engine.Scenario:
    scenario = engine.scenario_get(CAFE)
    assert scenario is not None
    return scenario


@pytest.fixture
def taught(people: Any) -> tuple[Any, list[Application]]:
    return running_class(people, learners=3)


def test_progress_says_how_often_and_that_wrong_taps_went_down(
    taught: tuple[Any, list[Application]],
) -> None:
    application = taught[1][0]
    record(application, clumsy_events(), mode=PracticeMode.PRACTICE, started_at=ago(3))
    record(application, clumsy_events(), mode=PracticeMode.PRACTICE, started_at=ago(2))
    record(application, mode=PracticeMode.REAL, started_at=ago(1))
    with override("en"):
        (progress,) = selectors.progress_summary(selectors.learner_attempts(application.learner_id))
    assert progress.tries == 3 and progress.reached_real
    assert progress.sentences == [
        "You have tried this 3 times.",
        "Wrong taps went down from 1 the first time to 0 last time.",
        "You reached the goal in real-life mode.",
    ]


def test_progress_without_real_life_success_suggests_the_next_step(
    taught: tuple[Any, list[Application]],
) -> None:
    application = taught[1][0]
    record(application, mode=PracticeMode.GUIDED, started_at=ago(2))
    with override("en"):
        (progress,) = selectors.progress_summary(selectors.learner_attempts(application.learner_id))
    assert not progress.reached_real
    assert progress.sentences[-1] == (
        "You reached the goal in Follow along mode. Next, try real-life mode."
    )


def test_progress_reads_in_korean(taught: tuple[Any, list[Application]]) -> None:
    application = taught[1][0]
    record(application, clumsy_events(), mode=PracticeMode.PRACTICE, started_at=ago(2))
    record(application, mode=PracticeMode.REAL, started_at=ago(1))
    with override("ko"):
        (progress,) = selectors.progress_summary(selectors.learner_attempts(application.learner_id))
    assert any("2" in sentence for sentence in progress.sentences)


def test_the_class_overview_tells_who_needs_help_where(
    taught: tuple[Any, list[Application]],
) -> None:
    course_class, (done, struggling, idle) = taught
    record(done, mode=PracticeMode.REAL)
    for days in (3, 2):
        record(struggling, clumsy_events(), mode=PracticeMode.PRACTICE, started_at=ago(days))
    # Then timed out in real life and gave up (a wrong tap, a time-out, no goal).
    gave_up = clumsy_events(PracticeMode.REAL)[:4]
    assert gave_up[-1]["type"] == "timeout"
    record(struggling, gave_up, mode=PracticeMode.REAL, started_at=ago(1))
    overview = selectors.class_overview(course_class)
    rows = {row.application.pk: row for row in overview.rows}
    scenario_index = list(engine.scenarios()).index(CAFE)
    assert rows[done.pk].cells[scenario_index].status == selectors.DONE
    help_cell = rows[struggling.pk].cells[scenario_index]
    assert help_cell.status == selectors.PRACTISING and help_cell.needs_help
    titles = {cafe().screen("options").title, cafe().screen("menu-drinks").title}
    assert set(help_cell.trouble) == titles
    assert rows[struggling.pk].needs_help == [help_cell]
    assert rows[idle.pk].not_tried == len(engine.scenarios())
    counts = overview.by_scenario[scenario_index]
    assert (counts.done, counts.practising, counts.needs_help) == (1, 1, 1)


def test_a_learner_doing_well_does_not_need_help(taught: tuple[Any, list[Application]]) -> None:
    course_class, (application, *_rest) = taught
    record(application, clumsy_events(), mode=PracticeMode.PRACTICE, started_at=ago(2))
    record(application, mode=PracticeMode.PRACTICE, started_at=ago(1))
    (row, *_others) = selectors.class_overview(course_class).rows
    assert row.needs_help == [] and [c.scenario.slug for c in row.practising] == [CAFE]


def test_evidence_is_real_life_goals_by_area(taught: tuple[Any, list[Application]]) -> None:
    _course_class, (first, second, third) = taught
    record(first, mode=PracticeMode.REAL, started_at=ago(2))
    record(first, mode=PracticeMode.REAL, started_at=ago(1))
    record(second, mode=PracticeMode.PRACTICE)  # not real-life: no evidence
    record(third, clumsy_events()[:3], mode=PracticeMode.REAL)  # goal not reached
    evidence = selectors.competency_evidence([a.learner for a in (first, second, third)])
    assert list(evidence) == [first.learner_id]
    (area,) = evidence[first.learner_id]
    assert area.area == cafe().area
    (scenario,) = area.scenarios
    assert (scenario.slug, scenario.times, scenario.items) == (CAFE, 2, cafe().items)


def test_query_counts_do_not_grow_with_learners_or_attempts(people: Any) -> None:
    course_class, applications = running_class(people, learners=6)
    for application in applications:
        record(application, clumsy_events(), mode=PracticeMode.PRACTICE, started_at=ago(2))
        record(application, mode=PracticeMode.REAL, started_at=ago(1))
    with CaptureQueriesContext(connection) as overview_queries:
        selectors.class_overview(course_class)
    with CaptureQueriesContext(connection) as evidence_queries:
        selectors.competency_evidence([a.learner_id for a in applications])
    with CaptureQueriesContext(connection) as progress_queries:
        selectors.progress_summary(selectors.learner_attempts(applications[0].learner_id))
    assert len(overview_queries) == 2
    assert len(evidence_queries) == 1
    assert len(progress_queries) == 1


def test_device_attempts_are_replayed_and_bad_ones_left_out() -> None:
    good = {"scenario": CAFE, "version": cafe().version, "mode": "practice",
            "started_at": ago(1).isoformat(), "events": clumsy_events(), "wrong_taps": 0}
    bad = [
        {**good, "events": [{"type": "tap", "t": 0, "screen": "menu", "element": "x"}]},
        {**good, "started_at": "yesterday"},
        {**good, "started_at": "2026-01-01T10:00:00"},
        {**good, "mode": "cheat"},
        {**good, "mode": "real"},  # a hint in real-life mode: not sent by the page
        "not an attempt",
    ]
    kept = selectors.device_attempts([good, *bad], limit=10)
    (tried,) = kept.tries
    assert (tried.wrong_taps, tried.hints, tried.timeouts) == (1, 1, 0)
    assert kept.outdated == 0  # made up, not made on an earlier machine
    assert selectors.device_attempts([good] * 5, limit=2) != selectors.device_attempts(
        [good] * 5, limit=3,
    )
    assert selectors.device_attempts({"not": "a list"}, limit=5).tries == []


def test_device_attempts_of_an_earlier_machine_are_counted_not_shown() -> None:
    good = {"scenario": CAFE, "version": cafe().version, "mode": "real",
            "started_at": ago(1).isoformat(), "events": clumsy_events(PracticeMode.REAL)}
    # A button the machine had before its file changed.
    gone = {**good, "version": "older", "events": [
        {"type": "tap", "t": 1000, "screen": "home", "element": "eat-in-old"},
    ]}
    still_fits = {**good, "version": "older"}
    kept = selectors.device_attempts([gone, good, gone, still_fits], limit=10)
    assert kept.outdated == 2
    assert len(kept.tries) == 2
