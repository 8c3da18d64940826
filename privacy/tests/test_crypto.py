import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from privacy import crypto
from privacy.tests.keys import NEW, OLD, key


def test_it_decrypts_what_it_encrypts() -> None:
    token = crypto.encrypt("홍길동 010-1234-5678", context="accounts.user.phone")
    assert token.startswith("v1:dev:")
    assert "홍길동" not in token and "010-1234-5678" not in token
    assert crypto.decrypt(token, context="accounts.user.phone") == "홍길동 010-1234-5678"


def test_it_encrypts_the_same_value_differently_each_time() -> None:
    first = crypto.encrypt("01012345678", context="accounts.user.phone")
    second = crypto.encrypt("01012345678", context="accounts.user.phone")
    assert first != second


def test_it_refuses_a_value_moved_to_another_column() -> None:
    token = crypto.encrypt("01012345678", context="accounts.user.phone")
    with pytest.raises(crypto.DecryptionError, match="another column"):
        crypto.decrypt(token, context="learners.learner.phone")


def test_it_refuses_a_tampered_value() -> None:
    token = crypto.encrypt("01012345678", context="accounts.user.phone")
    prefix, payload = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[-1] ^= 1
    tampered = f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"
    with pytest.raises(crypto.DecryptionError, match="altered"):
        crypto.decrypt(tampered, context="accounts.user.phone")


def test_it_refuses_a_value_that_is_not_a_ciphertext() -> None:
    with pytest.raises(crypto.DecryptionError, match="known format"):
        crypto.decrypt("01012345678", context="accounts.user.phone")


def test_it_names_the_missing_key_of_a_value() -> None:
    with override_settings(PII_ENCRYPTION_KEYS=OLD):
        token = crypto.encrypt("01012345678", context="accounts.user.phone")
    with override_settings(PII_ENCRYPTION_KEYS=NEW), pytest.raises(
        crypto.DecryptionError, match="'old'",
    ):
        crypto.decrypt(token, context="accounts.user.phone")


def test_it_encrypts_with_the_first_key_and_decrypts_with_any() -> None:
    with override_settings(PII_ENCRYPTION_KEYS=OLD):
        old_token = crypto.encrypt("01012345678", context="c")
    with override_settings(PII_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        new_token = crypto.encrypt("01012345678", context="c")
        assert crypto.key_id_of(new_token) == "new"
        assert crypto.decrypt(old_token, context="c") == "01012345678"
        assert crypto.decrypt(new_token, context="c") == "01012345678"


@pytest.mark.parametrize(
    "config",
    [
        "nocolon",
        f"k1:{base64.b64encode(b'too short').decode()}",
        "k1:!!not base64!!",
        f"k1:{key('a')},k1:{key('b')}",
        f"bad id:{key('a')}",
    ],
)
def test_it_refuses_malformed_key_settings(config: str) -> None:
    with override_settings(PII_ENCRYPTION_KEYS=config), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context="c")


def test_it_accepts_standard_and_url_safe_base64_keys() -> None:
    secret = bytes(range(250, 256)) * 5 + b"\xfb\xff"  # encodes with + and / or - and _
    standard = base64.b64encode(secret).decode()
    urlsafe = base64.urlsafe_b64encode(secret).decode().rstrip("=")
    assert standard != urlsafe
    assert crypto.parse_keys(f"a:{standard}")[0].secret == secret
    assert crypto.parse_keys(f"a:{urlsafe}")[0].secret == secret


def test_it_never_shows_key_material_in_its_repr() -> None:
    parsed = crypto.parse_keys(NEW)[0]
    assert NEW.split(":")[1] not in repr(parsed)
    assert "new" in repr(parsed)


def test_it_generates_a_usable_key_line(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("pii_generate_key", "--id", "k2027")
    line = capsys.readouterr().out.strip()
    assert line.startswith("k2027:")
    with override_settings(PII_ENCRYPTION_KEYS=line):
        assert crypto.keyring()[0].key_id == "k2027"
        assert crypto.decrypt(crypto.encrypt("값", context="c"), context="c") == "값"


def test_it_generates_a_blind_index_key(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("pii_generate_key", "--blind-index")
    value = capsys.readouterr().out.strip()
    assert len(crypto.decode_key(value)) == 32
