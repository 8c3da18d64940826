"""Computerized adaptive testing over the item bank: pure functions, no database.

- ability: expected a posteriori (EAP) with a standard-normal prior, on a
  fixed quadrature grid; its standard error is the posterior standard
  deviation. EAP stays finite when every answer so far is right (or wrong),
  which MLE does not.
- item selection: maximum Fisher information (catsim's `irt.inf_hpc`) at the
  current estimate, inside one area chosen by content balancing: first any
  area still below `min_per_area`, then the area furthest below its target
  share of the test (Kingsbury & Zara 1989); ties between areas are broken at
  random, so the first items differ between learners.
- exposure control: randomesque — pick at random among the `randomesque`
  most informative items of that area. It needs no running exposure counts
  (Sympson–Hetter does: a table of per-item admission probabilities tuned by
  simulation and kept up to date as the bank changes), and with a seeded rng
  it is deterministic, so a resumed sitting shows the same question.
- stopping: once `min_items` are answered and every area has
  `min_per_area`, the standard error reaches the target, or (after
  `placement_min_items`) θ̂ ± 1.96 SE contains no placement cut, so the
  recommended level is clear; or the item cap is reached, or the bank runs
  out.

The services (`assessment.services`) keep the state in the database and call
these functions with it, so a sitting can stop and resume at any answer.
`BalancedSelector`, `EapEstimator` and `RulesStopper` wrap the same functions
as catsim components, so catsim's `Simulator` can run this exact procedure
(bench/cat.py).
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from catsim import irt
from catsim.estimation import BaseEstimator
from catsim.selection import BaseSelector
from catsim.stopping import BaseStopper

# Quadrature grid for EAP: θ from −4 to 4 in steps of 0.1, standard-normal prior.
GRID = np.linspace(-4.0, 4.0, 81)
LOG_PRIOR = -0.5 * GRID**2
PRIOR = np.exp(LOG_PRIOR)


@dataclass(frozen=True)
class BankItem:
    id: int
    area: str
    a: float
    b: float
    c: float = 0.0


@dataclass(frozen=True)
class CatRules:
    """The adaptive test's rules; services.RULES holds the ones in use (see docs/assessment.md)."""

    se_target: float = 0.30
    min_items: int = 10
    # 45 of the 123-item bank; most tests end earlier on the placement rule.
    max_items: int = 45
    # Choose at random among this many most informative items (exposure control):
    # 5 instead of 3 cuts the most used item from 82 % to 72 % of learners
    # at no measurable cost in precision.
    randomesque: int = 5
    # Every area gets at least this many items before the test may stop.
    min_per_area: int = 2
    # Target share of the test per area; None: equal shares over the bank's areas.
    area_shares: Mapping[str, float] | None = None
    # Placement stop: after `placement_min_items`, stop once θ̂ ± z·SE contains
    # no placement cut (the level is clear). Empty: no placement stop.
    placement_cuts: tuple[float, ...] = ()
    placement_z: float = 1.96
    placement_min_items: int = 25


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
        self.area_names = sorted(set(self.areas.tolist()))
        codes = {name: code for code, name in enumerate(self.area_names)}
        self.area_codes = np.array([codes[item.area] for item in self.items], dtype=int)
        self.area_sizes = np.bincount(self.area_codes, minlength=len(self.area_names))

    def __len__(self) -> int:
        return len(self.items)

    def positions(self, ids: Sequence[int]) -> np.ndarray:
        return np.array([self.index[i] for i in ids], dtype=int)

    def rows(self, ids: Sequence[int]) -> np.ndarray:
        return self.params[self.positions(ids)]

    def shares(self, rules: CatRules) -> np.ndarray:
        """Target share per area code, normalised over the bank's areas."""
        if rules.area_shares is None:
            weights = np.ones(len(self.area_names))
        else:
            weights = np.array([rules.area_shares.get(name, 0.0) for name in self.area_names])
        total = weights.sum()
        return weights / total if total > 0 else np.full(len(weights), 1 / len(weights))


def eap(
    params: np.ndarray, correct: np.ndarray, shown: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """EAP θ and posterior SD for many learners at once.

    `params` is items × 4 (a, b, c, d); `correct` and `shown` are
    learners × items booleans (an item not shown does not count).
    """
    p = np.clip(irt.icc_hpc(GRID[:, None], params), 1e-10, 1 - 1e-10)  # grid × items
    right = correct & shown
    wrong = ~correct & shown
    log_like = right.astype(float) @ np.log(p).T + wrong.astype(float) @ np.log1p(-p).T
    log_post = log_like + LOG_PRIOR
    log_post -= log_post.max(axis=1, keepdims=True)
    posterior = np.exp(log_post)
    posterior /= posterior.sum(axis=1, keepdims=True)
    theta = posterior @ GRID
    se = np.sqrt(np.maximum(posterior @ GRID**2 - theta**2, 0.0))
    return theta, se


def estimate(bank: Bank, answered: Sequence[tuple[int, bool]]) -> Estimate:
    """EAP estimate of θ from (item id, correct) pairs; the prior alone when empty."""
    if not answered:
        return Estimate(theta=0.0, se=float(np.sqrt((PRIOR * GRID**2).sum() / PRIOR.sum())))
    rows = bank.rows([item_id for item_id, _ in answered])
    correct = np.array([[ok for _, ok in answered]], dtype=bool)
    theta, se = eap(rows, correct, np.ones_like(correct))
    return Estimate(theta=float(theta[0]), se=float(se[0]))


def _area_counts(bank: Bank, used: np.ndarray) -> np.ndarray:
    return np.bincount(bank.area_codes[used], minlength=len(bank.area_names))


def _area_to_fill(
    bank: Bank, used: np.ndarray, rules: CatRules, rng: random.Random,
) -> int | None:
    """The area code to draw from next, or None when the bank is used up.

    Areas below `min_per_area` come first; then the area furthest below its
    target share of the test so far (Kingsbury & Zara); ties at random.
    """
    counts = _area_counts(bank, used)
    open_areas = counts < bank.area_sizes
    if not open_areas.any():
        return None
    below_minimum = open_areas & (counts < rules.min_per_area)
    if below_minimum.any():
        deficit = np.where(below_minimum, rules.min_per_area - counts, -np.inf)
    else:
        deficit = np.where(open_areas, bank.shares(rules) * (len(used) + 1) - counts, -np.inf)
    tied = np.flatnonzero(np.isclose(deficit, deficit.max()))
    return int(tied[rng.randrange(len(tied))]) if len(tied) > 1 else int(tied[0])


def next_item(
    bank: Bank, answered: Sequence[tuple[int, bool]], rules: CatRules, rng: random.Random,
    *, current: Estimate | None = None,
) -> int | None:
    """The id of the next item to show, or None when the bank is used up.

    `current` is the estimate from `answered` when the caller has it already.
    """
    used = bank.positions([item_id for item_id, _ in answered])
    area = _area_to_fill(bank, used, rules, rng)
    if area is None:
        return None
    theta = (current or estimate(bank, answered)).theta
    available = bank.area_codes == area
    available[used] = False
    candidates = np.flatnonzero(available)
    info = irt.inf_hpc(theta, bank.params[candidates])
    best = candidates[np.argsort(-info, kind="stable")[: max(1, rules.randomesque)]]
    return bank.items[int(best[rng.randrange(len(best))])].id


def should_stop(
    bank: Bank, answered: Sequence[tuple[int, bool]], current: Estimate, rules: CatRules,
) -> bool:
    count = len(answered)
    if count >= min(rules.max_items, len(bank)):
        return True
    if count < rules.min_items:
        return False
    counts = _area_counts(bank, bank.positions([item_id for item_id, _ in answered]))
    # An area with fewer items than the minimum cannot hold the test back.
    short = (counts < rules.min_per_area) & (counts < bank.area_sizes)
    if short.any():
        return False
    return current.se <= rules.se_target or _placement_clear(count, current, rules)


def _placement_clear(count: int, current: Estimate, rules: CatRules) -> bool:
    if not rules.placement_cuts or count < rules.placement_min_items:
        return False
    margin = rules.placement_z * current.se
    return all(abs(current.theta - cut) > margin for cut in rules.placement_cuts)


# --- catsim components: the same procedure inside catsim's Simulator ---------------
# catsim identifies items by their row in the item bank; these components
# expect a Bank whose item ids are those rows (0 … n−1).


def _answered_in_simulator(component: Any, index: int) -> list[tuple[int, bool]]:
    simulator = component.simulator
    return list(zip(
        (int(i) for i in simulator.administered_items[index]),
        (bool(r) for r in simulator.response_vectors[index]), strict=True,
    ))


class BalancedSelector(BaseSelector):
    """`next_item` as a catsim selector (content balancing + randomesque)."""

    def __init__(self, bank: Bank, rules: CatRules, seed: int = 0) -> None:
        super().__init__()
        self.bank, self.rules, self.rng = bank, rules, random.Random(seed)  # noqa: S311

    def __str__(self) -> str:
        return "Content-balanced randomesque maximum information"

    def select(self, index: int | None = None, **kwargs: Any) -> int | None:  # type: ignore[override]
        assert index is not None
        return next_item(self.bank, _answered_in_simulator(self, index), self.rules, self.rng)


class EapEstimator(BaseEstimator):
    """`estimate` as a catsim estimator (returns θ; the SE is recomputed by the stopper)."""

    def __init__(self, bank: Bank) -> None:
        super().__init__()
        self.bank = bank

    def __str__(self) -> str:
        return "EAP (standard-normal prior)"

    def estimate(self, index: int | None = None, **kwargs: Any) -> float:  # type: ignore[override]
        assert index is not None
        return estimate(self.bank, _answered_in_simulator(self, index)).theta


class RulesStopper(BaseStopper):
    """`should_stop` as a catsim stopper."""

    def __init__(self, bank: Bank, rules: CatRules) -> None:
        super().__init__()
        self.bank, self.rules = bank, rules

    def __str__(self) -> str:
        return "SE target or item cap, areas balanced"

    def stop(self, index: int | None = None, **kwargs: Any) -> bool:
        assert index is not None
        answered = _answered_in_simulator(self, index)
        if not answered:
            return False
        return should_stop(self.bank, answered, estimate(self.bank, answered), self.rules)
