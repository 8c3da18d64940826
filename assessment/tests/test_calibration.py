from io import StringIO

import girth
import numpy as np
import pytest
from django.core.management import call_command

from assessment import calibration
from assessment.models import (
    Calibration,
    Diagnostic,
    DiagnosticStatus,
    ItemVersion,
    Mode,
    ParameterSource,
    Purpose,
    Response,
    TakenVia,
)
from assessment.testing import small_bank


def simulate(items: int, learners: int, seed: int, *, guessing: bool = False):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.7, 2.0, items)
    b = rng.normal(0.0, 1.0, items)
    c = rng.uniform(0.1, 0.3, items) if guessing else np.zeros(items)
    theta = rng.normal(0.0, 1.0, learners)
    p = c + (1 - c) / (1 + np.exp(-a * (theta[:, None] - b)))
    correct = (rng.uniform(size=p.shape) < p).astype(float)
    return a, b, c, correct, rng


def recovered(result):
    return np.array([item.a for item in result.items]), np.array([item.b for item in result.items])


def assert_recovery(a, b, a_hat, b_hat, *, b_rmse=0.25):
    assert np.corrcoef(b_hat, b)[0, 1] >= 0.95
    assert np.sqrt(np.mean((b_hat - b) ** 2)) <= b_rmse
    assert np.corrcoef(a_hat, a)[0, 1] >= 0.8


def keys(n):
    return [f"item-{j:03d}" for j in range(n)]


def test_it_recovers_2pl_parameters_from_a_complete_design():
    a, b, _, correct, _ = simulate(30, 2000, seed=1)
    result = calibration.calibrate(correct, np.ones_like(correct), keys(30), min_responses=100)
    assert_recovery(a, b, *recovered(result))


def test_it_recovers_2pl_parameters_from_a_sparse_design():
    a, b, _, correct, rng = simulate(40, 2500, seed=2)
    shown = (rng.uniform(size=correct.shape) < 0.4).astype(float)  # each learner sees ~16 items
    correct[shown == 0] = -1  # whatever is stored for a missing answer is ignored
    result = calibration.calibrate(correct, shown, keys(40), min_responses=100)
    assert_recovery(a, b, *recovered(result))


def test_it_recovers_parameters_when_the_items_shown_depend_on_earlier_answers():
    # Two-stage design: 10 common items, then the 15 easiest or the 15 hardest
    # depending on the score so far — like an adaptive test, and unlike a
    # random design the proportions correct of the routed items are not the
    # population's.
    a, b, _, correct, _ = simulate(40, 2000, seed=3)
    order = np.argsort(b)
    common, easy, hard = order[[*range(12, 22)]], order[:15], order[-15:]
    shown = np.zeros_like(correct)
    shown[:, common] = 1
    high = correct[:, common].sum(axis=1) >= 6
    shown[np.ix_(~high, easy)] = 1
    shown[np.ix_(high, hard)] = 1
    used = np.concatenate([common, easy, hard])
    result = calibration.calibrate(correct[:, used], shown[:, used], keys(40), min_responses=100)
    assert_recovery(a[used], b[used], *recovered(result))


def test_it_agrees_with_girth_on_a_complete_design():
    _, _, _, correct, _ = simulate(20, 2000, seed=4)
    ours = calibration.mml_fit(correct, np.ones_like(correct))
    theirs = girth.twopl_mml(correct.T.astype(int), {"use_LUT": False})
    assert np.abs(ours[:, 1] - theirs["Difficulty"]).max() < 0.15
    assert np.corrcoef(ours[:, 0], theirs["Discrimination"])[0, 1] > 0.95


def test_it_recovers_3pl_parameters():
    a, b, c, correct, _ = simulate(20, 2500, seed=5, guessing=True)
    result = calibration.calibrate(correct, np.ones_like(correct), keys(20), model="3PL",
                                   min_responses=100)
    a_hat, b_hat = recovered(result)
    assert_recovery(a, b, a_hat, b_hat, b_rmse=0.3)
    c_hat = np.array([item.c for item in result.items])
    assert np.sqrt(np.mean((c_hat - c) ** 2)) <= 0.08


def test_it_flags_a_misbehaving_item_and_not_the_others():
    _, _, _, correct, rng = simulate(30, 2000, seed=6)
    correct[:, 4] = 1 - correct[:, 4]  # answer key wrong: the abler get it "wrong"
    shown = (rng.uniform(size=correct.shape) < 0.6).astype(float)
    result = calibration.calibrate(correct, shown, keys(30), min_responses=100)
    flagged = [item.key for item in result.items if item.misfit]
    assert flagged == ["item-004"]


def test_it_skips_items_with_too_few_answers():
    _, _, _, correct, _ = simulate(12, 600, seed=7)
    shown = np.ones_like(correct)
    shown[100:, 3] = 0  # item 3 answered by 100 learners only
    result = calibration.calibrate(correct, shown, keys(12), min_responses=150)
    assert result.skipped == [{"key": "item-003", "n": 100, "reason": "too_few_responses"}]
    assert "item-003" not in [item.key for item in result.items]
    assert len(result.items) == 11


def test_it_links_new_parameters_to_the_current_scale():
    a, b, _, correct, _ = simulate(20, 2000, seed=8)
    # The current (expert) scale is the true one moved and stretched: θ* = 1.5θ − 0.4.
    current = np.column_stack([a / 1.5, 1.5 * b - 0.4, np.zeros(20)])
    result = calibration.calibrate(correct, np.ones_like(correct), keys(20), min_responses=100,
                                   link_to=current)
    _, b_hat = recovered(result)
    assert np.sqrt(np.mean((b_hat - current[:, 1]) ** 2)) <= 0.3


# --- The database run and the command ----------------------------------------------


def completed_sittings(versions, learners, seed, reversed_item=None):
    """Completed sittings answering every item, simulated from the versions' parameters."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 1.0, learners)
    diagnostics = Diagnostic.objects.bulk_create([
        Diagnostic(purpose=Purpose.PLACEMENT, mode=Mode.ADAPTIVE, taken_via=TakenVia.SELF,
                   status=DiagnosticStatus.COMPLETED) for _ in range(learners)
    ])
    rows = []
    for d, t in zip(diagnostics, theta, strict=True):
        for position, v in enumerate(versions, start=1):
            ok = rng.uniform() < v.c + (1 - v.c) / (1 + np.exp(-v.a * (t - v.b)))
            if v.pk == reversed_item:
                ok = not ok
            rows.append(Response(diagnostic=d, item_version=v, position=position,
                                 choice="a" if ok else "b", correct=bool(ok)))
    Response.objects.bulk_create(rows)


@pytest.mark.django_db
def test_it_records_a_run_and_changes_nothing_without_apply():
    versions = small_bank(per_area=2)
    completed_sittings(versions, 400, seed=1)
    before = list(ItemVersion.objects.values_list("pk", "a", "b", "is_current"))
    out = StringIO()
    call_command("assessment_calibrate", "--min-responses", "100", stdout=out)
    run = Calibration.objects.get()
    assert not run.applied
    assert run.learners == 400
    assert run.responses == 400 * len(versions)
    assert len(run.report["items"]) == len(versions)
    assert list(ItemVersion.objects.values_list("pk", "a", "b", "is_current")) == before
    assert "--apply" in out.getvalue()


@pytest.mark.django_db
def test_it_stores_new_versions_with_apply_and_keeps_old_answers_on_old_versions():
    versions = small_bank(per_area=2)
    bad = versions[3]
    completed_sittings(versions, 1500, seed=2, reversed_item=bad.pk)
    call_command("assessment_calibrate", "--min-responses", "100", "--apply", stdout=StringIO())
    run = Calibration.objects.get()
    assert run.applied
    fits = {item["key"]: item for item in run.report["items"]}
    assert fits[bad.item.key]["misfit"]
    for old in versions:
        current = ItemVersion.objects.get(item=old.item, is_current=True)
        if old.pk == bad.pk:
            assert current.pk == old.pk  # misfit: kept for review, not re-parameterised
            continue
        assert current.version == old.version + 1
        assert current.source == ParameterSource.CALIBRATED
        assert current.calibration == run
        assert (current.stem, current.options, current.answer) == (
            old.stem, old.options, old.answer)
        assert current.b == pytest.approx(fits[old.item.key]["b"], abs=1e-3)
        assert Response.objects.filter(item_version=old).count() == 1500
        assert not Response.objects.filter(item_version=current).exists()
    # A second run counts the answers to the old versions (same wording).
    call_command("assessment_calibrate", "--min-responses", "100", stdout=StringIO())
    assert Calibration.objects.first().responses == 1500 * len(versions)


@pytest.mark.django_db
def test_it_skips_answers_to_a_different_wording():
    versions = small_bank(per_area=2)
    completed_sittings(versions, 200, seed=3)
    old = versions[0]
    ItemVersion.objects.filter(pk=old.pk).update(is_current=False)
    ItemVersion.objects.create(item=old.item, version=2, stem="새 질문", options=old.options,
                               answer=old.answer, a=1.0, b=0.0, source=ParameterSource.EXPERT)
    call_command("assessment_calibrate", "--min-responses", "100", stdout=StringIO())
    skipped = Calibration.objects.get().report["skipped"]
    assert skipped == [{"key": old.item.key, "n": 0, "reason": "too_few_responses"}]
