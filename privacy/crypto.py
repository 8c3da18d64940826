"""Authenticated encryption of personal data at rest (AES-256-GCM).

Keys come from settings.PII_ENCRYPTION_KEYS, "id:base64key,id:base64key",
newest first: the first key encrypts, every listed key decrypts, so keys can
be rotated (see docs/personal-data.md and `manage.py pii_rotate_keys`).

A ciphertext is stored as text: ``v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``.
The associated data binds it to its column ("app_label.model.field"): a value
copied into another column, or edited in the database, fails to decrypt.

Without configured keys a fixed development key (id "dev") is used so that
the site runs out of the box; the deployment check privacy.E001 refuses it.
"""

import base64
import binascii
import functools
import hashlib
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM standard nonce; random per value
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

DEV_KEY_ID = "dev"
# Public on purpose: anyone can decrypt what it encrypts. Development and tests only.
INSECURE_DEV_ENCRYPTION_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"baeumteo insecure development PII encryption key").digest()
).decode()
INSECURE_DEV_BLIND_INDEX_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"baeumteo insecure development PII blind index key").digest()
).decode()
BLIND_INDEX_MIN_BYTES = 32


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong column, unknown key or tampering."""


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes

    def __repr__(self) -> str:  # never print key material in tracebacks or logs
        return f"Key(key_id={self.key_id!r})"


def decode_key(text: str) -> bytes:
    """Standard or URL-safe base64, with or without padding."""
    text = text.strip()
    padded = text + "=" * (-len(text) % 4)
    altchars = b"-_" if ("-" in text or "_" in text) else None
    try:
        return base64.b64decode(padded.encode("ascii"), altchars=altchars, validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured("A personal-data key is not valid base64.") from exc


def parse_keys(value: str) -> list[Key]:
    """Parse "id:base64key,id:base64key"; raise ImproperlyConfigured when malformed."""
    keys: list[Key] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID_PATTERN.match(key_id):
            raise ImproperlyConfigured(
                "PII_ENCRYPTION_KEYS entries must look like 'id:base64key' "
                "(id: letters, digits, '-' or '_')."
            )
        secret = decode_key(encoded)
        if len(secret) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"PII_ENCRYPTION_KEYS key {key_id!r} must be {KEY_BYTES} bytes, "
                f"not {len(secret)}."
            )
        if any(key.key_id == key_id for key in keys):
            raise ImproperlyConfigured(f"PII_ENCRYPTION_KEYS lists key {key_id!r} twice.")
        keys.append(Key(key_id, secret))
    return keys


@functools.lru_cache(maxsize=8)
def _keyring(value: str) -> tuple[Key, ...]:
    # Cached per settings value, so override_settings in tests takes effect at once.
    keys = parse_keys(value)
    if not keys:
        keys = [Key(DEV_KEY_ID, decode_key(INSECURE_DEV_ENCRYPTION_KEY))]
    return tuple(keys)


def keyring() -> tuple[Key, ...]:
    """The configured keys, primary (encrypting) key first."""
    return _keyring(settings.PII_ENCRYPTION_KEYS or "")


def primary_key_id() -> str:
    return keyring()[0].key_id


def uses_dev_key() -> bool:
    dev_secret = decode_key(INSECURE_DEV_ENCRYPTION_KEY)
    return any(key.key_id == DEV_KEY_ID or key.secret == dev_secret for key in keyring())


def _associated_data(key_id: str, context: str) -> bytes:
    return f"{VERSION}:{key_id}:{context}".encode()


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt with the primary key; `context` names the column ("app.model.field")."""
    key = keyring()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key.secret).encrypt(
        nonce, plaintext.encode("utf-8"), _associated_data(key.key_id, context),
    )
    payload = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{VERSION}:{key.key_id}:{payload}"


def key_id_of(token: str) -> str:
    """The id of the key that encrypted `token`."""
    version, sep, rest = token.partition(":")
    key_id, sep2, _payload = rest.partition(":")
    if version != VERSION or not sep or not sep2 or not key_id:
        raise DecryptionError("The stored value is not a ciphertext in a known format.")
    return key_id


def decrypt(token: str, *, context: str) -> str:
    """Decrypt a value written by `encrypt` for the same `context`."""
    key_id = key_id_of(token)
    payload = token.split(":", 2)[2]
    key = next((key for key in keyring() if key.key_id == key_id), None)
    if key is None:
        raise DecryptionError(
            f"The value for {context} was encrypted with key {key_id!r}, "
            "which is not in PII_ENCRYPTION_KEYS."
        )
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError(f"The value for {context} is not valid base64.") from exc
    if len(raw) <= NONCE_BYTES:
        raise DecryptionError(f"The value for {context} is truncated.")
    try:
        plaintext = AESGCM(key.secret).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(key_id, context),
        )
    except InvalidTag as exc:
        raise DecryptionError(
            f"The value for {context} failed authentication: it belongs to another "
            "column, or was altered."
        ) from exc
    return plaintext.decode("utf-8")


def generate_key_line(key_id: str) -> str:
    """A fresh "id:base64key" entry for PII_ENCRYPTION_KEYS."""
    if not KEY_ID_PATTERN.match(key_id):
        raise ValueError("A key id is 1–32 letters, digits, '-' or '_'.")
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()}"


# --- Blind-index key -------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _blind_index_key(value: str) -> bytes:
    secret = decode_key(value or INSECURE_DEV_BLIND_INDEX_KEY)
    if len(secret) < BLIND_INDEX_MIN_BYTES:
        raise ImproperlyConfigured(
            f"PII_BLIND_INDEX_KEY must be at least {BLIND_INDEX_MIN_BYTES} bytes."
        )
    return secret


def blind_index_key() -> bytes:
    return _blind_index_key(settings.PII_BLIND_INDEX_KEY or "")


def uses_dev_blind_index_key() -> bool:
    return blind_index_key() == decode_key(INSECURE_DEV_BLIND_INDEX_KEY)
