"""Model fields and helpers for personal data at rest.

EncryptedTextField stores AES-GCM ciphertext (privacy.crypto) and hands the
plaintext to Python. Ciphertexts are randomised, so the database cannot
compare them: to find a row by a personal value, store its blind index
(`blind_index`) in a normal indexed CharField beside it and filter on that.
"""

import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _

from privacy import crypto
from privacy.phone import format_phone, normalize_phone

__all__ = [
    "EncryptedTextField",
    "blind_index",
    "format_phone",
    "normalize_phone",
    "normalize_text",
]


class EncryptedTextField(models.TextField):
    """Text encrypted at rest; the ciphertext is bound to this column.

    None is stored as NULL and "" as "" (an empty value is not secret);
    everything else is stored as "v1:<key id>:<ciphertext>". Only `isnull`
    lookups work: filter on a blind-index column instead.

    The column's name ("app_label.model.field") is part of the ciphertext's
    associated data, so renaming the model or the field makes existing values
    unreadable. Pass `context="<old name>"` to keep them readable after a rename.
    """

    description = _("Encrypted text")

    def __init__(self, *args: Any, context: str | None = None, **kwargs: Any) -> None:
        self._context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self._context is not None:
            kwargs["context"] = self._context
        return name, path, args, kwargs

    @property
    def context(self) -> str:
        """The associated data that binds ciphertexts to this column."""
        return self._context or f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value, context=self.context)

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper,
    ) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.context)

    def _refuse(self, lookup_name: str) -> FieldError:
        return FieldError(
            f"{self.context} is encrypted with random nonces and cannot be searched with "
            f"'{lookup_name}'; only 'isnull' works. Filter on its blind index instead."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise self._refuse(lookup_name)
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise self._refuse(lookup_name)


def normalize_text(value: str) -> str:
    """Compatibility-normalised, case-folded, single-spaced text."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


# Each purpose has its own normal form; an unknown purpose is a typo, not a new index.
NORMALIZERS: dict[str, Callable[[str], str]] = {
    "phone": normalize_phone,
    "name": normalize_text,
}


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value, keyed with PII_BLIND_INDEX_KEY.

    Equal values give equal indexes ("010-1234-5678" and "01012345678" for
    purpose "phone"), so the index can be searched; without the key it reveals
    nothing. The purpose is mixed in, so indexes of different kinds never match.
    An empty value gives "" (no index). A phone that is not a valid Korean
    number raises ValidationError.
    """
    try:
        normalize = NORMALIZERS[purpose]
    except KeyError:
        raise ValueError(f"Unknown blind-index purpose {purpose!r}.") from None
    if not value or not value.strip():
        return ""
    message = f"{purpose}\x00{normalize(value)}".encode()
    return hmac.new(crypto.blind_index_key(), message, hashlib.sha256).hexdigest()
