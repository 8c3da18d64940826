"""The rules of a diagnostic sitting, in one place.

Views, the API, the paper entry, commands and the demo all call these
functions. Every answer is written in its own transaction the moment it is
given; the sitting's state is its responses, so a sitting resumes exactly
where it stopped (the next adaptive item is chosen deterministically from the
answers so far, so reloading a page shows the same question).
"""

import hashlib
import hmac
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assessment import cat, scoring
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
from attendance.services import may_take_attendance
from audit.services import audit_record
from enrollment.models import Application, ApplicationStatus

RESUME_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
RESUME_CODE_LENGTH = 8
# The rules and their figures: docs/assessment.md ("The adaptive test").
RULES = cat.CatRules(placement_cuts=scoring.PLACEMENT_CUTS)


# --- The bank ----------------------------------------------------------------------


def current_versions() -> Any:
    """The versions an adaptive test draws from: current, of items not retired."""
    return ItemVersion.objects.filter(is_current=True, item__retired_at__isnull=True)


def bank_load(versions: Any = None) -> cat.Bank:
    """A CAT bank whose item ids are ItemVersion ids."""
    rows = (versions if versions is not None else current_versions()).select_related("item")
    return cat.Bank([
        cat.BankItem(id=v.pk, area=v.item.area, a=v.a, b=v.b, c=v.c) for v in rows
    ])


# --- Who ---------------------------------------------------------------------------


def may_run_diagnostics(user: Any, application: Application) -> bool:
    """Staff who run a class's tests: its instructor, supporters, centre managers, officers."""
    return may_take_attendance(user, application.course_class)


def _require_runner(by: User | None, application: Application | None) -> None:
    if by is None or application is None:
        return
    if not may_run_diagnostics(by, application):
        raise ValidationError(
            _("Only the class's instructor, supporters and centre managers can enter "
              "its test results."),
            code="out_of_scope",
        )


# --- Starting ----------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    diagnostic: Diagnostic
    # Shown once to a learner taking the test themselves; None on paper.
    resume_code: str | None


def resume_code_clean(code: str) -> str:
    """A code as typed ("abcd-2345", "ABCD 2345") in its stored spelling."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _check_course_test(application: Application | None, purpose: str) -> None:
    if purpose == Purpose.PLACEMENT:
        return
    if application is None:
        raise ValidationError(_("A pre- or post-test belongs to an application."), code="invalid")
    if application.status != ApplicationStatus.CONFIRMED:
        raise ValidationError(
            _("Only learners with a confirmed place take the class's tests."), code="not_confirmed",
        )


def diagnostic_start(
    *, purpose: str, mode: str, taken_via: str = TakenVia.SELF,
    application: Application | None = None, form: Form | None = None,
    center: Any = None, by: User | None = None,
) -> Started:
    """Open a sitting, or return the one already open for this application and purpose.

    A course test belongs to a confirmed application; a placement test may be
    anonymous. A fixed-form sitting needs its form.
    """
    _check_course_test(application, purpose)
    _require_runner(by, application)
    if mode == Mode.FIXED and form is None:
        raise ValidationError(_("Choose the fixed form to use."), code="invalid")
    try:
        return _start(purpose=purpose, mode=mode, taken_via=taken_via, application=application,
                      form=form, center=center, by=by)
    except IntegrityError:
        # Started twice at once (a double tap): the other request's sitting won.
        # The inner transaction was a savepoint, so an outer one can go on.
        if application is None:
            raise
        return _start(purpose=purpose, mode=mode, taken_via=taken_via, application=application,
                      form=form, center=center, by=by)


def _start(
    *, purpose: str, mode: str, taken_via: str, application: Application | None,
    form: Form | None, center: Any, by: User | None,
) -> Started:
    with transaction.atomic():
        if application is not None:
            existing = (
                Diagnostic.objects.select_for_update()
                .filter(application=application, purpose=purpose)
                .exclude(status=DiagnosticStatus.ABANDONED).first()
            )
            if existing is not None:
                if existing.status == DiagnosticStatus.COMPLETED:
                    raise ValidationError(
                        _("This learner has already finished this test."), code="completed",
                    )
                return Started(diagnostic=existing, resume_code=None)
        code = None
        if taken_via == TakenVia.SELF:
            code = "".join(secrets.choice(RESUME_CODE_ALPHABET) for _ in range(RESUME_CODE_LENGTH))
        diagnostic = Diagnostic.objects.create(
            purpose=purpose, mode=mode, taken_via=taken_via, application=application,
            learner=application.learner if application else None,
            center=application.course_class.center if application else center,
            form=form if mode == Mode.FIXED else None,
            resume_code_hash=_hash(code) if code else "", entered_by=by,
        )
        audit_record(actor=by, action="diagnostic.start", target=diagnostic,
                     data={"purpose": purpose, "mode": mode, "via": taken_via})
    return Started(diagnostic=diagnostic, resume_code=code)


def resume_code_matches(diagnostic: Diagnostic, code: str) -> bool:
    """Whether `code` is the resume code of this self-taken sitting (any status)."""
    cleaned = resume_code_clean(code)
    if not diagnostic.resume_code_hash or len(cleaned) != RESUME_CODE_LENGTH:
        return False
    return hmac.compare_digest(_hash(cleaned), diagnostic.resume_code_hash)


def diagnostic_by_resume_code(code: str) -> Diagnostic | None:
    """The open self-taken sitting this code continues, if any."""
    cleaned = resume_code_clean(code)
    if len(cleaned) != RESUME_CODE_LENGTH:
        return None
    return Diagnostic.objects.filter(
        resume_code_hash=_hash(cleaned), status=DiagnosticStatus.IN_PROGRESS,
    ).first()


# --- Answering ---------------------------------------------------------------------


def _answered(diagnostic: Diagnostic) -> list[tuple[int, bool]]:
    return list(
        diagnostic.responses.order_by("position").values_list("item_version_id", "correct")
    )


def _form_versions(diagnostic: Diagnostic) -> list[ItemVersion]:
    assert diagnostic.form is not None
    return [fi.item_version for fi in diagnostic.form.form_items.select_related("item_version")]


def diagnostic_next(diagnostic: Diagnostic) -> ItemVersion | None:
    """The question to show now, or None when the sitting is over."""
    if diagnostic.status != DiagnosticStatus.IN_PROGRESS:
        return None
    answered = _answered(diagnostic)
    if diagnostic.mode == Mode.FIXED:
        done = {item_id for item_id, _ in answered}
        return next((v for v in _form_versions(diagnostic) if v.pk not in done), None)
    bank = bank_load()
    current = cat.estimate(bank, answered)
    if answered and cat.should_stop(bank, answered, current, RULES):
        return None
    # Seeded by the sitting and the answer count: the same question after a reload.
    rng = random.Random(f"{diagnostic.pk}:{len(answered)}")  # noqa: S311 - not security
    item_id = cat.next_item(bank, answered, RULES, rng, current=current)
    return None if item_id is None else ItemVersion.objects.select_related("item").get(pk=item_id)


def progress(diagnostic: Diagnostic) -> tuple[int, int]:
    """(answered, planned): planned is the form's length or the adaptive cap."""
    answered = diagnostic.responses.count()
    if diagnostic.mode == Mode.FIXED:
        assert diagnostic.form is not None
        return answered, diagnostic.form.form_items.count()
    return answered, RULES.max_items


def _check_choice(version: ItemVersion, choice: str) -> None:
    keys = {option["key"] for option in version.options}
    if choice and choice not in keys:
        raise ValidationError(_("Choose one of the answers shown."), code="invalid_choice")


def diagnostic_answer(
    *, diagnostic: Diagnostic, item_version: ItemVersion, choice: str, by: User | None = None,
) -> Response:
    """Save one answer; completes the sitting when it was the last one.

    `choice` is an option key, or "" for "I don't know". The answer must be to
    the question the sitting is showing; sending the same answer again (a
    double tap, a retried request) returns the saved response unchanged.
    """
    with transaction.atomic():
        locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        saved = locked.responses.filter(item_version=item_version).first()
        if saved is not None:
            if saved.choice == choice:
                return saved
            raise ValidationError(
                _("This question has already been answered."), code="already_answered",
            )
        if locked.status != DiagnosticStatus.IN_PROGRESS:
            raise ValidationError(_("This test has already ended."), code="ended")
        expected = diagnostic_next(locked)
        if expected is None or expected.pk != item_version.pk:
            raise ValidationError(
                _("This is not the question being asked now. Please reload the page."),
                code="not_current",
            )
        _check_choice(item_version, choice)
        response = _response_write(locked, item_version, choice)
        if diagnostic_next(locked) is None:
            _complete(locked)
    diagnostic.refresh_from_db()
    return response


def _response_write(diagnostic: Diagnostic, version: ItemVersion, choice: str) -> Response:
    position = diagnostic.responses.count() + 1
    response = Response.objects.create(
        diagnostic=diagnostic, item_version=version, position=position, choice=choice,
        correct=bool(choice) and choice == version.answer,
    )
    if diagnostic.mode == Mode.ADAPTIVE:
        current = cat.estimate(bank_load(), _answered(diagnostic))
        response.theta_after, response.se_after = current.theta, current.se
        response.save(update_fields=["theta_after", "se_after"])
    return response


def diagnostic_paper_enter(
    *, application: Application, purpose: str, form: Form, choices: Mapping[int, str],
    by: User,
) -> Diagnostic:
    """Enter a whole paper sitting at once: {form position: option key or ""}.

    All or nothing: a missing position or an unknown option changes nothing.
    """
    versions = list(form.form_items.select_related("item_version").order_by("position"))
    missing = [fi.position for fi in versions if fi.position not in choices]
    if missing:
        raise ValidationError(
            _("Enter an answer (or 'no answer') for every question: %(positions)s")
            % {"positions": ", ".join(str(p) for p in missing)},
            code="incomplete",
        )
    unknown = sorted(set(choices) - {fi.position for fi in versions})
    if unknown:
        # Most likely another form's sheet: saving part of it would record wrong answers.
        raise ValidationError(
            _("This form has no questions numbered %(positions)s. Check that the sheet "
              "is for this form.") % {"positions": ", ".join(str(p) for p in unknown)},
            code="invalid",
        )
    with transaction.atomic():
        started = diagnostic_start(
            purpose=purpose, mode=Mode.FIXED, taken_via=TakenVia.PAPER,
            application=application, form=form, by=by,
        )
        diagnostic = started.diagnostic
        if diagnostic.taken_via != TakenVia.PAPER:
            # An open sitting on a tablet: it must be set aside before paper answers count.
            raise ValidationError(
                _("This learner has a test in progress on a tablet. Set it aside first, "
                  "then enter the paper answers."),
                code="in_progress",
            )
        if diagnostic.responses.exists():
            raise ValidationError(
                _("Answers for this test have already been entered."), code="already_entered",
            )
        for fi in versions:
            _check_choice(fi.item_version, choices[fi.position])
            _response_write(diagnostic, fi.item_version, choices[fi.position])
        _complete(diagnostic)
        audit_record(actor=by, action="diagnostic.paper_enter", target=diagnostic)
    diagnostic.refresh_from_db()
    return diagnostic


def diagnostic_abandon(*, diagnostic: Diagnostic, by: User | None = None) -> None:
    """Set an unfinished sitting aside (its answers stay); a new one may start."""
    with transaction.atomic():
        locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        if locked.status != DiagnosticStatus.IN_PROGRESS:
            raise ValidationError(_("Only a test in progress can be set aside."), code="ended")
        locked.status = DiagnosticStatus.ABANDONED
        locked.save(update_fields=["status"])
        audit_record(actor=by, action="diagnostic.abandon", target=locked)


# --- Scoring -----------------------------------------------------------------------


def diagnostic_finish(*, diagnostic: Diagnostic, by: User | None = None) -> None:
    """End a sitting early (the learner is tired): score what was answered."""
    with transaction.atomic():
        locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        if locked.status != DiagnosticStatus.IN_PROGRESS:
            raise ValidationError(_("This test has already ended."), code="ended")
        if not locked.responses.exists():
            raise ValidationError(_("No question has been answered yet."), code="empty")
        _complete(locked)
        audit_record(actor=by, action="diagnostic.finish_early", target=locked)
    diagnostic.refresh_from_db()


def _complete(diagnostic: Diagnostic) -> None:
    rows = list(diagnostic.responses.select_related("item_version__item"))
    versions = ItemVersion.objects.filter(pk__in=[r.item_version_id for r in rows])
    bank = bank_load(versions)
    overall = cat.estimate(bank, [(r.item_version_id, r.correct) for r in rows])
    diagnostic.theta, diagnostic.theta_se = overall.theta, overall.se
    diagnostic.score = scoring.theta_to_score(overall.theta)
    diagnostic.score_se = scoring.se_to_score(overall.se)
    diagnostic.area_scores = _area_scores(bank, rows)
    diagnostic.placement_level = scoring.placement_level(overall.theta)
    diagnostic.status = DiagnosticStatus.COMPLETED
    diagnostic.completed_at = timezone.now()
    diagnostic.save()


def _area_scores(bank: cat.Bank, rows: list[Response]) -> dict[str, dict[str, float]]:
    """Each area scored from its own answers only (fewer items: a larger error)."""
    result: dict[str, dict[str, float]] = {}
    for area in Area.values:
        answered = [
            (r.item_version_id, r.correct) for r in rows if r.item_version.item.area == area
        ]
        if not answered:
            continue
        est = cat.estimate(bank, answered)
        result[area] = {
            "theta": est.theta, "theta_se": est.se,
            "score": scoring.theta_to_score(est.theta), "score_se": scoring.se_to_score(est.se),
            "items": len(answered),
        }
    return result
