"""Masked forms of personal data for lists, exports and screens that need no more.

The rules follow common Korean practice: a name keeps its first and last
syllable, a phone number keeps its prefix and last four digits.
"""

from django.core.exceptions import ValidationError

from privacy.phone import normalize_phone, split_phone

MASK = "*"


def _mask_word(word: str) -> str:
    """Keep the first and the last character: 홍길동 → 홍*동, 김철 → 김*."""
    if len(word) <= 1:
        return MASK * len(word)
    if len(word) == 2:
        return word[0] + MASK
    return word[0] + MASK * (len(word) - 2) + word[-1]


def mask_name(name: str | None) -> str:
    """홍길동 → 홍*동, 김철 → 김*, 남궁민수 → 남**수, "John Smith" → "J*** S****".

    A one-word name (every Korean name) keeps its first and last character; a
    name of several words (most foreign names) keeps each word's initial only.
    """
    words = (name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return _mask_word(words[0])
    return " ".join(word[0] + MASK * (len(word) - 1) for word in words)


def mask_phone(phone: str | None) -> str:
    """01012345678 → 010-****-5678, 0212345678 → 02-****-5678, 021235678 → 02-***-5678.

    Never raises: text that is not a phone number keeps only its last four digits.
    """
    if not phone:
        return ""
    try:
        digits = normalize_phone(phone)
    except ValidationError:
        positions = [i for i, char in enumerate(phone) if char.isdigit()]
        keep = set(positions[-4:])
        return "".join(
            MASK if char.isdigit() and i not in keep else char for i, char in enumerate(phone)
        )
    prefix, middle, last = split_phone(digits)
    return f"{prefix}-{MASK * len(middle)}-{last}"


def birth_year_band(year: int | None, *, width: int = 10) -> str:
    """The band a birth year falls in: 1957 → "1950–1959" (width 10)."""
    if not year:
        return ""
    start = year - year % width
    return f"{start}–{start + width - 1}"
