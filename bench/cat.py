"""The adaptive test against fixed forms, on simulated learners.

    .venv/bin/python bench/cat.py [--learners 5000] [--seed 1] [--retest 1000]

Learners: true ability θ ~ N(−0.3, 1.0) — the programme's learners are
mostly older adults, a little below the bank's centre (θ = 0 is the
'everyday' level's typical item). Their true level is
`scoring.placement_level(θ)`.

Bank: the real item bank (assessment/data/items/*.json, read with
`assessment.item_bank.bank_files_read()`) with its expert parameters, which
are also the generating parameters here; if the files are missing or
invalid, a generated bank of the same shape (5 areas × 3 levels × 10 items)
is used and the output says so.

Design: every learner's answers to *every* item are drawn once (3PL, the
bank's a, b, c); the full form scores all of them, the `standard` form its
25, and the adaptive test (assessment.cat with services.RULES) reads its
answers from the same matrix as it goes (a post-hoc simulation: the same
learner, the same answers). A second adaptive run through catsim's
`Simulator` draws fresh answers for `--retest` learners, as if the learner
sat the adaptive test on another day: its agreement with the full form is
the harder figure.

Goal (issue 5): the adaptive test uses ≤ 50 % of the full form's items, its
placement agrees with the full form's for ≥ 90 % of learners, and its
correlation with true θ is ≥ the full form's − 0.03. Exit status 0 when met,
3 when not.
"""

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baeumteo.settings")

import django

django.setup()

from catsim.initialization import FixedPointInitializer  # noqa: E402
from catsim.simulation import Simulator  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from assessment import cat, scoring  # noqa: E402
from assessment.item_bank import BankFileError, bank_files_read, forms_file_read  # noqa: E402
from assessment.models import Area, ItemLevel  # noqa: E402
from assessment.services import RULES  # noqa: E402

ABILITY_MEAN, ABILITY_SD = -0.3, 1.0
LEVEL_DIFFICULTY = {"basic": -1.5, "everyday": 0.0, "advanced": 1.5}
LEVELS = np.array(ItemLevel.values)


@dataclass
class Row:
    name: str
    items: float
    theta: np.ndarray
    se: np.ndarray
    lengths: np.ndarray | None = None


def bank_read() -> tuple[list[dict], dict[str, list[str]], str]:
    """(items with key/area/level/irt, {form key: item keys}, where they came from)."""
    try:
        items = bank_files_read()
        forms = {f["key"]: f["items"] for f in forms_file_read(item_keys=[i["key"] for i in items])}
        return items, forms, f"the item bank files ({len(items)} items)"
    except (BankFileError, FileNotFoundError) as error:
        print(f"! item bank files unusable ({error}); using a generated bank", file=sys.stderr)
    rng = np.random.default_rng(0)
    items = [
        {"key": f"{area}-{level}-{n}", "area": area, "level": level,
         "irt": {"a": float(rng.uniform(0.8, 2.0)),
                 "b": float(LEVEL_DIFFICULTY[level] + rng.normal(0, 0.5)),
                 "c": float(rng.uniform(0.1, 0.3))}}
        for area in Area.values for level in LEVELS for n in range(10)
    ]
    return items, {}, "a GENERATED bank (150 items; the bank files were not usable)"


def levels(theta: np.ndarray) -> np.ndarray:
    low, high = scoring.PLACEMENT_CUTS
    return np.where(theta < low, 0, np.where(theta < high, 1, 2))


def adaptive_post_hoc(
    bank: cat.Bank, answers: np.ndarray, rules: cat.CatRules, seed: int,
) -> tuple[Row, np.ndarray]:
    """The adaptive test for every learner, answers read from the matrix."""
    theta, se, lengths = [], [], []
    shown = np.zeros(len(bank))
    for learner, row in enumerate(answers):
        rng = random.Random(f"{seed}:{learner}")  # noqa: S311 - simulation
        answered: list[tuple[int, bool]] = []
        current = cat.estimate(bank, answered)
        while not (answered and cat.should_stop(bank, answered, current, rules)):
            item = cat.next_item(bank, answered, rules, rng, current=current)
            if item is None:
                break
            answered.append((item, bool(row[item])))
            current = cat.estimate(bank, answered)
            shown[item] += 1
        theta.append(current.theta)
        se.append(current.se)
        lengths.append(len(answered))
    return (Row("adaptive", float(np.mean(lengths)), np.array(theta), np.array(se),
                np.array(lengths)), shown / len(answers))


def adaptive_retest(bank: cat.Bank, true_theta: np.ndarray, rules: cat.CatRules,
                    seed: int) -> Row:
    """The same adaptive test in catsim's Simulator, with freshly drawn answers."""
    simulator = Simulator(bank.params, true_theta, seed=seed)
    simulator.simulate(FixedPointInitializer(0.0), cat.BalancedSelector(bank, rules, seed),
                       cat.EapEstimator(bank), cat.RulesStopper(bank, rules))
    finals = [cat.estimate(bank, list(zip(items, map(bool, answers), strict=True)))
              for items, answers in zip(simulator.administered_items,
                                        simulator.response_vectors, strict=True)]
    lengths = [len(i) for i in simulator.administered_items]
    return Row("adaptive, new answers", float(np.mean(lengths)),
               np.array([f.theta for f in finals]), np.array([f.se for f in finals]))


def fixed(name: str, bank: cat.Bank, answers: np.ndarray, columns: Sequence[int]) -> Row:
    shown = np.zeros_like(answers, dtype=bool)
    shown[:, list(columns)] = True
    theta, se = cat.eap(bank.params, answers, shown)
    return Row(name, float(len(columns)), theta, se)


def report(rows: list[Row], true_theta: np.ndarray, full: Row) -> dict[str, dict[str, float]]:
    figures = {}
    true_level = levels(true_theta)
    print(f"{'':<24}{'items':>8}{'corr':>8}{'RMSE':>8}{'=true lvl':>11}{'=full lvl':>11}"
          f"{'mean SE':>9}")
    for row in rows:
        n = len(row.theta)
        f = {
            "items": row.items,
            "corr": float(np.corrcoef(row.theta, true_theta[:n])[0, 1]),
            "rmse": float(np.sqrt(np.mean((row.theta - true_theta[:n]) ** 2))),
            "true_level": float(np.mean(levels(row.theta) == true_level[:n])),
            "full_level": float(np.mean(levels(row.theta) == levels(full.theta[:n]))),
            "se": float(np.mean(row.se)),
        }
        figures[row.name] = f
        print(f"{row.name + f' ({n})':<24}{f['items']:>8.1f}{f['corr']:>8.3f}{f['rmse']:>8.3f}"
              f"{f['true_level']:>11.1%}{f['full_level']:>11.1%}{f['se']:>9.3f}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--retest", type=int, default=1000,
                        help="learners for the catsim run with fresh answers (0: skip)")
    args = parser.parse_args()
    started = time.perf_counter()
    items, forms, source = bank_read()
    bank = cat.Bank([
        cat.BankItem(id=i, area=item["area"], a=item["irt"]["a"], b=item["irt"]["b"],
                     c=item["irt"].get("c", 0.0))
        for i, item in enumerate(items)
    ])
    rng = np.random.default_rng(args.seed)
    true_theta = rng.normal(ABILITY_MEAN, ABILITY_SD, args.learners)
    p = cat.irt.icc_hpc(true_theta[:, None], bank.params)
    answers = rng.uniform(size=p.shape) < p
    print(f"Bank: {source}; learners: {args.learners}, θ ~ N({ABILITY_MEAN}, {ABILITY_SD}), "
          f"seed {args.seed}")
    print(f"Rules: {RULES}")
    print(f"Placement cuts θ: {scoring.PLACEMENT_CUTS}")
    with threadpool_limits(limits=1):
        full = fixed("full form", bank, answers, range(len(bank)))
        rows = [full]
        index = {item["key"]: i for i, item in enumerate(items)}
        for key, keys in forms.items():
            rows.append(fixed(f"{key} form", bank, answers, [index[k] for k in keys]))
        adaptive, exposure = adaptive_post_hoc(bank, answers, RULES, args.seed)
        rows.append(adaptive)
        if args.retest:
            rows.append(adaptive_retest(bank, true_theta[: args.retest], RULES, args.seed))
    print()
    figures = report(rows, true_theta, full)
    assert adaptive.lengths is not None
    q = np.percentile(adaptive.lengths, [0, 10, 50, 90, 100]).astype(int)
    print(f"\nAdaptive items answered: min {q[0]}, p10 {q[1]}, median {q[2]}, p90 {q[3]}, "
          f"max {q[4]}; at the cap {np.mean(adaptive.lengths >= RULES.max_items):.1%}; "
          f"the most used item was shown to {exposure.max():.1%} of learners; "
          f"{(exposure == 0).sum()} items never shown.")
    a, f = figures["adaptive"], figures["full form"]
    goals = [
        ("items ≤ 50 % of the full form", a["items"] <= 0.5 * f["items"],
         f"{a['items']:.1f} of {f['items']:.0f} ({a['items'] / f['items']:.1%})"),
        ("placement agreement with the full form ≥ 90 %", a["full_level"] >= 0.90,
         f"{a['full_level']:.1%}"),
        ("correlation ≥ full form − 0.03", a["corr"] >= f["corr"] - 0.03,
         f"{a['corr']:.3f} vs {f['corr']:.3f} − 0.03 = {f['corr'] - 0.03:.3f}"),
    ]
    print("\nGoal check:")
    for name, met, value in goals:
        print(f"  {'MET ' if met else 'MISSED'} {name}: {value}")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0 if all(met for _, met, _ in goals) else 3


if __name__ == "__main__":
    sys.exit(main())
