"""Senders: what actually hands a text message to someone who delivers it.

`sender_get()` picks one by settings.SMS_BACKEND:

- "console": writes the message to the log (development, demos);
- "file": appends one JSON line per message to SMS_FILE_PATH (tests, staging);
- "nhn": NHN Cloud Notification SMS, API v3.0 (production), see docs/notifications.md.

A sender returns the provider's id of the message, or raises
`TemporaryFailure` (the worker tries again later) or `PermanentFailure` (the
message can never be delivered: the worker marks it failed at once).

The NHN client uses the standard library's urllib rather than an HTTP
library: it makes one POST per message with a timeout, which urllib does
well, and the worker gains nothing from connection pools or async.
"""

import json
import logging
import threading
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

log = logging.getLogger(__name__)

# A text of at most this many bytes in EUC-KR goes as an SMS; a longer one as
# an LMS (long message, up to 2,000 bytes). Carriers count Hangul as 2 bytes.
SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000


class SendError(Exception):
    """The message was not delivered."""


class TemporaryFailure(SendError):
    """Not delivered now; trying again later may work (outage, timeout, 5xx)."""


class PermanentFailure(SendError):
    """Never deliverable as it is (an invalid number, characters the network refuses)."""


def euc_kr_length(text: str) -> int:
    """The length carriers bill by: bytes in EUC-KR (a character it lacks counts as 2)."""
    return sum(len(char.encode("euc-kr", errors="ignore")) or 2 for char in text)


def euc_kr_safe(text: str) -> str:
    """`text` with what EUC-KR lacks made sendable: "Nguyễn Thị" → "Nguyen Thi".

    Carriers take EUC-KR only and NHN refuses a message with any other
    character (-2023). Learners from multicultural families have names with
    Vietnamese or other Latin diacritics: their accents are dropped rather
    than the whole message lost. What has no plain form (emoji) is left out.
    """
    kept: list[str] = []
    for char in text:
        try:
            char.encode("euc-kr")
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char)
            kept.extend(c for c in plain if not unicodedata.combining(c) and _encodable(c))
        else:
            kept.append(char)
    return "".join(kept)


def _encodable(char: str) -> bool:
    try:
        char.encode("euc-kr")
    except UnicodeEncodeError:
        return False
    return True


def sms_type(text: str) -> str:
    """ "SMS" for a text that fits in one short message, else "LMS"."""
    return "SMS" if euc_kr_length(text) <= SMS_MAX_BYTES else "LMS"


class Sender(Protocol):
    def send(self, *, phone: str, body: str, message_id: int) -> str:
        """Deliver `body` to `phone`; return the provider's id of the message."""


class ConsoleSender:
    """Logs the message. For development: nothing leaves the machine."""

    def send(self, *, phone: str, body: str, message_id: int) -> str:
        log.info("SMS #%s to %s (%s):\n%s", message_id, phone, sms_type(body), body)
        return f"console-{message_id}"


class FileSender:
    """Appends one JSON object per line to `path`, as a provider would have received it."""

    _lock = threading.Lock()

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, *, phone: str, body: str, message_id: int) -> str:
        record = {
            "id": message_id, "type": sms_type(body), "to": phone, "body": body,
            "at": timezone.now().isoformat(),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
        return f"file-{message_id}"


# NHN Cloud SMS result codes (docs.nhncloud.com, Notification > SMS > Error Codes)
# after which the same request can never succeed. Every other failure is
# retried: the configuration errors (-1000 invalid appKey, -1004 IP not allowed,
# -2312 unregistered sender number …) are fixed by an operator, and the
# messages should go out once they are, not be thrown away.
NHN_PERMANENT_CODES = {
    4,      # parameter validation failed (body or title too long)
    -2001,  # recipient is missing
    -2014,  # title or body is missing
    -2018,  # recipient number is missing
    -2019,  # recipient number is invalid
    -2023,  # title or body has characters that are not allowed (e.g. emoji)
    -6001,  # the number rejected advertising calls (080 call rejection)
}


@dataclass
class NhnSender:
    """NHN Cloud Notification SMS, API v3.0.

    POST {base_url}/sms/v3.0/appKeys/{app_key}/sender/sms (or /sender/mms for
    a long message) with the X-Secret-Key header and a JSON body; the answer's
    header.isSuccessful and resultCode, then each recipient's resultCode, say
    what happened.
    """

    base_url: str
    app_key: str
    secret_key: str
    send_no: str
    timeout: float = 10.0

    def __post_init__(self) -> None:
        # urlopen also opens file: and ftp: URLs; only the provider's http(s) is meant.
        if not self.base_url.startswith(("https://", "http://")):
            raise ValueError("NHN_SMS_BASE_URL must be an http(s) URL")

    def url(self, kind: str) -> str:
        path = "sms" if kind == "SMS" else "mms"
        return f"{self.base_url.rstrip('/')}/sms/v3.0/appKeys/{self.app_key}/sender/{path}"

    def payload(self, *, phone: str, body: str, kind: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "body": body,
            "sendNo": self.send_no.replace("-", ""),
            "recipientList": [{"recipientNo": phone}],
        }
        if kind == "LMS":
            with translation.override(settings.LANGUAGE_CODE):
                data["title"] = gettext("Digital Learning Centre")
        return data

    def send(self, *, phone: str, body: str, message_id: int) -> str:
        body = euc_kr_safe(body)
        kind = sms_type(body)
        if euc_kr_length(body) > LMS_MAX_BYTES:
            raise PermanentFailure(f"the text is longer than {LMS_MAX_BYTES} bytes")
        request = urllib.request.Request(  # noqa: S310 - http(s) only, see __post_init__
            self.url(kind),
            data=json.dumps(self.payload(phone=phone, body=body, kind=kind)).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json;charset=UTF-8",
                "X-Secret-Key": self.secret_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            # NHN answers its own errors with 200 and isSuccessful=false; an HTTP
            # error is the gateway or a server in trouble (or a wrong base URL).
            raise TemporaryFailure(f"HTTP {error.code} from NHN Cloud") from error
        except (OSError, urllib.error.URLError) as error:  # refused, reset, timed out, DNS
            raise TemporaryFailure(f"NHN Cloud unreachable: {error}") from error
        try:
            answer = json.loads(raw)
            header = answer["header"]
        except (ValueError, KeyError, TypeError) as error:
            raise TemporaryFailure("NHN Cloud answered something that is not its JSON") from error
        if not header.get("isSuccessful"):
            self._fail(header.get("resultCode"), header.get("resultMessage"))
        data = (answer.get("body") or {}).get("data") or {}
        for result in data.get("sendResultList") or []:
            if result.get("resultCode") not in (0, None):
                self._fail(result.get("resultCode"), result.get("resultMessage"))
        request_id = data.get("requestId") or ""
        if not request_id:
            raise TemporaryFailure("NHN Cloud accepted the request but gave no requestId")
        return str(request_id)

    @staticmethod
    def _fail(code: Any, message: Any) -> None:
        text = f"NHN Cloud resultCode {code}: {message or ''}".strip()
        if code in NHN_PERMANENT_CODES:
            raise PermanentFailure(text)
        raise TemporaryFailure(text)


def sender_get() -> Sender:
    """The sender settings.SMS_BACKEND names."""
    backend = settings.SMS_BACKEND
    if backend == "console":
        return ConsoleSender()
    if backend == "file":
        return FileSender(settings.SMS_FILE_PATH)
    if backend == "nhn":
        return NhnSender(
            base_url=settings.NHN_SMS_BASE_URL, app_key=settings.NHN_SMS_APP_KEY,
            secret_key=settings.NHN_SMS_SECRET_KEY, send_no=settings.SMS_SENDER_NUMBER,
            timeout=settings.NHN_SMS_TIMEOUT,
        )
    raise ValueError(f"Unknown SMS_BACKEND {backend!r}: use console, file or nhn.")

