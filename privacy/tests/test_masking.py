import pytest
from django.template import Context, Template

from privacy.masking import birth_year_band, mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("홍길동", "홍*동"),
        ("김철", "김*"),
        ("남궁민수", "남**수"),
        ("황보은비나", "황***나"),
        ("이", "*"),
        ("  홍길동 ", "홍*동"),
        ("John Smith", "J*** S****"),
        ("Nguyen Thi Lan", "N***** T** L**"),
        ("응우옌 티 란", "응** 티 란"),
        ("Maria", "M***a"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_names(name: str | None, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("01012345678", "010-****-5678"),
        ("010-1234-5678", "010-****-5678"),
        ("0111234567", "011-***-4567"),
        ("021235678", "02-***-5678"),
        ("0212345678", "02-****-5678"),
        ("0311234567", "031-***-4567"),
        ("07012345678", "070-****-5678"),
        ("12345", "*2345"),
        ("tel 99-1234", "tel **-1234"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_phone_numbers(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("year", "band"), [(1957, "1950–1959"), (1960, "1960–1969"), (None, "")],
)
def test_it_bands_birth_years(year: int | None, band: str) -> None:
    assert birth_year_band(year) == band


def test_it_bands_birth_years_in_five() -> None:
    assert birth_year_band(1957, width=5) == "1955–1959"


def test_its_template_filters_mask() -> None:
    template = Template(
        "{% load privacy %}{{ name|mask_name }} {{ phone|mask_phone }} {{ phone|format_phone }}"
    )
    rendered = template.render(Context({"name": "홍길동", "phone": "01012345678"}))
    assert rendered == "홍*동 010-****-5678 010-1234-5678"
