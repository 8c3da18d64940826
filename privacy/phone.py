"""Korean telephone numbers: one normal form (digits only) for storage and lookup."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Prefix → allowed lengths of the subscriber part (middle + last four digits).
MOBILE_PREFIXES = {"010": (8,), "011": (7, 8), "016": (7, 8), "017": (7, 8), "018": (7, 8),
                   "019": (7, 8)}
SEOUL_PREFIX = "02"
AREA_PREFIXES = {
    "031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055",
    "061", "062", "063", "064",
}
INTERNET_PHONE_PREFIX = "070"

# What people type around the digits: spaces, hyphens, dots, brackets.
_SEPARATORS = re.compile(r"[\s\-.()]+")

INVALID_PHONE = _("Enter a valid Korean phone number, such as 010-1234-5678.")


def _prefix_of(digits: str) -> tuple[str, tuple[int, ...]] | None:
    if digits[:3] in MOBILE_PREFIXES:
        return digits[:3], MOBILE_PREFIXES[digits[:3]]
    if digits[:3] in AREA_PREFIXES:
        return digits[:3], (7, 8)
    if digits[:3] == INTERNET_PHONE_PREFIX:
        return digits[:3], (8,)
    if digits[:2] == SEOUL_PREFIX:
        return digits[:2], (7, 8)
    return None


def normalize_phone(value: str) -> str:
    """Digits only, domestic form: "+82 10-1234-5678" → "01012345678".

    Raises ValidationError for anything that is not a Korean mobile, landline
    or internet-phone number.
    """
    # NFKC turns full-width digits and hyphens (typed with a Korean IME) into ASCII.
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    if compact.startswith("+82"):
        compact = "0" + compact[3:].removeprefix("0")
    if not compact.isascii() or not compact.isdigit():
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    found = _prefix_of(compact)
    if found is None or len(compact) - len(found[0]) not in found[1]:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return compact


def split_phone(digits: str) -> tuple[str, str, str]:
    """(prefix, middle, last four) of a normalised number."""
    found = _prefix_of(digits)
    prefix = found[0] if found else ""
    return prefix, digits[len(prefix):-4], digits[-4:]


def format_phone(value: str) -> str:
    """Hyphenated display form, "010-1234-5678"; unparsable input is returned as is."""
    try:
        digits = normalize_phone(value)
    except ValidationError:
        return value
    return "-".join(split_phone(digits))
