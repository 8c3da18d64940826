import pytest

from assessment.models import DiagnosticStatus, Mode, Purpose
from assessment.services import diagnostic_answer, diagnostic_next, diagnostic_start
from assessment.testing import small_bank
from enrollment.testing import apply, recruiting_class

pytestmark = pytest.mark.django_db


def test_adaptive_sitting_runs_to_the_end(people):
    small_bank()
    applied = apply(recruiting_class(people))
    started = diagnostic_start(purpose=Purpose.PRE, mode=Mode.ADAPTIVE, application=applied.application)
    diagnostic = started.diagnostic
    for _ in range(40):
        item = diagnostic_next(diagnostic)
        if item is None:
            break
        diagnostic_answer(diagnostic=diagnostic, item_version=item, choice="a")
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.COMPLETED
    assert diagnostic.score > 50
    assert set(diagnostic.area_scores) == {"device", "information", "communication", "services", "safety"}
