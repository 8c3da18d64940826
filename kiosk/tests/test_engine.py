"""The scenario format: the validator over every file, the machine's rules, replay."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kiosk import engine

CAFE = json.loads((engine.SCENARIO_DIR / "cafe-order.json").read_text(encoding="utf-8"))


def scenario_of(data: dict[str, Any], slug: str = "test") -> engine.Scenario:
    return engine.parse(json.dumps(data, ensure_ascii=False).encode(), slug=slug)


def problems_of(data: dict[str, Any]) -> list[str]:
    return engine.scenario_problems(scenario_of(data))


def screen_of(data: dict[str, Any], screen_id: str) -> dict[str, Any]:
    return next(s for s in data["screens"] if s["id"] == screen_id)


def element_of(data: dict[str, Any], screen_id: str, element_id: str) -> dict[str, Any]:
    return next(e for e in screen_of(data, screen_id)["elements"] if e["id"] == element_id)


@pytest.mark.parametrize("path", sorted(engine.SCENARIO_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_scenario_file_is_valid(path: Path) -> None:
    assert engine.scenario_problems(engine.load(path)) == []


def test_the_command_checks_every_file_and_fails_on_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("kiosk_validate")
    assert "no problems" in capsys.readouterr().out
    broken = copy.deepcopy(CAFE)
    screen_of(broken, "options")["say"] = ""
    (tmp_path / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("kiosk_validate", str(tmp_path / "broken.json"))
    assert "options: say is empty" in capsys.readouterr().err


def test_there_are_eight_kiosks_and_two_apps() -> None:
    kinds = [scenario.kind for scenario in engine.scenarios().values()]
    assert kinds.count("kiosk") >= 8
    assert kinds.count("app") >= 2


def test_it_finds_an_unreachable_screen() -> None:
    data = copy.deepcopy(CAFE)
    data["screens"].append({**copy.deepcopy(screen_of(data, "done")), "id": "lonely"})
    assert "lonely: unreachable from the start screen" in problems_of(data)


def test_it_finds_a_dead_end() -> None:
    data = copy.deepcopy(CAFE)
    screen = screen_of(data, "paying")
    del screen["auto_to"]
    assert "paying: a dead end (no way on, and not an end screen)" in problems_of(data)


def test_it_finds_a_trap_with_no_way_back() -> None:
    data = copy.deepcopy(CAFE)
    screen = screen_of(data, "insert-card")
    screen["elements"] = [e for e in screen["elements"] if e["id"] != "back"]
    problems = problems_of(data)
    assert [p[:18] for p in problems] == ["insert-card: with "], problems
    assert problems[0].endswith(
        "the goal can no longer be reached (give a way back: 이전, 처음으로 or 취소)",
    )


def test_it_finds_missing_texts_and_broken_references() -> None:
    data = copy.deepcopy(CAFE)
    del element_of(data, "options", "ice")["hint"]
    del element_of(data, "options", "shot")["help"]
    screen_of(data, "point")["text"] = "{nothing}"
    problems = problems_of(data)
    assert "options.ice: on the way to the goal, so it needs a hint" in problems
    assert "options.shot: never on the way, so it needs help (what it does)" in problems
    assert "point: text shows {nothing}, which no element sets" in problems
    data["goal"]["state"]["cup"] = "종이"
    problems = problems_of(data)
    assert "goal.state: 'cup' is never set by any element" in problems
    assert "the goal cannot be reached from the start" in problems
    element_of(data, "pay", "card")["to"] = "nowhere"
    assert problems_of(data) == ["pay.card: goes to 'nowhere', which does not exist"]


def test_it_refuses_a_file_that_is_not_a_scenario() -> None:
    with pytest.raises(engine.ScenarioError):
        engine.parse(b'{"title": "x"}', slug="x")
    with pytest.raises(engine.ScenarioError):
        engine.parse(b"not json", slug="x")


def test_the_guided_way_is_the_shortest_in_file_order() -> None:
    path = engine.machine(scenario_of(CAFE)).guided_path()
    assert path == [
        ("home", "take-out"), ("menu", "americano"), ("options", "ice"), ("options", "large"),
        ("options", "add"), ("menu", "pay"), ("point", "skip"), ("pay", "card"),
        ("insert-card", "insert"), ("paying", None),
    ]


def events_for(path: list[tuple[str, str | None]]) -> list[engine.Event]:
    return [
        engine.Event(type="tap" if element else "auto", t=i * 1000, screen=screen, element=element)
        for i, (screen, element) in enumerate(path)
    ]


def test_replay_of_the_guided_way_reaches_the_goal_without_mistakes() -> None:
    scenario = scenario_of(CAFE)
    result = engine.replay(scenario, events_for(engine.machine(scenario).guided_path() or []))
    assert (result.finished, result.goal_reached) == (True, True)
    assert (result.wrong_taps, result.hints) == (0, 0)
    assert result.steps == 9


def test_replay_counts_a_wrong_tap_a_hint_and_a_time_out_once_each() -> None:
    scenario = scenario_of(CAFE)
    events = [
        engine.Event(type="tap", t=0, screen="home", element="take-out"),
        engine.Event(type="tap", t=1, screen="menu", element="tab-drinks"),  # free: looking around
        engine.Event(type="tap", t=2, screen="menu-drinks", element="lemonade"),  # wrong
        engine.Event(type="hint", t=3, screen="options"),
        engine.Event(type="timeout", t=4, screen="options"),
        engine.Event(type="tap", t=5, screen="home", element="take-out"),
    ]
    result = engine.replay(scenario, events)
    assert (result.wrong_taps, result.hints, result.timeouts) == (1, 1, 1)
    assert result.trouble == ["menu-drinks", "options", "options"]
    assert (result.screen, result.state) == ("menu", {"where": "포장"})  # the time-out started over


def test_a_choice_that_leads_away_from_the_goal_is_a_wrong_tap() -> None:
    scenario = scenario_of(CAFE)
    path = [("home", "take-out"), ("menu", "americano"), ("options", "hot"), ("options", "ice")]
    result = engine.replay(scenario, events_for(path))
    assert result.wrong_taps == 1  # HOT; ICE afterwards puts it right


def test_finishing_with_another_order_is_not_the_goal() -> None:
    scenario = scenario_of(CAFE)
    path = [("home", "eat-in"), *(engine.machine(scenario).guided_path() or [])[1:]]
    # The guided way from the start assumes 포장; with 매장 chosen the same taps end elsewhere.
    result = engine.replay(scenario, events_for(path))
    assert result.finished and not result.goal_reached
    assert result.wrong_taps >= 1


def test_replay_refuses_events_that_do_not_fit() -> None:
    scenario = scenario_of(CAFE)
    with pytest.raises(engine.ReplayError):
        engine.replay(scenario, [engine.Event(type="tap", t=0, screen="menu", element="americano")])
    with pytest.raises(engine.ReplayError):
        engine.replay(scenario, [engine.Event(type="tap", t=0, screen="home", element="nope")])
    with pytest.raises(engine.ReplayError):
        engine.replay(scenario, [engine.Event(type="auto", t=0, screen="home")])


def test_it_fills_chosen_values_and_says_none_yet_once_for_a_run_with_nothing_chosen() -> None:
    text = "담은 음료: {drink} {temp} {size} · 결제: {pay}"
    assert engine.fill(text, {}, "아직 없음") == "담은 음료: 아직 없음 · 결제: 아직 없음"
    assert engine.fill(text, {"drink": "아메리카노", "size": "라지"}, "아직 없음") == (
        "담은 음료: 아메리카노 라지 · 결제: 아직 없음"
    )
    assert engine.fill("{front}-{back}", {"front": "500101"}) == "500101--"


def test_it_finds_items_that_are_not_in_the_item_bank() -> None:
    known = sorted(engine.item_keys())[:1]
    assert known, "the assessment item bank is empty"
    assert problems_of({**CAFE, "items": known}) == []
    problems = problems_of({**CAFE, "items": [*known, "no-such-item", *known]})
    assert any("'no-such-item' is not an assessment item" in p for p in problems)
    assert any(f"{known[0]!r} is named twice" in p for p in problems)
