"""Builders for assessment tests: a small bank with known parameters, a fixed form."""

from assessment.models import Area, Form, FormItem, Item, ItemLevel, ItemVersion, ParameterSource

LEVEL_DIFFICULTY = {ItemLevel.BASIC: -1.0, ItemLevel.EVERYDAY: 0.0, ItemLevel.ADVANCED: 1.0}


def small_bank(per_area: int = 6) -> list[ItemVersion]:
    """`per_area` items in each of the five areas, difficulties spread around the level's."""
    versions = []
    levels = list(ItemLevel)
    for area in Area:
        for n in range(per_area):
            level = levels[n % len(levels)]
            item = Item.objects.create(key=f"{area.value}-{n:03d}", area=area, level=level)
            versions.append(ItemVersion.objects.create(
                item=item, version=1, stem=f"{area.label} 문제 {n + 1}",
                options=[{"key": "a", "text": "이것"}, {"key": "b", "text": "저것"},
                         {"key": "c", "text": "다른 것"}],
                answer="a", a=1.0 + 0.1 * (n % 5), b=LEVEL_DIFFICULTY[level] + 0.2 * (n // 3),
                c=0.0, source=ParameterSource.EXPERT,
            ))
    return versions


def fixed_form(versions: list[ItemVersion], *, key: str = "test-form", size: int = 10) -> Form:
    form = Form.objects.create(key=key, name="시험용 고정 문항지")
    for position, version in enumerate(versions[:size], start=1):
        FormItem.objects.create(form=form, item_version=version, position=position)
    return form
