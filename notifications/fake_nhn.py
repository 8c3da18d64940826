"""A local stand-in for NHN Cloud's SMS API v3.0, for tests and for trying the worker by hand.

It speaks the part of the protocol Baeumteo uses — POST
/sms/v3.0/appKeys/{appKey}/sender/sms and …/sender/mms with the X-Secret-Key
header — answers in NHN's envelope ({"header": {"isSuccessful",
"resultCode", "resultMessage"}, "body": {"data": {"requestId", "statusCode",
"sendResultList": […]}}}), records what it accepted, and can be told to
misbehave: answer an error code, answer HTTP 5xx, answer too late, or be down
(connections refused).

    python -m notifications.fake_nhn --port 9090
    SMS_BACKEND=nhn NHN_SMS_BASE_URL=http://127.0.0.1:9090 NHN_SMS_APP_KEY=fake-app-key \\
        NHN_SMS_SECRET_KEY=fake-secret-key .venv/bin/python manage.py notifications_send --once

Only the standard library: it checks the client, so it shares no code with it.
"""

import argparse
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

APP_KEY = "fake-app-key"
SECRET_KEY = "fake-secret-key"  # noqa: S105 - the fake's own, known to everyone
SMS_MAX_BYTES = 90
PATH = re.compile(r"^/sms/v3\.0/appKeys/(?P<app_key>[^/]+)/sender/(?P<kind>sms|mms)$")
# A Korean mobile number, as NHN expects it: digits only.
MOBILE = re.compile(r"^01[016789]\d{7,8}$")


@dataclass
class Received:
    kind: str  # "SMS" or "LMS"
    recipient: str
    body: str
    title: str | None
    send_no: str
    request_id: str


@dataclass
class Behaviour:
    mode: str = "ok"  # ok | error | http | slow
    result_code: int = 0
    result_message: str = ""
    http_status: int = 500
    delay: float = 0.0


def euc_kr_length(text: str) -> int:
    return sum(len(char.encode("euc-kr", errors="ignore")) or 2 for char in text)


@dataclass
class FakeNhn:
    """The fake server. `start()` serves on a thread; `url` is the base URL to configure."""

    host: str = "127.0.0.1"
    port: int = 0
    app_key: str = APP_KEY
    secret_key: str = SECRET_KEY
    received: list[Received] = field(default_factory=list)
    requests: int = 0  # every request that reached it, accepted or not
    behaviour: Behaviour = field(default_factory=Behaviour)
    _server: "_Server | None" = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- lifecycle -----------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "FakeNhn":
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server((self.host, self.port), handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- what it should do -----------------------------------------------------

    def go_down(self) -> None:
        """Stop listening: clients get "connection refused", as in an outage."""
        self.stop()

    def come_back(self) -> None:
        """Listen again on the same port, answering normally."""
        self.answer_ok()
        if self._server is None:
            self.start()

    def answer_ok(self) -> None:
        self.behaviour = Behaviour()

    def answer_error(self, code: int, message: str = "error") -> None:
        """Answer HTTP 200 with isSuccessful=false and this resultCode."""
        self.behaviour = Behaviour(mode="error", result_code=code, result_message=message)

    def answer_http(self, status: int = 500) -> None:
        self.behaviour = Behaviour(mode="http", http_status=status)

    def answer_slowly(self, seconds: float) -> None:
        """Answer (normally) only after `seconds`: longer than the client's timeout."""
        self.behaviour = Behaviour(mode="slow", delay=seconds)

    # --- the protocol --------------------------------------------------------------

    def handle(self, path: str, headers: Any, raw: bytes) -> tuple[int, dict[str, Any] | None]:
        with self._lock:
            self.requests += 1
        behaviour = self.behaviour
        if behaviour.mode == "slow":
            time.sleep(behaviour.delay)
        if behaviour.mode == "http":
            return behaviour.http_status, None
        if behaviour.mode == "error":
            return 200, _envelope(behaviour.result_code, behaviour.result_message)
        match = PATH.match(path)
        if match is None:
            return 200, _envelope(-9998, "Not exist API.")
        if match["app_key"] != self.app_key or headers.get("X-Secret-Key") != self.secret_key:
            return 200, _envelope(-1000, "Invalid appKey.")
        if not (headers.get("Content-Type") or "").startswith("application/json"):
            return 200, _envelope(-9996, "Only application/json Content-type is supported.")
        try:
            data = json.loads(raw)
            recipients = data["recipientList"]
            body = data["body"]
            send_no = data["sendNo"]
        except (ValueError, KeyError, TypeError):
            return 200, _envelope(-9997, "Invalid API parameters.")
        kind = "SMS" if match["kind"] == "sms" else "LMS"
        title = data.get("title")
        if not body or (kind == "LMS" and not title):
            return 200, _envelope(-2014, "Title or body is missing.")
        try:
            (body + (title or "")).encode("euc-kr")
        except UnicodeEncodeError:
            return 200, _envelope(-2023, "Title or body includes characters that are not allowed.")
        if kind == "SMS" and euc_kr_length(body) > SMS_MAX_BYTES:
            # Stricter than NHN (which cuts the text off): a client bug shows up in tests.
            return 200, _envelope(4, "SMS body is longer than 90 bytes.")
        if not recipients:
            return 200, _envelope(-2001, "RecipientList can not be null.")
        numbers = [str(recipient.get("recipientNo", "")) for recipient in recipients]
        if any(not MOBILE.match(number) for number in numbers):
            return 200, _envelope(-2019, "Recipient number is invalid.")
        request_id = datetime.now().strftime("%Y%m%d%H%M%S") + secrets.token_urlsafe(8)[:11]
        with self._lock:
            self.received.extend(
                Received(kind, number, body, title, send_no, request_id) for number in numbers
            )
        answer = _envelope(0, "SUCCESS")
        answer["body"] = {"data": {
            "requestId": request_id,
            "statusCode": "2",
            "senderGroupingKey": None,
            "sendResultList": [
                {
                    "recipientNo": number, "resultCode": 0, "resultMessage": "SUCCESS",
                    "recipientSeq": seq, "recipientGroupingKey": None,
                }
                for seq, number in enumerate(numbers, start=1)
            ],
        }}
        return 200, answer


def _envelope(code: int, message: str) -> dict[str, Any]:
    return {
        "header": {"isSuccessful": code == 0, "resultCode": code, "resultMessage": message},
        "body": None,
    }


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True  # come_back() listens again on the same port at once
    daemon_threads = True
    verbose = False


class _Handler(BaseHTTPRequestHandler):
    fake: FakeNhn

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        status, answer = self.fake.handle(self.path, self.headers, raw)
        payload = json.dumps(answer, ensure_ascii=False).encode() if answer else b"Server Error"
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9090)
    parser.add_argument("--app-key", default=APP_KEY)
    parser.add_argument("--secret-key", default=SECRET_KEY)
    options = parser.parse_args()
    fake = FakeNhn(
        host=options.host, port=options.port, app_key=options.app_key,
        secret_key=options.secret_key,
    ).start()
    assert fake._server is not None
    fake._server.verbose = True
    print(f"Fake NHN Cloud SMS at {fake.url} (appKey {fake.app_key}, secret {fake.secret_key})")
    seen = 0
    try:
        while True:
            time.sleep(0.5)
            for message in fake.received[seen:]:
                print(f"--- {message.kind} to {message.recipient} ({message.request_id})")
                print(message.body)
            seen = len(fake.received)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
