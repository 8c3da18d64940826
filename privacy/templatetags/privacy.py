"""{% load privacy %}{{ learner.name|mask_name }} {{ learner.phone|mask_phone }}"""

from django import template

from privacy import masking
from privacy.phone import format_phone as _format_phone

register = template.Library()


@register.filter
def mask_name(value: str | None) -> str:
    return masking.mask_name(value)


@register.filter
def mask_phone(value: str | None) -> str:
    return masking.mask_phone(value)


@register.filter
def format_phone(value: str | None) -> str:
    """The full number, hyphenated. Only where the viewer may see it, logged."""
    return _format_phone(value or "")


@register.filter
def birth_year_band(value: int | None) -> str:
    return masking.birth_year_band(value)
