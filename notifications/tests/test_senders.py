import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test.utils import override_settings

from notifications.fake_nhn import FakeNhn
from notifications.senders import (
    ConsoleSender,
    FileSender,
    NhnSender,
    PermanentFailure,
    TemporaryFailure,
    euc_kr_length,
    euc_kr_safe,
    sender_get,
    sms_type,
)

SHORT = "[디지털배움터] 인증번호는 123456 입니다."
LONG = (
    "[디지털배움터] 김영희님, 수강이 확정되었습니다.\n스마트폰 첫걸음 · 역삼1동 디지털배움터\n"
    "첫 수업: 2026년 12월 9일 오후 2:00"
)


def test_it_counts_hangul_as_two_bytes_like_the_carriers() -> None:
    assert euc_kr_length("가나다") == 6
    assert euc_kr_length("abc 123") == 7
    assert sms_type("가" * 45) == "SMS"
    assert sms_type("가" * 45 + "a") == "LMS"
    assert (sms_type(SHORT), sms_type(LONG)) == ("SMS", "LMS")


def test_it_picks_the_sender_the_settings_name(tmp_path: Path) -> None:
    with override_settings(SMS_BACKEND="console"):
        assert isinstance(sender_get(), ConsoleSender)
    with override_settings(SMS_BACKEND="file", SMS_FILE_PATH=str(tmp_path / "sms.jsonl")):
        assert isinstance(sender_get(), FileSender)
    with override_settings(SMS_BACKEND="carrier-pigeon"), pytest.raises(ValueError):
        sender_get()


def test_it_logs_a_message_with_the_console_sender(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="notifications.senders"):
        assert ConsoleSender().send(phone="01012345678", body=SHORT, message_id=7) == "console-7"
    assert "01012345678" in caplog.text and "123456" in caplog.text


def test_it_appends_json_lines_with_the_file_sender(tmp_path: Path) -> None:
    path = tmp_path / "var" / "sms.jsonl"
    sender = FileSender(path)
    sender.send(phone="01012345678", body=SHORT, message_id=1)
    sender.send(phone="01098765432", body=LONG, message_id=2)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["to"], line["type"]) for line in lines] == [
        (1, "01012345678", "SMS"), (2, "01098765432", "LMS"),
    ]
    assert lines[1]["body"] == LONG


def test_it_sends_a_short_text_as_an_sms(nhn: NhnSender, fake_nhn: FakeNhn) -> None:
    request_id = nhn.send(phone="01012345678", body=SHORT, message_id=1)
    [received] = fake_nhn.received
    assert (received.kind, received.recipient, received.body) == ("SMS", "01012345678", SHORT)
    assert received.title is None and received.send_no == "18000000"
    assert request_id == received.request_id


def test_it_sends_a_long_text_as_an_lms_with_a_title(nhn: NhnSender, fake_nhn: FakeNhn) -> None:
    nhn.send(phone="01012345678", body=LONG, message_id=1)
    [received] = fake_nhn.received
    assert received.kind == "LMS" and received.body == LONG
    assert received.title  # the LMS endpoint refuses a message without one


def test_it_refuses_for_good_a_number_the_provider_calls_invalid(
    nhn: NhnSender, fake_nhn: FakeNhn,
) -> None:
    with pytest.raises(PermanentFailure, match="-2019"):
        nhn.send(phone="0101234", body=SHORT, message_id=1)
    assert fake_nhn.received == []


def test_it_refuses_for_good_a_recipient_error_inside_a_successful_answer(
    nhn: NhnSender, monkeypatch: pytest.MonkeyPatch, fake_nhn: FakeNhn,
) -> None:
    original = fake_nhn.handle

    def handle(path, headers, raw):  # type: ignore[no-untyped-def]
        status, answer = original(path, headers, raw)
        answer["body"]["data"]["sendResultList"][0]["resultCode"] = -2019
        return status, answer

    monkeypatch.setattr(fake_nhn, "handle", handle)
    with pytest.raises(PermanentFailure):
        nhn.send(phone="01012345678", body=SHORT, message_id=1)


@pytest.mark.parametrize("code", [-9999, -1000, -2312, -2021])
def test_it_retries_after_an_error_answer_that_may_pass(
    nhn: NhnSender, fake_nhn: FakeNhn, code: int,
) -> None:
    fake_nhn.answer_error(code, "System error.")
    with pytest.raises(TemporaryFailure, match=str(code)):
        nhn.send(phone="01012345678", body=SHORT, message_id=1)


def test_it_retries_after_a_server_error(nhn: NhnSender, fake_nhn: FakeNhn) -> None:
    fake_nhn.answer_http(503)
    with pytest.raises(TemporaryFailure, match="503"):
        nhn.send(phone="01012345678", body=SHORT, message_id=1)


def test_it_gives_up_waiting_after_the_timeout(nhn: NhnSender, fake_nhn: FakeNhn) -> None:
    fake_nhn.answer_slowly(2.0)
    with pytest.raises(TemporaryFailure, match="unreachable"):
        nhn.send(phone="01012345678", body=SHORT, message_id=1)


def test_it_retries_while_the_provider_is_down(nhn: NhnSender, fake_nhn: FakeNhn) -> None:
    fake_nhn.go_down()
    with pytest.raises(TemporaryFailure, match="unreachable"):
        nhn.send(phone="01012345678", body=SHORT, message_id=1)
    fake_nhn.come_back()
    nhn.send(phone="01012345678", body=SHORT, message_id=1)
    assert len(fake_nhn.received) == 1


def test_a_wrong_secret_key_is_an_error_an_operator_can_fix(fake_nhn: FakeNhn) -> None:
    sender = NhnSender(
        base_url=fake_nhn.url, app_key=fake_nhn.app_key, secret_key="wrong", send_no="18000000",
    )
    with pytest.raises(TemporaryFailure, match="-1000"):
        sender.send(phone="01012345678", body=SHORT, message_id=1)


def test_it_only_calls_http_urls() -> None:
    with pytest.raises(ValueError):
        NhnSender(base_url="file:///etc/passwd", app_key="a", secret_key="b", send_no="1")


def test_it_drops_accents_and_emoji_that_carriers_cannot_carry() -> None:
    assert euc_kr_safe("Nguyễn Thị Hồng 님 😀") == "Nguyen Thi Hong 님 "
    assert euc_kr_safe(LONG) == LONG


def test_it_delivers_a_vietnamese_name_without_its_accents(
    nhn: NhnSender, fake_nhn: FakeNhn,
) -> None:
    body = "[디지털배움터] Nguyễn Thị Lan님, 수강이 확정되었습니다."
    nhn.send(phone="01012345678", body=body, message_id=1)
    [received] = fake_nhn.received
    assert received.body == "[디지털배움터] Nguyen Thi Lan님, 수강이 확정되었습니다."


def test_the_fake_refuses_what_nhn_refuses(fake_nhn: FakeNhn) -> None:
    """The fake is only worth testing against if it is as strict as NHN."""
    raw = NhnSender(
        base_url=fake_nhn.url, app_key=fake_nhn.app_key, secret_key=fake_nhn.secret_key,
        send_no="18000000",
    )
    _, answer = fake_nhn.handle(
        urlsplit(raw.url("SMS")).path,
        {"X-Secret-Key": fake_nhn.secret_key, "Content-Type": "application/json"},
        json.dumps(raw.payload(phone="01012345678", body="Nguyễn", kind="SMS")).encode(),
    )
    assert answer is not None and answer["header"]["resultCode"] == -2023
