"""Demo pre- and post-tests, answered by simulated learners of known ability.

The item bank is loaded first (`bank_import_default`). Then every confirmed
learner of a running or finished class that uses the tests gets a true
ability and takes them (docs/outcomes.md, "The demo model"):

- θ_pre ~ N(μ_age, 0.8), μ_age = −0.6 under 60, −0.8 at 60–69, −1.0 at 70–79,
  −1.3 at 80+ (age at the class's first session);
- θ_post = θ_pre + gain: N(0.6, 0.3) for learners who completed the class
  (a certificate, or a running class), N(0.2, 0.3) for those who did not;
- the pre-test is missed by 6 %; in a finished class 92 % of completers and
  25 % of the others take the post-test (dropouts have none);
- half of the running and finished classes use the tests (a tenth at
  `national` scale), chosen by a hash of the class id;
- a quarter of sittings are on paper (the `standard` fixed form, entered by
  the instructor); the first ADAPTIVE_MAX other pre-tests are adaptive on a
  tablet — the CAT of `assessment.cat` with the services' rules, each item
  answered with the IRT probability at the true θ — and the remaining
  sittings use the fixed form on a tablet, scored in batches (a CAT sitting
  costs 10–20 ms; the demo runs in every demo test and browser-test start);
- scores are the same EAP the services compute when a sitting completes.

Reproducible from `context.rng` (given the same day and the same classes);
idempotent: a class with any diagnostic is skipped.
"""

import math
import random
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import numexpr
import numpy as np
from catsim import irt
from django.db import transaction
from django.utils import timezone

from assessment import cat, scoring, services
from assessment.item_bank import bank_import_default, form_current
from assessment.models import (
    Area,
    Diagnostic,
    DiagnosticStatus,
    Form,
    ItemVersion,
    Mode,
    Purpose,
    Response,
    TakenVia,
)
from attendance.models import Certificate
from classes.models import ClassStatus, CourseClass
from demo.seeding import DemoContext, in_chunks
from enrollment.models import Application, ApplicationStatus

ORDER = 70
CHUNK = 500
# Share of running and finished classes that use the tests, and how many
# sittings per run go through the CAT (about 10–20 ms each): the demo runs in
# every `demo` test and browser-test start, so it must stay quick.
CLASS_SHARE = {"small": 0.5, "national": 0.1}
ADAPTIVE_MAX = {"small": 500, "national": 0}

THETA_SD = 0.8
GAIN_COMPLETED = (0.6, 0.3)
GAIN_NOT_COMPLETED = (0.2, 0.3)
MISSING_PRE = 0.06
POST_IF_COMPLETED = 0.92
POST_IF_NOT_COMPLETED = 0.25
PAPER_SHARE = 0.25
DONT_KNOW_SHARE = 0.3  # of wrong answers, the share given as "잘 모르겠어요"


def theta_mean(age: int) -> float:
    if age < 60:
        return -0.6
    if age < 70:
        return -0.8
    if age < 80:
        return -1.0
    return -1.3


@dataclass
class Items:
    """The bank as the simulation needs it: CAT arrays, answers and wrong options."""

    bank: cat.Bank
    answers: dict[int, str]
    wrong: dict[int, list[str]]
    form: Form | None
    form_ids: list[int] = field(default_factory=list)

    @classmethod
    def load(cls) -> "Items":
        versions = list(services.current_versions().select_related("item"))
        form = form_current("standard") or Form.objects.order_by("pk").first()
        form_ids = ([fi.item_version_id for fi in form.form_items.order_by("position")]
                    if form else [])
        # A form may hold an older version than the current one: score with its own.
        extra = ItemVersion.objects.filter(pk__in=form_ids).exclude(
            pk__in=[v.pk for v in versions]).select_related("item")
        every = versions + list(extra)
        return cls(
            bank=services.bank_load(services.current_versions()),
            answers={v.pk: v.answer for v in every},
            wrong={v.pk: [o["key"] for o in v.options if o["key"] != v.answer] for v in every},
            form=form, form_ids=form_ids,
        )


@dataclass
class Sitting:
    application: Application
    purpose: str
    theta: float
    when: datetime
    fixed: bool  # the fixed form (else adaptive)
    paper: bool  # on paper, entered by the instructor (fixed form only)


@dataclass
class Scored:
    sitting: Sitting
    answered: list[tuple[int, bool]]
    running: list[tuple[float, float]]  # the estimate after each answer (adaptive only)
    results: dict[str, Any]


def _p_correct(params: np.ndarray, theta: float) -> float:
    """The 3PL probability, as catsim's icc computes it (without its per-call overhead)."""
    a, b, c = float(params[0]), float(params[1]), float(params[2])
    return c + (1.0 - c) / (1.0 + math.exp(-a * (theta - b)))


def _adaptive(
    items: Items, theta: float, rng: np.random.Generator,
) -> tuple[list[tuple[int, bool]], list[tuple[float, float]]]:
    """One sitting through the services' CAT: each answer drawn at the true θ."""
    bank = items.bank
    picker = random.Random(int(rng.integers(2**32)))
    answered: list[tuple[int, bool]] = []
    running: list[tuple[float, float]] = []
    current = cat.estimate(bank, answered)
    while True:
        item_id = cat.next_item(bank, answered, services.RULES, picker, current=current)
        if item_id is None:
            return answered, running
        correct = rng.random() < _p_correct(bank.rows([item_id])[0], theta)
        answered.append((item_id, bool(correct)))
        current = cat.estimate(bank, answered)
        running.append((current.theta, current.se))
        if cat.should_stop(bank, answered, current, services.RULES):
            return answered, running


def _fixed(bank: cat.Bank, form_ids: list[int], thetas: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """learners × form items: correct or not, at once."""
    p = irt.icc_hpc(thetas[:, None], bank.rows(form_ids))
    return rng.random(p.shape) < p


def _form_in_bank(items: Items) -> bool:
    return all(item_id in items.bank.index for item_id in items.form_ids)


def _scoring_bank(items: Items) -> cat.Bank:
    if _form_in_bank(items):
        return items.bank
    rows = ItemVersion.objects.filter(pk__in=items.form_ids).select_related("item")
    return cat.Bank([*items.bank.items, *(
        cat.BankItem(id=v.pk, area=v.item.area, a=v.a, b=v.b, c=v.c) for v in rows
        if v.pk not in items.bank.index)])


def _results(bank: cat.Bank, answered: Sequence[tuple[int, bool]]) -> dict[str, Any]:
    """What services._complete stores, from the same EAP."""
    overall = cat.estimate(bank, answered)
    areas: dict[str, dict[str, float]] = {}
    for area in Area.values:
        mine = [(i, ok) for i, ok in answered if bank.items[bank.index[i]].area == area]
        if mine:
            est = cat.estimate(bank, mine)
            areas[area] = {
                "theta": est.theta, "theta_se": est.se,
                "score": scoring.theta_to_score(est.theta),
                "score_se": scoring.se_to_score(est.se), "items": len(mine),
            }
    return {
        "theta": overall.theta, "theta_se": overall.se,
        "score": scoring.theta_to_score(overall.theta),
        "score_se": scoring.se_to_score(overall.se), "area_scores": areas,
        "placement_level": scoring.placement_level(overall.theta),
    }


def _classes(context: DemoContext) -> Iterator[list[CourseClass]]:
    tested = Diagnostic.objects.filter(application__isnull=False).values(
        "application__course_class_id")
    classes = (
        CourseClass.objects.filter(status__in=[ClassStatus.RUNNING, ClassStatus.FINISHED])
        .exclude(pk__in=tested).order_by("pk")
    )
    for chunk in in_chunks(classes, CHUNK):
        yield [c for c in chunk if _uses_tests(c, CLASS_SHARE[context.scale])]


def _uses_tests(course_class: CourseClass, share: float) -> bool:
    """Fixed per class (not drawn from the run's generator), so that a second run
    tests no class the first one left out: the demo stays idempotent."""
    return zlib.crc32(f"demo-tests:{course_class.pk}".encode()) % 1000 < share * 1000


def _sittings(context: DemoContext, items: Items, chunk: list[CourseClass],
              rng: np.random.Generator, budget: list[int]) -> list[Sitting]:
    """The chunk's sittings; `budget` holds the adaptive sittings still allowed."""
    applications = (
        Application.objects.filter(course_class__in=chunk, status=ApplicationStatus.CONFIRMED)
        .select_related("learner", "course_class").order_by("pk")
    )
    certified = set(Certificate.objects.filter(
        application__course_class__in=chunk).values_list("application_id", flat=True))
    has_form = bool(items.form_ids)

    def how(purpose: str) -> tuple[bool, bool]:
        """(fixed form, on paper): pre-tests adaptive while the budget lasts, post-tests
        on the fixed form."""
        paper = has_form and rng.random() < PAPER_SHARE
        fixed = has_form and (paper or purpose == Purpose.POST or budget[0] <= 0)
        if not fixed:
            budget[0] -= 1
        return fixed, paper

    found = []
    for application in applications:
        course_class = application.course_class
        age = course_class.first_date.year - application.learner.birth_year
        theta_pre = float(rng.normal(theta_mean(age), THETA_SD))
        finished = course_class.status == ClassStatus.FINISHED
        completed = application.pk in certified or not finished
        gain = GAIN_COMPLETED if completed else GAIN_NOT_COMPLETED
        theta_post = theta_pre + float(rng.normal(*gain))
        takes_pre = rng.random() >= MISSING_PRE
        takes_post = finished and rng.random() < (
            POST_IF_COMPLETED if completed else POST_IF_NOT_COMPLETED)
        if takes_pre:
            found.append(Sitting(application, Purpose.PRE, theta_pre,
                                 _at(course_class.first_date), *how(Purpose.PRE)))
        if takes_post:
            found.append(Sitting(application, Purpose.POST, theta_post,
                                 _at(course_class.last_date), *how(Purpose.POST)))
    return found


def _at(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def _take(items: Items, bank: cat.Bank, sittings: list[Sitting],
          rng: np.random.Generator) -> list[Scored]:
    fixed = [s for s in sittings if s.fixed]
    scored = []
    if fixed:
        correct = _fixed(bank, items.form_ids, np.array([s.theta for s in fixed]), rng)
        results = _fixed_results(bank, items.form_ids, correct)
        for sitting, row, result in zip(fixed, correct, results, strict=True):
            answered = list(zip(items.form_ids, row.tolist(), strict=True))
            scored.append(Scored(sitting, answered, [], result))
    for sitting in sittings:
        if not sitting.fixed:
            answered, running = _adaptive(items, sitting.theta, rng)
            scored.append(Scored(sitting, answered, running, _results(bank, answered)))
    return scored


def _fixed_results(
    bank: cat.Bank, form_ids: list[int], correct: np.ndarray,
) -> list[dict[str, Any]]:
    """_results for many fixed-form sittings at once (the same EAP, in one batch)."""
    params = bank.rows(form_ids)
    shown = np.ones_like(correct)
    theta, se = cat.eap(params, correct, shown)
    area_of = np.array([bank.items[bank.index[i]].area for i in form_ids])
    per_area = {}
    for area in Area.values:
        columns = area_of == area
        if columns.any():
            area_theta, area_se = cat.eap(params[columns], correct[:, columns], shown[:, columns])
            per_area[area] = (area_theta, area_se, int(columns.sum()))
    results = []
    for row in range(len(correct)):
        areas = {
            area: {
                "theta": float(t[row]), "theta_se": float(e[row]),
                "score": scoring.theta_to_score(float(t[row])),
                "score_se": scoring.se_to_score(float(e[row])), "items": count,
            }
            for area, (t, e, count) in per_area.items()
        }
        results.append({
            "theta": float(theta[row]), "theta_se": float(se[row]),
            "score": scoring.theta_to_score(float(theta[row])),
            "score_se": scoring.se_to_score(float(se[row])), "area_scores": areas,
            "placement_level": scoring.placement_level(float(theta[row])),
        })
    return results


def _write(items: Items, scored: list[Scored], rng: np.random.Generator) -> int:
    diagnostics = []
    for one in scored:
        sitting, fixed, paper = one.sitting, one.sitting.fixed, one.sitting.paper
        course_class = sitting.application.course_class
        diagnostics.append(Diagnostic(
            purpose=sitting.purpose, mode=Mode.FIXED if fixed else Mode.ADAPTIVE,
            taken_via=TakenVia.PAPER if paper else TakenVia.SELF,
            status=DiagnosticStatus.COMPLETED, application=sitting.application,
            learner_id=sitting.application.learner_id, center_id=course_class.center_id,
            form=items.form if fixed else None, started_at=sitting.when,
            completed_at=sitting.when + timedelta(minutes=25),
            entered_by_id=course_class.instructor_id if paper else None,
            **one.results,
        ))
    Diagnostic.objects.bulk_create(diagnostics, batch_size=1_000)
    responses = []
    for diagnostic, one in zip(diagnostics, scored, strict=True):
        running: list[tuple[float | None, float | None]] = (
            list(one.running) or [(None, None)] * len(one.answered))
        for position, ((item_id, ok), (theta, se)) in enumerate(
                zip(one.answered, running, strict=True), start=1):
            responses.append(Response(
                diagnostic_id=diagnostic.pk, item_version_id=item_id, position=position,
                choice=_choice(items, item_id, ok, rng), correct=ok,
                answered_at=diagnostic.started_at, theta_after=theta, se_after=se,
            ))
    Response.objects.bulk_create(responses, batch_size=5_000)
    return len(responses)


def _choice(items: Items, item_id: int, correct: bool, rng: np.random.Generator) -> str:
    if correct:
        return items.answers[item_id]
    wrong = items.wrong[item_id]
    if not wrong or rng.random() < DONT_KNOW_SHARE:
        return ""
    return wrong[int(rng.integers(len(wrong)))]


def seed(context: DemoContext) -> None:
    bank_import_default()
    items = Items.load()
    if not len(items.bank):
        context.notes.append("Diagnostics: no items in the bank, none simulated.")
        return
    bank = _scoring_bank(items)
    rng = np.random.default_rng(context.rng.getrandbits(64))
    made = answers = 0
    budget = [ADAPTIVE_MAX[context.scale]]
    # catsim evaluates tiny arrays with numexpr: threads only add overhead (2× slower).
    threads = numexpr.set_num_threads(1)
    try:
        for chunk in _classes(context):
            sittings = _sittings(context, items, chunk, rng, budget)
            with transaction.atomic():
                answers += _write(items, _take(items, bank, sittings, rng), rng)
            made += len(sittings)
    finally:
        numexpr.set_num_threads(threads)
    context.notes.append(f"Diagnostics: {made} pre- and post-tests with {answers} answers.")
