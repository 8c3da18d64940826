"""Computerized adaptive testing over the item bank: pure functions, no database.

- ability: expected a posteriori (EAP) with a standard-normal prior, on a
  fixed quadrature grid; its standard error is the posterior standard
  deviation. EAP stays finite when every answer so far is right (or wrong),
  which MLE does not.
- item selection: maximum Fisher information (catsim's `irt.inf_hpc`) at the
  current estimate, inside the area furthest below its share of the test
  (content balancing, Kingsbury & Zara), picking at random among the few most
  informative items (randomesque exposure control, Kingsbury & Zara 1989).
- stopping: the standard error reaches the target after a minimum number of
  items, or the item cap is reached, or the bank runs out.

The services (`assessment.services`) keep the state in the database and call
these functions with it, so a sitting can stop and resume at any answer.
"""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from catsim import irt

# Quadrature grid for EAP: θ from −4 to 4.
GRID = np.linspace(-4.0, 4.0, 81)
PRIOR = np.exp(-0.5 * GRID**2)


@dataclass(frozen=True)
class BankItem:
    id: int
    area: str
    a: float
    b: float
    c: float = 0.0


@dataclass(frozen=True)
class CatRules:
    se_target: float = 0.30
    min_items: int = 10
    max_items: int = 30
    # Choose at random among this many most informative items (exposure control).
    randomesque: int = 3
    # Every area gets at least this many items before the test may stop.
    min_per_area: int = 2


@dataclass(frozen=True)
class Estimate:
    theta: float
    se: float


class Bank:
    """The items a test may draw from, as the arrays catsim works on."""

    def __init__(self, items: Sequence[BankItem]) -> None:
        self.items = list(items)
        self.index = {item.id: i for i, item in enumerate(self.items)}
        self.params = np.array(
            [[item.a, item.b, item.c, 1.0] for item in self.items], dtype=float,
        ).reshape(-1, 4)
        self.areas = np.array([item.area for item in self.items])

    def __len__(self) -> int:
        return len(self.items)

    def rows(self, ids: Sequence[int]) -> np.ndarray:
        return self.params[[self.index[i] for i in ids]]


def estimate(bank: Bank, answered: Sequence[tuple[int, bool]]) -> Estimate:
    """EAP estimate of θ from (item id, correct) pairs; the prior alone when empty."""
    posterior = PRIOR.copy()
    if answered:
        rows = bank.rows([item_id for item_id, _ in answered])
        correct = np.array([ok for _, ok in answered], dtype=bool)
        p = irt.icc_hpc(GRID[:, None], rows)  # grid × items
        likelihood = np.where(correct, p, 1.0 - p).prod(axis=1)
        posterior = posterior * likelihood
    posterior = posterior / posterior.sum()
    theta = float((GRID * posterior).sum())
    se = float(np.sqrt(((GRID - theta) ** 2 * posterior).sum()))
    return Estimate(theta=theta, se=se)


def _area_to_fill(bank: Bank, used: Sequence[int], areas: Sequence[str]) -> str | None:
    """The area furthest below an equal share, among areas with items left."""
    counts = Counter(bank.items[bank.index[i]].area for i in used)
    left = {area for area in areas if any(
        item.area == area and item.id not in set(used) for item in bank.items
    )}
    if not left:
        return None
    return min(sorted(left), key=lambda area: counts[area])


def next_item(
    bank: Bank, answered: Sequence[tuple[int, bool]], rules: CatRules, rng: random.Random,
) -> int | None:
    """The id of the next item to show, or None when the bank is used up."""
    used = [item_id for item_id, _ in answered]
    areas = sorted(set(bank.areas.tolist()))
    area = _area_to_fill(bank, used, areas)
    if area is None:
        return None
    theta = estimate(bank, answered).theta
    info = irt.inf_hpc(theta, bank.params)
    used_set = set(used)
    candidates = [
        i for i in np.argsort(-info)
        if bank.items[i].area == area and bank.items[i].id not in used_set
    ]
    chosen = candidates[: max(1, rules.randomesque)]
    return bank.items[rng.choice(chosen)].id


def should_stop(
    bank: Bank, answered: Sequence[tuple[int, bool]], current: Estimate, rules: CatRules,
) -> bool:
    count = len(answered)
    if count >= min(rules.max_items, len(bank)):
        return True
    if count < rules.min_items:
        return False
    per_area = Counter(bank.items[bank.index[i]].area for i, _ in answered)
    areas = set(bank.areas.tolist())
    if any(per_area[area] < rules.min_per_area for area in areas):
        return False
    return current.se <= rules.se_target
