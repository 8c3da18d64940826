import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from privacy.fields import blind_index, format_phone, normalize_phone
from privacy.tests.keys import BLIND, key


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("010-1234-5678", "01012345678"),
        ("010 1234 5678", "01012345678"),
        ("(010) 1234.5678", "01012345678"),
        ("+82 10-1234-5678", "01012345678"),
        ("+82-010-1234-5678", "01012345678"),
        ("０１０－１２３４－５６７８", "01012345678"),
        ("011-123-4567", "0111234567"),
        ("02-123-4567", "021234567"),
        ("02-1234-5678", "0212345678"),
        ("+82 2 1234 5678", "0212345678"),
        ("031-123-4567", "0311234567"),
        ("064-1234-5678", "06412345678"),
        ("070-1234-5678", "07012345678"),
    ],
)
def test_it_normalises_korean_numbers(typed: str, digits: str) -> None:
    assert normalize_phone(typed) == digits


@pytest.mark.parametrize(
    "typed",
    [
        "", "hello", "010-1234-567", "010-1234-56789", "1234-5678", "080-123-4567",
        "039-123-4567", "010-1234-567O", "٠١٠-1234-5678", "010-1234-5678 ext 2",
    ],
)
def test_it_refuses_what_is_not_a_korean_number(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone(typed)
    assert info.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("01012345678", "010-1234-5678"),
        ("021234567", "02-123-4567"),
        ("0212345678", "02-1234-5678"),
        ("0311234567", "031-123-4567"),
        ("not a phone", "not a phone"),
    ],
)
def test_it_formats_numbers_for_display(digits: str, shown: str) -> None:
    assert format_phone(digits) == shown


def test_it_indexes_every_spelling_of_a_number_alike() -> None:
    index = blind_index("010-1234-5678", purpose="phone")
    assert len(index) == 64 and int(index, 16) >= 0
    assert blind_index("01012345678", purpose="phone") == index
    assert blind_index("+82 10 1234 5678", purpose="phone") == index
    assert blind_index("010-1234-5679", purpose="phone") != index


def test_it_keeps_indexes_of_different_purposes_apart() -> None:
    assert blind_index("01012345678", purpose="phone") != blind_index(
        "01012345678", purpose="name",
    )


def test_it_normalises_names_for_their_index() -> None:
    assert blind_index(" Kim  Minji ", purpose="name") == blind_index("kim minji", purpose="name")


def test_it_depends_on_the_blind_index_key() -> None:
    dev = blind_index("01012345678", purpose="phone")
    with override_settings(PII_BLIND_INDEX_KEY=BLIND):
        configured = blind_index("01012345678", purpose="phone")
    with override_settings(PII_BLIND_INDEX_KEY=key("another")):
        other = blind_index("01012345678", purpose="phone")
    assert len({dev, configured, other}) == 3


def test_it_refuses_an_unknown_purpose() -> None:
    with pytest.raises(ValueError, match="phones"):
        blind_index("01012345678", purpose="phones")


def test_it_gives_no_index_for_no_value() -> None:
    assert blind_index("", purpose="phone") == ""
    assert blind_index("  ", purpose="name") == ""
