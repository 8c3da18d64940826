"""Scenarios A (fast food, KTX, bus, hospital): the way to the goal and its mistakes."""

from collections.abc import Sequence

import pytest

from kiosk import engine
from kiosk.testing import WAIT, events_for, scenario_named

SLUGS = ("fastfood-order", "train-ticket", "bus-ticket", "hospital-reception")


def scenario_of(slug: str) -> engine.Scenario:
    return scenario_named(slug)


def play(slug: str, steps: Sequence[str | None], *, then_guided: bool = False) -> engine.Replay:
    """Tap the elements (WAIT: let the screen move on) and replay the events on the server's rules.

    With then_guided, go on the guided way (as a hint would) until an end screen.
    """
    scenario = scenario_of(slug)
    return engine.replay(scenario, events_for(scenario, steps, then_guided=then_guided))


def guided_steps(slug: str, *, until: str | None = None) -> list[str | None]:
    """The guided way's steps, up to (not including) the first step on screen `until`."""
    path = engine.machine(scenario_of(slug)).guided_path()
    assert path is not None
    screens = [screen for screen, _ in path]
    end = screens.index(until) if until else len(path)
    return [element for _, element in path[:end]]


@pytest.mark.parametrize("slug", SLUGS)
def test_it_reaches_the_goal_on_the_guided_way_without_a_wrong_tap(slug: str) -> None:
    steps = guided_steps(slug)
    result = play(slug, steps)
    assert (result.finished, result.goal_reached) == (True, True)
    assert (result.wrong_taps, result.hints, result.timeouts) == (0, 0, 0)
    assert result.steps == sum(1 for step in steps if step is not None)


@pytest.mark.parametrize("slug", SLUGS)
def test_it_stays_small_and_names_real_assessment_items(slug: str) -> None:
    # The validator itself runs over every file in test_engine.py.
    scenario = scenario_of(slug)
    assert len(engine.machine(scenario).states) < 30_000
    assert 10 <= len(scenario.screens) <= 20
    assert 60 <= scenario.idle_seconds <= 120
    assert scenario.items and set(scenario.items) <= engine.item_keys()


@pytest.mark.parametrize(("slug", "until", "mistake", "trouble"), [
    # 단품 instead of 세트: the burger is chosen again as a set.
    ("fastfood-order", None, ["take-out", "bulgogi", "single"], ["choose-type"]),
    # 매장 instead of 포장: 처음으로 on the menu is the way back, not another mistake.
    ("fastfood-order", None, ["eat-in", "home"], ["home"]),
    # The sold-out 9 o'clock KTX: 확인 goes back to the list.
    ("train-ticket", "trains", ["ktx-0900", "ok"], ["trains"]),
    # Searching without changing the adult fare to 경로, then 이전.
    ("train-ticket", "passengers", ["search", "back"], ["passengers"]),
    # The slow 무궁화호 instead of the KTX.
    ("train-ticket", "trains", ["mugunghwa", "back"], ["trains"]),
    # 프리미엄 instead of 우등 at the same time.
    ("bus-ticket", "times", ["b1030p", "back"], ["times"]),
    # Both counted as adults.
    ("bus-ticket", "passengers", ["adult-2"], ["passengers"]),
    # A seat where the two cannot sit together.
    ("bus-ticket", "seats", ["s4"], ["seats"]),
    # Paying before registering.
    ("hospital-reception", None, ["payment", "back"], ["home"]),
    # The medical card the learner does not have.
    ("hospital-reception", None, ["reception", "card", "back"], ["id-method"]),
    # The wrong department, undone before registering.
    ("hospital-reception", "dept", ["internal", "back"], ["dept"]),
])
def test_it_counts_a_typical_mistake_once_and_it_can_be_undone(
    slug: str, until: str | None, mistake: list[str | None], trouble: list[str],
) -> None:
    before = guided_steps(slug, until=until) if until else []
    result = play(slug, [*before, *mistake], then_guided=True)
    assert result.goal_reached
    assert result.wrong_taps == 1
    assert result.trouble == trouble


PAY_BY_CARD = ["pay", "card", "insert", WAIT, WAIT]


@pytest.mark.parametrize(("slug", "until", "steps"), [
    # Paid by card instead of KakaoPay.
    ("fastfood-order", "pay-method", ["card", "insert", WAIT, WAIT]),
    # Kept the set's cola.
    ("fastfood-order", "set-compose",
     ["done", "skip", "pay", "pay", "kakaopay", "scan", WAIT, WAIT]),
    # Bought an adult ticket, not the senior fare.
    ("train-ticket", "passengers", ["search", "ktx-0930", "s7a", "next", *PAY_BY_CARD]),
    # A backward-facing window seat.
    ("train-ticket", "seat", ["s8a", "next", *PAY_BY_CARD]),
    # The premium bus at 10:30.
    ("bus-ticket", "times", ["b1030p", "senior-1", "next", "s5", "s6", "next", *PAY_BY_CARD]),
    # Only the prescription, no receipt.
    ("hospital-reception", "print-choice", ["rx", WAIT]),
])
def test_it_finishes_without_the_goal_after_a_wrong_choice(
    slug: str, until: str, steps: list[str | None],
) -> None:
    result = play(slug, [*guided_steps(slug, until=until), *steps])
    assert result.finished
    assert not result.goal_reached
    assert result.wrong_taps >= 1
