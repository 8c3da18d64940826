"""Item calibration: new IRT parameters from the answers learners gave.

Method: marginal maximum likelihood (Bock & Aitkin) with abilities integrated
out over a standard-normal population on 41 quadrature points, maximised
directly with L-BFGS-B and the analytic gradient (Fisher's identity: the
gradient is the EM expected-count gradient). A response that was not given
simply does not enter the likelihood, which is what makes adaptive data
usable: the choice of items depends only on answers already observed, so it
is ignorable for likelihood inference. girth's `twopl_mml`/`threepl_mml`
are not used for the estimates: they solve each difficulty from the item's
proportion correct against the whole population, which is right only when
every learner could have met every item — under CAT each item is answered
by learners near its difficulty and girth pulls every b towards 0. On
complete data they agree with ours (tested).

3PL: the guessing parameter gets a Beta(5, 17) prior (mean 0.23), as
BILOG does, because it is barely identified from a few hundred answers.

Fit: learners are grouped by their EAP ability under the new parameters (up
to ten equal groups of those who answered the item); the item misfits when
the observed proportions correct differ from the model's by a chi-square
(Yen's Q1) with p < 0.01 AND by a weighted root-mean-square difference
above 0.05 — with thousands of answers the chi-square alone flags trivial
departures, the RMSD alone ignores sample size.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats
from scipy.special import expit
from threadpoolctl import threadpool_limits

QUADRATURE = np.linspace(-4.0, 4.0, 41)
QUADRATURE_WEIGHTS = stats.norm.pdf(QUADRATURE) / stats.norm.pdf(QUADRATURE).sum()
BOUNDS = {"a": (0.2, 4.0), "b": (-4.0, 4.0), "c": (1e-3, 0.4)}
GUESSING_PRIOR = (5.0, 17.0)  # Beta(α, β)
MISFIT_P = 0.001
MISFIT_RMSD = 0.08
FIT_GROUPS = 10
MIN_GROUP = 20


@dataclass(frozen=True)
class ItemFit:
    key: str
    n: int
    a: float
    b: float
    c: float
    chi2: float
    df: int
    p: float
    rmsd: float
    misfit: bool


@dataclass
class CalibrationResult:
    model: str
    learners: int
    responses: int
    items: list[ItemFit] = field(default_factory=list)
    # [{"key", "n", "reason"}]: items not estimated.
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        return {"items": [asdict(item) for item in self.items], "skipped": self.skipped}


def _unpack(x: np.ndarray, items: int, three: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = x[:items], x[items:2 * items]
    c = x[2 * items:] if three else np.zeros(items)
    return a, b, c


def _neg_marginal_log_likelihood(
    x: np.ndarray, correct: np.ndarray, shown: np.ndarray, three: bool,
) -> tuple[float, np.ndarray]:
    items = correct.shape[1]
    a, b, c = _unpack(x, items, three)
    s = expit(a * (QUADRATURE[:, None] - b))  # quadrature × items
    p = np.clip(c + (1 - c) * s, 1e-10, 1 - 1e-10)
    wrong = shown - correct
    log_like = correct @ np.log(p).T + wrong @ np.log1p(-p).T  # learners × quadrature
    peak = log_like.max(axis=1, keepdims=True)
    joint = np.exp(log_like - peak) * QUADRATURE_WEIGHTS
    marginal = joint.sum(axis=1, keepdims=True)
    value = -(np.log(marginal) + peak).sum()
    posterior = joint / marginal
    expected_right = posterior.T @ correct  # quadrature × items
    expected_shown = posterior.T @ shown
    d_p = (expected_right - expected_shown * p) / (p * (1 - p))
    slope = (1 - c) * s * (1 - s)
    grad = [
        -(d_p * slope * (QUADRATURE[:, None] - b)).sum(axis=0),
        (d_p * slope * a).sum(axis=0),
    ]
    if three:
        alpha, beta = GUESSING_PRIOR
        value -= ((alpha - 1) * np.log(c) + (beta - 1) * np.log1p(-c)).sum()
        grad.append(-(d_p * (1 - s)).sum(axis=0) - ((alpha - 1) / c - (beta - 1) / (1 - c)))
    return float(value), np.concatenate(grad)


def mml_fit(correct: np.ndarray, shown: np.ndarray, model: str = "2PL") -> np.ndarray:
    """Item parameters (items × 3: a, b, c) from learners × items answers.

    `correct` and `shown` are 0/1 arrays; an item not shown to a learner is
    missing (its `correct` is ignored).
    """
    three = model == "3PL"
    correct = (correct * shown).astype(float)
    shown = shown.astype(float)
    items = correct.shape[1]
    proportion = np.clip(correct.sum(axis=0) / np.maximum(shown.sum(axis=0), 1), 0.02, 0.98)
    start = [np.ones(items), np.clip(-np.log(proportion / (1 - proportion)), -3, 3)]
    bounds = [BOUNDS["a"]] * items + [BOUNDS["b"]] * items
    if three:
        start.append(np.full(items, 0.2))
        bounds += [BOUNDS["c"]] * items
    result = optimize.minimize(
        _neg_marginal_log_likelihood, np.concatenate(start), args=(correct, shown, three),
        jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000},
    )
    a, b, c = _unpack(result.x, items, three)
    return np.column_stack([a, b, c])


def item_fit(
    params: np.ndarray, correct: np.ndarray, shown: np.ndarray, keys: Sequence[str],
    *, parameters: int = 2,
) -> list[ItemFit]:
    """Observed against expected proportions correct across ability groups (see the module).

    Each learner's ability for item j is the posterior from their *other*
    answers (so the answer being checked does not pull its own expectation
    towards itself); learners are grouped by its mean, and the expected
    proportion is the posterior mean of P(correct).
    """
    a, b, c = params[:, 0], params[:, 1], params[:, 2]
    p = np.clip(c + (1 - c) * expit(a * (QUADRATURE[:, None] - b)), 1e-10, 1 - 1e-10)
    correct_f, shown_b = (correct * shown).astype(float), shown.astype(bool)
    wrong = shown_b - correct_f
    log_p, log_q = np.log(p), np.log1p(-p)
    log_like = correct_f @ log_p.T + wrong @ log_q.T
    fits = []
    for j, key in enumerate(keys):
        who = np.flatnonzero(shown_b[:, j])
        rest = log_like[who] - np.outer(correct_f[who, j], log_p[:, j]) - np.outer(
            wrong[who, j], log_q[:, j])
        posterior = np.exp(rest - rest.max(axis=1, keepdims=True)) * QUADRATURE_WEIGHTS
        posterior /= posterior.sum(axis=1, keepdims=True)
        order = np.argsort(posterior @ QUADRATURE, kind="stable")
        expected_each = posterior @ p[:, j]
        groups = [g for g in np.array_split(order, max(1, min(FIT_GROUPS, len(who) // MIN_GROUP)))
                  if len(g)]
        sizes = np.array([len(g) for g in groups])
        observed = np.array([correct_f[who[g], j].mean() for g in groups])
        expected = np.clip(np.array([expected_each[g].mean() for g in groups]), 1e-6, 1 - 1e-6)
        chi2 = float((sizes * (observed - expected) ** 2 / (expected * (1 - expected))).sum())
        df = max(1, len(groups) - parameters)
        p_value = float(stats.chi2.sf(chi2, df))
        rmsd = float(np.sqrt((sizes * (observed - expected) ** 2).sum() / sizes.sum()))
        fits.append(ItemFit(
            key=key, n=len(who), a=float(a[j]), b=float(b[j]), c=float(c[j]), chi2=chi2,
            df=df, p=p_value, rmsd=rmsd, misfit=p_value < MISFIT_P and rmsd > MISFIT_RMSD,
        ))
    return fits


def link_mean_sigma(new: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Mean/sigma linking: rescale `new` so its difficulties have the current mean and SD.

    MML fixes the calibration sample at mean 0, SD 1; the learners who took
    the tests are not the population the expert values assumed, so without
    linking every score would move with the sample. θ* = Aθ + B maps the new
    scale onto the current one: b* = A·b + B, a* = a / A, c unchanged.
    """
    spread = new[:, 1].std()
    if len(new) < 2 or spread == 0:
        return new
    slope = current[:, 1].std() / spread
    shift = current[:, 1].mean() - slope * new[:, 1].mean()
    return np.column_stack([new[:, 0] / slope, slope * new[:, 1] + shift, new[:, 2]])


def calibrate(
    correct: np.ndarray, shown: np.ndarray, keys: Sequence[str], *, model: str = "2PL",
    min_responses: int = 200, link_to: np.ndarray | None = None,
) -> CalibrationResult:
    """Estimate and check every item with at least `min_responses` answers.

    `link_to` (items × 3, the current a, b, c) puts the new parameters on the
    current scale (`link_mean_sigma`); without it the scale is the one MML
    fixes: this sample's abilities have mean 0 and SD 1.
    """
    if model not in {"2PL", "3PL"}:
        raise ValueError(model)
    shown = shown.astype(bool)
    counts = shown.sum(axis=0)
    kept = np.flatnonzero(counts >= min_responses)
    result = CalibrationResult(
        model=model, learners=int(shown.any(axis=1).sum()), responses=int(counts.sum()),
        skipped=[{"key": keys[int(j)], "n": int(counts[j]), "reason": "too_few_responses"}
                 for j in np.flatnonzero(counts < min_responses)],
    )
    if len(kept) == 0:
        return result
    sub_correct, sub_shown = correct[:, kept], shown[:, kept]
    # The matrices are small: BLAS threads only contend for the cores.
    with threadpool_limits(limits=1):
        params = mml_fit(sub_correct, sub_shown, model)
        if link_to is not None:
            params = link_mean_sigma(params, link_to[kept])
        result.items = item_fit(params, sub_correct, sub_shown, [keys[int(j)] for j in kept],
                            parameters=3 if model == "3PL" else 2)
    return result


# --- From the database: completed sittings in, new item versions out --------------

MIN_LINK_ITEMS = 5


@dataclass(frozen=True)
class ResponseData:
    """Learners × items answers to the current versions' content."""

    versions: list[Any]  # the current ItemVersion of each column
    correct: np.ndarray
    shown: np.ndarray


def _content(version: Any) -> tuple[Any, ...]:
    return (version.stem, version.options, version.answer, version.screen)


def responses_collect() -> ResponseData:
    """Every answer of completed sittings to an item whose wording is still the current one.

    An answer to an older version counts when that version's question,
    options, answer and screen are the current ones (a recalibration changes
    only the parameters); an answer to different wording does not.
    """
    from assessment.models import DiagnosticStatus, ItemVersion, Response

    current = list(ItemVersion.objects.filter(is_current=True, item__retired_at__isnull=True)
                   .select_related("item").order_by("item__key"))
    column = {v.item_id: j for j, v in enumerate(current)}
    same_content = {
        v.pk for v in ItemVersion.objects.filter(item_id__in=column)
        if _content(v) == _content(current[column[v.item_id]])
    }
    rows = (Response.objects.filter(diagnostic__status=DiagnosticStatus.COMPLETED,
                                    item_version_id__in=same_content)
            .values_list("diagnostic_id", "item_version__item_id", "correct"))
    learners: dict[int, int] = {}
    cells = [(learners.setdefault(d, len(learners)), column[item], ok) for d, item, ok in rows]
    correct = np.zeros((len(learners), len(current)))
    shown = np.zeros((len(learners), len(current)))
    for row, j, ok in cells:
        shown[row, j], correct[row, j] = 1, float(ok)
    return ResponseData(versions=current, correct=correct, shown=shown)


def calibration_run(
    *, model: str = "2PL", min_responses: int = 200, apply: bool = False, by: Any = None,
) -> Any:
    """Calibrate from the stored answers and record the run; with `apply`, store new versions.

    New versions (source "calibrated", same wording) are stored for the items
    that were estimated and fit; a misfitting item keeps its parameters and
    is listed for review. Old responses keep pointing at the versions they
    were scored with. One transaction: all new versions or none.
    """
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.db.models import Max
    from django.utils.translation import gettext as _

    from assessment.models import Calibration, ItemVersion, ParameterSource
    from audit.services import audit_record

    if model not in {"2PL", "3PL"}:
        raise ValidationError(_("The model must be 2PL or 3PL."), code="invalid")
    if min_responses < 1:
        raise ValidationError(_("The minimum number of answers must be at least 1."),
                              code="invalid")
    data = responses_collect()
    keys = [v.item.key for v in data.versions]
    current = np.array([[v.a, v.b, v.c] for v in data.versions]).reshape(-1, 3)
    enough = (data.shown.sum(axis=0) >= min_responses).sum()
    result = calibrate(data.correct, data.shown, keys, model=model, min_responses=min_responses,
                       link_to=current if enough >= MIN_LINK_ITEMS else None)
    by_key = {v.item.key: v for v in data.versions}
    with transaction.atomic():
        run = Calibration.objects.create(
            model=model, responses=result.responses, learners=result.learners,
            report={**result.report(), "linked": bool(enough >= MIN_LINK_ITEMS),
                    "min_responses": min_responses},
            applied=apply and bool(result.items),
        )
        if apply:
            for fit in result.items:
                if fit.misfit:
                    continue
                old = by_key[fit.key]
                ItemVersion.objects.filter(pk=old.pk).update(is_current=False)
                latest = old.item.versions.aggregate(Max("version"))["version__max"]
                ItemVersion.objects.create(
                    item=old.item, version=latest + 1, stem=old.stem, screen=old.screen,
                    options=old.options, answer=old.answer,
                    a=round(fit.a, 3), b=round(fit.b, 3),
                    c=round(fit.c, 3) if model == "3PL" else 0.0,
                    source=ParameterSource.CALIBRATED, calibration=run, created_by=by,
                )
        audit_record(actor=by, action="assessment.calibrate", target=run,
                     data={"model": model, "applied": run.applied, "items": len(result.items)})
    return run
