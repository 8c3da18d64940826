"""Scenarios B (민원발급기, 주차 정산, ATM, video call, bank transfer): the ways people really go.

Each test plays taps through the machine as the browser records them and
checks what the server's replay counts: the guided way has no wrong tap,
a typical mistake is counted once and can be undone (or ends the attempt
without the goal, where the real machine would not let it be undone).
"""

import pytest

from kiosk import engine
from kiosk.testing import WAIT, events_for, scenario_named

SLUGS = ["civil-document", "parking-payment", "atm-bill", "app-video-call", "app-bank-transfer"]


def scenario(slug: str) -> engine.Scenario:
    return scenario_named(slug)


def replay(slug: str, steps: list[str | None], *, then_guided: bool = False) -> engine.Replay:
    s = scenario(slug)
    return engine.replay(s, events_for(s, steps, then_guided=then_guided))


@pytest.mark.parametrize("slug", SLUGS)
def test_it_reaches_the_goal_on_the_guided_way_without_a_wrong_tap(slug: str) -> None:
    s = scenario(slug)
    rules = engine.machine(s)
    assert len(rules.states) < 30_000
    path = rules.guided_path()
    assert path is not None
    result = replay(slug, [element for _, element in path])
    assert (result.goal_reached, result.wrong_taps, result.finished) == (True, 0, True)
    assert 8 <= len(path) <= 20
    assert engine.scenario_problems(s) == []


# --- 무인민원발급기 ---------------------------------------------------------------------


def test_it_counts_choosing_the_wrong_document_once_and_lets_it_be_undone() -> None:
    result = replay("civil-document", ["resident", "chobon", "cancel", "deungbon"],
                    then_guided=True)
    assert (result.goal_reached, result.wrong_taps) == (True, 1)
    assert result.trouble == ["resident-menu"]


def test_it_counts_a_fingerprint_that_does_not_match_and_lets_the_learner_try_again() -> None:
    before = ["resident", "deungbon", "ok", "right"]
    result = replay("civil-document", [*before, "other", "retry"], then_guided=True)
    assert (result.goal_reached, result.wrong_taps, result.trouble) == (True, 1, ["fingerprint"])


def test_it_ends_without_the_goal_when_the_wrong_paper_is_taken_away() -> None:
    steps = ["resident", "chobon", "ok", "right", "thumb", WAIT, "addr-no", "members-all",
             "next", "cash", "coins", WAIT, "take"]
    result = replay("civil-document", steps)
    assert result.finished and not result.goal_reached
    assert result.wrong_taps >= 1


# --- 주차 정산 ------------------------------------------------------------------------


def test_it_counts_choosing_someone_elses_car_and_going_back_is_free() -> None:
    result = replay("parking-payment", ["settle", "n3456", "other", "back", "mine"],
                    then_guided=True)
    assert (result.goal_reached, result.wrong_taps, result.trouble) == (True, 1, ["cars"])


def test_it_ends_without_the_goal_when_paying_before_the_discount() -> None:
    steps = ["settle", "n3456", "mine", "pay", "card", "insert", WAIT, "take"]
    result = replay("parking-payment", steps)
    assert result.finished and not result.goal_reached
    # Every tap after skipping the discount leads further from it.
    assert result.trouble == ["fee", "pay-method", "insert-card", "paid"]


# --- ATM 공과금 -----------------------------------------------------------------------


def test_it_counts_a_wrong_pin_and_the_learner_can_enter_it_again() -> None:
    before = ["bills", "giro", "card", "insert", WAIT, "ok"]
    result = replay("atm-bill", [*before, "swapped", "retry"], then_guided=True)
    assert (result.goal_reached, result.wrong_taps, result.trouble) == (True, 1, ["pin"])


def test_it_counts_a_distracting_menu_and_cancel_takes_the_learner_back() -> None:
    result = replay("atm-bill", ["passbook", "cancel"], then_guided=True)
    assert (result.goal_reached, result.wrong_taps, result.trouble) == (True, 1, ["home"])


def test_it_ends_without_the_goal_when_the_receipt_is_not_taken() -> None:
    steps = ["bills", "giro", "card", "insert", WAIT, "ok", "right", WAIT, "skip"]
    result = replay("atm-bill", steps)
    assert (result.finished, result.goal_reached, result.wrong_taps) == (True, False, 1)


# --- 영상통화 -------------------------------------------------------------------------


def test_it_counts_a_voice_call_instead_of_a_video_call_and_it_can_be_ended() -> None:
    before = ["messenger", "jieun", "chat", "call"]
    result = replay("app-video-call", [*before, "voice", "end", "call"], then_guided=True)
    assert (result.goal_reached, result.wrong_taps, result.trouble) == (True, 1, ["call-sheet"])


def test_it_counts_denying_the_camera_and_the_call_can_be_made_again() -> None:
    before = ["messenger", "jieun", "chat", "call", "video"]
    result = replay("app-video-call", [*before, "deny", "ok"], then_guided=True)
    assert (result.goal_reached, result.wrong_taps, result.trouble) == (True, 1, ["perm-camera"])


def test_it_ends_without_the_goal_when_hanging_up_before_the_speaker_is_on() -> None:
    steps = ["messenger", "jieun", "chat", "call", "video", "while", "while", WAIT, "end"]
    result = replay("app-video-call", steps)
    assert (result.finished, result.goal_reached, result.trouble) == (True, False, ["in-call"])


def test_it_lets_the_learner_look_at_the_chats_tab_and_switch_the_camera_freely() -> None:
    steps = ["messenger", "tab-chats", "room-jieun", "call", "video", "while", "while", WAIT,
             "flip", "speaker", "end"]
    result = replay("app-video-call", steps)
    assert (result.goal_reached, result.wrong_taps) == (True, 0)


# --- 은행 앱 이체 (보이스피싱) ----------------------------------------------------------

TO_THE_SCAMMER = ["bank", "right", "transfer", "copied", "a3m", "next"]


def test_it_ends_without_the_goal_when_the_money_goes_to_the_scammer() -> None:
    result = replay("app-bank-transfer", [*TO_THE_SCAMMER, "no", "send", WAIT])
    assert (result.finished, result.goal_reached) == (True, False)
    # Choosing the copied account, the amount, going on, denying the warning, sending.
    assert result.wrong_taps == 5
    assert result.state["to"].startswith("금융보호센터")


def test_it_counts_stopping_at_the_scam_warning_as_the_right_thing_to_do() -> None:
    result = replay("app-bank-transfer", [*TO_THE_SCAMMER, "yes", "again"], then_guided=True)
    assert result.goal_reached
    assert result.trouble == ["recipient", "amount", "amount"]  # not the alert, not the stop


def test_it_counts_saying_yes_to_the_warning_for_a_family_transfer_as_a_wrong_tap() -> None:
    steps = ["bank", "right", "transfer", "jieun", "a50k", "next", "yes", "again"]
    result = replay("app-bank-transfer", steps, then_guided=True)
    assert (result.goal_reached, result.trouble) == (True, ["alert"])


def test_it_lets_the_learner_read_and_block_the_scam_text_without_a_wrong_tap() -> None:
    result = replay("app-bank-transfer", ["sms", "block"], then_guided=True)
    assert (result.goal_reached, result.wrong_taps) == (True, 0)
    copying = replay("app-bank-transfer", ["sms", "copy", WAIT, "back"], then_guided=True)
    assert (copying.goal_reached, copying.trouble) == (True, ["sms-scam"])


def test_it_counts_a_wrong_amount_for_the_daughter_and_lets_it_be_corrected() -> None:
    steps = ["bank", "right", "transfer", "jieun", "a500k", "next", "no", "back", "a50k"]
    result = replay("app-bank-transfer", steps, then_guided=True)
    assert result.goal_reached
    # 50만 원 and 다음; 아니요 leads to the confirmation, whose 이전 fixes the amount.
    assert result.trouble == ["amount", "amount"]
