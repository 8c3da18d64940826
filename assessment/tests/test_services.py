"""The rules of a sitting: one per application and purpose, nothing lost, resumable."""

import pytest
from django.core.exceptions import ValidationError

from assessment import services
from assessment.models import Diagnostic, DiagnosticStatus, Mode, Purpose, Response, TakenVia
from assessment.services import (
    diagnostic_abandon,
    diagnostic_answer,
    diagnostic_by_resume_code,
    diagnostic_finish,
    diagnostic_next,
    diagnostic_paper_enter,
    diagnostic_start,
)
from assessment.testing import fixed_form, small_bank
from audit.models import AuditEntry
from enrollment.models import ApplicationStatus
from enrollment.services import application_cancel
from enrollment.testing import apply, recruiting_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return small_bank()


@pytest.fixture
def application(people):
    return apply(recruiting_class(people)).application


def start(application, **kwargs):
    kwargs.setdefault("purpose", Purpose.PRE)
    kwargs.setdefault("mode", Mode.ADAPTIVE)
    return diagnostic_start(application=application, **kwargs)


def answer_all(diagnostic, choose=lambda version: version.answer, limit=100):
    for _ in range(limit):
        version = diagnostic_next(diagnostic)
        if version is None:
            return
        diagnostic_answer(diagnostic=diagnostic, item_version=version, choice=choose(version))
    raise AssertionError("the sitting never ended")


def test_it_runs_an_adaptive_sitting_to_a_scored_end(bank, application):
    diagnostic = start(application).diagnostic
    answer_all(diagnostic)
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.COMPLETED
    assert diagnostic.responses.count() <= services.RULES.max_items
    assert diagnostic.score is not None and diagnostic.score > 50
    assert diagnostic.score_se == pytest.approx(diagnostic.theta_se * 50 / 3)
    assert set(diagnostic.area_scores) == {
        "device", "information", "communication", "services", "safety",
    }
    assert diagnostic.placement_level


def test_it_scores_all_wrong_below_all_right(bank, people):
    right = start(apply(recruiting_class(people)).application).diagnostic
    wrong = start(apply(recruiting_class(people)).application).diagnostic
    answer_all(right)
    answer_all(wrong, choose=lambda version: "")
    right.refresh_from_db()
    wrong.refresh_from_db()
    assert wrong.score < 50 < right.score


def test_it_shows_the_same_question_after_a_reload(bank, application):
    diagnostic = start(application).diagnostic
    first = diagnostic_next(diagnostic)
    diagnostic_answer(diagnostic=diagnostic, item_version=first, choice=first.answer)
    shown = diagnostic_next(diagnostic)
    assert all(diagnostic_next(diagnostic) == shown for _ in range(3))


def test_it_returns_the_saved_answer_when_the_same_answer_comes_twice(bank, application):
    diagnostic = start(application).diagnostic
    version = diagnostic_next(diagnostic)
    saved = diagnostic_answer(diagnostic=diagnostic, item_version=version, choice="b")
    again = diagnostic_answer(diagnostic=diagnostic, item_version=version, choice="b")
    assert again.pk == saved.pk
    assert diagnostic.responses.count() == 1


def test_it_refuses_a_changed_answer_and_keeps_the_first(bank, application):
    diagnostic = start(application).diagnostic
    version = diagnostic_next(diagnostic)
    diagnostic_answer(diagnostic=diagnostic, item_version=version, choice="b")
    with pytest.raises(ValidationError) as refused:
        diagnostic_answer(diagnostic=diagnostic, item_version=version, choice="a")
    assert refused.value.code == "already_answered"
    assert Response.objects.get(diagnostic=diagnostic).choice == "b"


def test_it_refuses_an_answer_to_a_question_not_asked(bank, application):
    diagnostic = start(application).diagnostic
    shown = diagnostic_next(diagnostic)
    other = next(v for v in bank if v.pk != shown.pk)
    with pytest.raises(ValidationError) as refused:
        diagnostic_answer(diagnostic=diagnostic, item_version=other, choice="a")
    assert refused.value.code == "not_current"
    assert not diagnostic.responses.exists()


def test_it_refuses_an_option_that_does_not_exist(bank, application):
    diagnostic = start(application).diagnostic
    shown = diagnostic_next(diagnostic)
    with pytest.raises(ValidationError):
        diagnostic_answer(diagnostic=diagnostic, item_version=shown, choice="z")
    assert not diagnostic.responses.exists()


def test_it_continues_the_open_sitting_instead_of_starting_another(bank, application):
    started = start(application)
    again = start(application)
    assert again.diagnostic.pk == started.diagnostic.pk
    assert again.resume_code is None
    assert Diagnostic.objects.filter(application=application).count() == 1


def test_it_refuses_a_second_pre_test_once_one_is_completed(bank, application):
    answer_all(start(application).diagnostic)
    with pytest.raises(ValidationError) as refused:
        start(application)
    assert refused.value.code == "completed"


def test_it_allows_a_new_sitting_after_one_is_set_aside_and_keeps_the_old_answers(
    bank, application,
):
    first = start(application).diagnostic
    version = diagnostic_next(first)
    diagnostic_answer(diagnostic=first, item_version=version, choice="a")
    diagnostic_abandon(diagnostic=first)
    second = start(application).diagnostic
    assert second.pk != first.pk
    assert first.responses.count() == 1


def test_it_finds_the_sitting_by_its_resume_code_in_any_spelling(bank, application):
    started = start(application)
    code = started.resume_code
    spaced = f"{code[:4].lower()} - {code[4:]}"
    assert diagnostic_by_resume_code(spaced) == started.diagnostic
    assert diagnostic_by_resume_code("AAAA") is None
    diagnostic_abandon(diagnostic=started.diagnostic)
    assert diagnostic_by_resume_code(code) is None


def test_it_gives_no_resume_code_on_paper(bank, application):
    started = start(application, taken_via=TakenVia.PAPER, mode=Mode.FIXED,
                    form=fixed_form(bank))
    assert started.resume_code is None
    assert started.diagnostic.resume_code_hash == ""


def test_it_refuses_course_tests_for_learners_without_a_confirmed_place(bank, people):
    course_class = recruiting_class(people, capacity=1)
    apply(course_class)
    waiting = apply(course_class).application
    assert waiting.status == ApplicationStatus.WAITLISTED
    with pytest.raises(ValidationError):
        start(waiting)
    with pytest.raises(ValidationError):
        diagnostic_start(purpose=Purpose.PRE, mode=Mode.ADAPTIVE)


def test_it_starts_an_anonymous_placement_test(bank):
    started = diagnostic_start(purpose=Purpose.PLACEMENT, mode=Mode.ADAPTIVE)
    assert started.diagnostic.learner is None
    assert started.resume_code


def test_it_enters_a_paper_form_all_or_nothing(bank, application, people):
    form = fixed_form(bank, size=10)
    choices = {position: "a" for position in range(1, 10)}  # question 10 missing
    with pytest.raises(ValidationError) as refused:
        diagnostic_paper_enter(application=application, purpose=Purpose.PRE, form=form,
                               choices=choices, by=people.manager)
    assert "10" in refused.value.messages[0]
    choices[10] = "q"  # not an option
    with pytest.raises(ValidationError):
        diagnostic_paper_enter(application=application, purpose=Purpose.PRE, form=form,
                               choices=choices, by=people.manager)
    assert not Diagnostic.objects.exists()
    choices[10] = ""
    diagnostic = diagnostic_paper_enter(application=application, purpose=Purpose.PRE,
                                        form=form, choices=choices, by=people.manager)
    assert diagnostic.status == DiagnosticStatus.COMPLETED
    assert diagnostic.responses.filter(correct=True).count() == 9
    assert AuditEntry.objects.filter(action="diagnostic.paper_enter").exists()


def test_it_refuses_a_paper_sheet_with_questions_the_form_does_not_have(
    bank, application, people,
):
    form = fixed_form(bank, size=3)
    # A 3-question form sent a longer sheet (another form's answers): nothing is saved.
    choices = {position: "a" for position in range(1, 6)}
    with pytest.raises(ValidationError) as refused:
        diagnostic_paper_enter(application=application, purpose=Purpose.PRE, form=form,
                               choices=choices, by=people.manager)
    assert "4, 5" in refused.value.messages[0]
    assert not Diagnostic.objects.exists()


def test_it_refuses_paper_entry_by_staff_of_another_centre(bank, people):
    application = apply(recruiting_class(people, center=people.seocho_center)).application
    form = fixed_form(bank, size=3)
    with pytest.raises(ValidationError) as refused:
        diagnostic_paper_enter(application=application, purpose=Purpose.PRE, form=form,
                               choices={1: "a", 2: "a", 3: "a"}, by=people.manager)
    assert refused.value.code == "out_of_scope"


def test_it_scores_what_was_answered_when_finished_early(bank, application):
    diagnostic = start(application).diagnostic
    with pytest.raises(ValidationError):
        diagnostic_finish(diagnostic=diagnostic)
    for _ in range(3):
        version = diagnostic_next(diagnostic)
        diagnostic_answer(diagnostic=diagnostic, item_version=version, choice=version.answer)
    diagnostic_finish(diagnostic=diagnostic)
    assert diagnostic.status == DiagnosticStatus.COMPLETED
    assert diagnostic.theta_se > services.RULES.se_target


def test_it_keeps_the_answers_of_a_cancelled_learner(bank, application):
    diagnostic = start(application).diagnostic
    version = diagnostic_next(diagnostic)
    diagnostic_answer(diagnostic=diagnostic, item_version=version, choice="a")
    application_cancel(application=application, by=None)
    assert Response.objects.filter(diagnostic=diagnostic).count() == 1
