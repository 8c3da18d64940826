"""Real concurrency on a sitting: two requests answering the same question at once.

A double tap on a slow phone, or the same sitting open on two tablets, sends
two answers to one question together. Exactly one response is kept; the
same answer twice is a harmless retry, a different second answer is refused.
Each thread has its own connection (`threads_db` moves the SQLite test
database to a file for the test's duration).
"""

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.testing import KEEP_REGIONS
from assessment import services
from assessment.models import Diagnostic, Mode, Purpose, Response
from assessment.services import (
    diagnostic_answer,
    diagnostic_next,
    diagnostic_paper_enter,
    diagnostic_start,
)
from assessment.testing import fixed_form, small_bank
from enrollment.testing import apply, recruiting_class
from lib.testing import at_once

pytestmark = pytest.mark.django_db(transaction=True, available_apps=KEEP_REGIONS)


def _sitting() -> tuple[Diagnostic, Any]:
    small_bank()
    diagnostic = diagnostic_start(purpose=Purpose.PLACEMENT, mode=Mode.ADAPTIVE).diagnostic
    version = diagnostic_next(diagnostic)
    assert version is not None
    return diagnostic, version


def _answer(diagnostic_id: int, version: Any, choice: str) -> Callable[[], Any]:
    def call() -> Any:
        return diagnostic_answer(
            diagnostic=Diagnostic.objects.get(pk=diagnostic_id), item_version=version,
            choice=choice,
        )
    return call


def test_it_keeps_one_response_when_the_same_answer_comes_twice_at_once(threads_db):
    diagnostic, version = _sitting()
    results = at_once([_answer(diagnostic.pk, version, "a") for _ in range(2)])

    assert all(isinstance(r, Response) for r in results), results
    assert results[0].pk == results[1].pk
    assert list(Response.objects.values_list("item_version_id", "position", "choice")) == [
        (version.pk, 1, "a"),
    ]


def test_it_keeps_the_first_of_two_different_answers_at_once(threads_db):
    diagnostic, version = _sitting()
    results = at_once([_answer(diagnostic.pk, version, c) for c in ("a", "b")])

    saved = [r for r in results if isinstance(r, Response)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert refused[0].code == "already_answered"
    kept = Response.objects.get()
    assert (kept.item_version_id, kept.position, kept.choice) == (
        version.pk, 1, saved[0].choice,
    )


def test_it_opens_one_sitting_when_a_course_test_is_started_twice_at_once(
    threads_db, monkeypatch,
):
    small_bank()
    # A slow moment inside the first start's transaction lets the second one in.
    write_audit = services.audit_record

    def slow_audit(**kwargs: Any) -> Any:
        time.sleep(0.2)
        return write_audit(**kwargs)

    monkeypatch.setattr(services, "audit_record", slow_audit)
    application = apply(recruiting_class(threads_db)).application

    def start() -> Any:
        return diagnostic_start(
            purpose=Purpose.PRE, mode=Mode.ADAPTIVE, application=application,
        ).diagnostic.pk

    results = at_once([start for _ in range(4)])

    assert all(isinstance(r, int) for r in results), results
    assert set(results) == {Diagnostic.objects.get(application=application).pk}


def test_it_saves_one_paper_sheet_when_it_is_entered_twice_at_once(threads_db):
    form = fixed_form(small_bank(), size=5)
    application = apply(recruiting_class(threads_db)).application

    def enter() -> Any:
        return diagnostic_paper_enter(
            application=application, purpose=Purpose.PRE, form=form,
            choices={position: "a" for position in range(1, 6)}, by=threads_db.manager,
        )

    results = at_once([enter for _ in range(2)])

    saved = [r for r in results if isinstance(r, Diagnostic)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert Diagnostic.objects.get().responses.count() == 5
