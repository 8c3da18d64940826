"""The demo programme, seeded app by app.

Each app that contributes demo data has a `demo.py` module with an `ORDER`
(smaller runs first, following the data flow regions → centres → accounts →
classes …) and a `seed(context)` function. Seeding is reproducible (one
random generator seeded from `--seed`) and idempotent (running it twice adds
nothing the second time).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any, Literal

from django.apps import apps

Scale = Literal["small", "national"]


@dataclass
class DemoContext:
    scale: Scale
    rng: random.Random
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, password, role
    notes: list[str] = field(default_factory=list)


def demo_modules() -> list[ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if find_spec(config.name) and find_spec(name):
            modules.append(import_module(name))
    return sorted(modules, key=lambda module: module.ORDER)


def demo_seed(*, scale: Scale, seed: int) -> DemoContext:
    context = DemoContext(scale=scale, rng=random.Random(seed))
    for module in demo_modules():
        module.seed(context)
    return context


def in_chunks(queryset: Any, size: int) -> Iterator[list[Any]]:
    """The rows of a queryset ordered by pk, `size` at a time (keyset paging, no OFFSET)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        last = chunk[-1].pk
        yield chunk
