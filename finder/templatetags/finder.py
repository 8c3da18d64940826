from datetime import date, time

from django import template

from finder import formatting

register = template.Library()


@register.filter
def day_label(value: date) -> str:
    return formatting.day_label(value)


@register.filter
def clock(value: time) -> str:
    return formatting.clock(value)


@register.filter
def distance(km: float | None) -> str:
    return formatting.distance(km)
