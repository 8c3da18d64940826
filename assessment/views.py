"""The learner's test pages: the placement test, one question per screen, pause, resume, result.

No account: the browser that starts a sitting (or is handed it by staff, or
types its resume code) is remembered in the session (`selectors.session_allow`).
Every answer is a plain form that posts and redirects, so the test works
without JavaScript; the answer is saved before the next question is shown,
so a closed tab or a dead battery loses nothing. JavaScript only adds the
read-aloud button.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import resume_limit, selectors, services
from assessment.models import (
    Area,
    Diagnostic,
    DiagnosticStatus,
    ItemLevel,
    ItemVersion,
    Mode,
    Purpose,
    TakenVia,
)
from enrollment.views import managed_application
from privacy.crypto import DecryptionError, decrypt, encrypt
from regions.models import Region
from regions.selectors import region_list

CODE_KEY = "assessment-code"
CODE_CONTEXT = "assessment.session.resume_code"


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The number you wrote down"), max_length=30,
        help_text=gettext_lazy("8 letters and numbers, for example ABCD 2345."),
        error_messages={"required": gettext_lazy("Enter the number you wrote down.")},
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
            "class": "code-input",
        }),
    )

    def clean_code(self) -> str:
        code = services.resume_code_clean(str(self.cleaned_data["code"]))
        if len(code) != services.RESUME_CODE_LENGTH:
            raise ValidationError(
                _("The number has 8 letters and numbers. Please check what you wrote down."),
            )
        return code


# --- Access ------------------------------------------------------------------------


def _sitting(request: HttpRequest, pk: int) -> Diagnostic | HttpResponse:
    """The sitting, or the kind page that explains how to continue it.

    A sitting that does not exist gets the same page: the answer tells a
    guesser nothing about which numbers are sittings.
    """
    diagnostic = (
        Diagnostic.objects.select_related("application__course_class", "form")
        .filter(pk=pk).first()
    )
    if diagnostic is None or not selectors.session_may_take(request, diagnostic):
        return render(request, "assessment/take/refused.html", status=403)
    return diagnostic


def _remember_code(request: HttpRequest, diagnostic: Diagnostic, code: str | None) -> None:
    if code:
        # Encrypted like the application code: sessions are rows in the database.
        request.session[CODE_KEY] = {
            "diagnostic": diagnostic.pk, "code": encrypt(code, context=CODE_CONTEXT),
        }


def _to_page(name: str, pk: int) -> HttpResponse:
    """A test page scrolled to its content: on a small phone with very large text
    the site header alone fills the first screen, and every answer reloads the page."""
    return HttpResponseRedirect(reverse(name, args=[pk]) + "#main")


def _continue(request: HttpRequest, started: services.Started) -> HttpResponse:
    selectors.session_allow(request, started.diagnostic)
    if started.resume_code:
        _remember_code(request, started.diagnostic, started.resume_code)
        return _to_page("assessment:code", started.diagnostic.pk)
    return _to_page("assessment:take", started.diagnostic.pk)


# --- Starting ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def placement(request: HttpRequest) -> HttpResponse:
    """The placement test's start page; the button starts an anonymous adaptive sitting."""
    if request.method == "GET":
        return render(request, "assessment/take/start.html", {
            "max_items": services.RULES.max_items,
        })
    if not resume_limit.placement_may_start(request):
        return render(request, "assessment/take/start.html", {
            "max_items": services.RULES.max_items,
            "error": _("Many tests were started from this place in the last hour. "
                       "Please try again in a while."),
        }, status=429)
    started = services.diagnostic_start(
        purpose=Purpose.PLACEMENT, mode=Mode.ADAPTIVE, taken_via=TakenVia.SELF,
    )
    return _continue(request, started)


@require_POST
def course_start(request: HttpRequest) -> HttpResponse:
    """Start (or continue) the pre- or post-test from the learner's opened application page."""
    application = managed_application(request)
    if application is None:
        return redirect("enrollment-manage")
    purpose = selectors.course_test_due(application, today=timezone.localdate())
    if purpose is None:
        messages.info(request, _("There is no test to take for this class right now."))
        return redirect("enrollment-manage")
    try:
        started = services.diagnostic_start(
            purpose=purpose, mode=Mode.ADAPTIVE, taken_via=TakenVia.SELF,
            application=application,
        )
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect("enrollment-manage")
    if started.diagnostic.taken_via != TakenVia.SELF:
        messages.info(request, _("Your teacher is entering this test from paper."))
        return redirect("enrollment-manage")
    return _continue(request, started)


@require_GET
def code(request: HttpRequest, pk: int) -> HttpResponse:
    """The resume code, shown once in large print before the first question."""
    diagnostic = _sitting(request, pk)
    if isinstance(diagnostic, HttpResponse):
        return diagnostic
    shown = ""
    remembered = request.session.get(CODE_KEY)
    if isinstance(remembered, dict) and remembered.get("diagnostic") == diagnostic.pk:
        # Shown once: a reload (or the next person at a shared tablet) sees no code.
        request.session.pop(CODE_KEY)
        try:
            shown = decrypt(remembered["code"], context=CODE_CONTEXT)
        except (DecryptionError, KeyError):
            shown = ""
    return render(request, "assessment/take/code.html", {
        "diagnostic": diagnostic, "code": _spaced(shown),
    })


def _spaced(code: str) -> str:
    """ABCD2345 → "ABCD 2345": easier to copy down and to read back."""
    return f"{code[:4]} {code[4:]}" if code else ""


# --- The questions -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = _sitting(request, pk)
    if isinstance(diagnostic, HttpResponse):
        return diagnostic
    if request.method == "POST":
        return _answer(request, diagnostic)
    if diagnostic.status == DiagnosticStatus.COMPLETED:
        return _to_page("assessment:result", diagnostic.pk)
    if diagnostic.status == DiagnosticStatus.ABANDONED:
        return render(request, "assessment/take/ended.html", {"diagnostic": diagnostic})
    version = services.diagnostic_next(diagnostic)
    if version is None:
        return _end_without_question(request, diagnostic)
    answered, planned = services.progress(diagnostic)
    return render(request, "assessment/take/question.html", {
        "diagnostic": diagnostic, "version": version, "number": answered + 1,
        "planned": planned if diagnostic.mode == Mode.FIXED else None,
    })


def _end_without_question(request: HttpRequest, diagnostic: Diagnostic) -> HttpResponse:
    """No question left but not scored (the bank shrank under an open sitting): score it."""
    try:
        services.diagnostic_finish(diagnostic=diagnostic)
    except ValidationError:
        return render(request, "assessment/take/ended.html", {"diagnostic": diagnostic})
    return _to_page("assessment:result", diagnostic.pk)


CALM_MESSAGE = gettext_lazy(
    "Your answers so far are all saved. Here is the question you are on now.",
)


def _answer(request: HttpRequest, diagnostic: Diagnostic) -> HttpResponse:
    """Save one tapped answer, then show the next question (or the result)."""
    question = _int(request.POST.get("question"))
    version = None if question is None else ItemVersion.objects.filter(pk=question).first()
    if version is None:
        messages.info(request, CALM_MESSAGE)
        return _to_page("assessment:take", diagnostic.pk)
    try:
        services.diagnostic_answer(
            diagnostic=diagnostic, item_version=version, choice=request.POST.get("choice", ""),
        )
    except ValidationError as error:
        if error.code == "invalid_choice":
            messages.info(request, _("Please choose one of the answers shown."))
        elif error.code != "ended":
            # A double tap, the back button, a second tab: nothing is lost.
            messages.info(request, CALM_MESSAGE)
        return _to_page("assessment:take", diagnostic.pk)
    if diagnostic.status == DiagnosticStatus.COMPLETED:
        return _to_page("assessment:result", diagnostic.pk)
    return _to_page("assessment:take", diagnostic.pk)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = _sitting(request, pk)
    if isinstance(diagnostic, HttpResponse):
        return diagnostic
    if diagnostic.status == DiagnosticStatus.COMPLETED:
        return _to_page("assessment:result", diagnostic.pk)
    answered, _planned = services.progress(diagnostic)
    return render(request, "assessment/take/pause.html", {
        "diagnostic": diagnostic, "answered": answered,
    })


# --- Resuming ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest) -> HttpResponse:
    """Continue a sitting on any phone or tablet with the code written down at the start."""
    if request.method == "GET":
        return render(request, "assessment/take/resume.html", {"form": ResumeForm()})
    if resume_limit.resume_locked(request):
        return render(request, "assessment/take/resume.html", {
            "form": ResumeForm(), "locked": True,
        }, status=429)
    form = ResumeForm(request.POST)
    if form.is_valid():
        diagnostic = services.diagnostic_by_resume_code(form.cleaned_data["code"])
        if diagnostic is not None:
            selectors.session_allow(request, diagnostic)
            return _to_page("assessment:take", diagnostic.pk)
        resume_limit.resume_failed(request)
        form.add_error("code", _(
            "We could not find a test in progress with this number. Please check each "
            "letter and number. A finished test cannot be continued.",
        ))
    return render(request, "assessment/take/resume.html", {"form": form}, status=400)


# --- The result --------------------------------------------------------------------


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def _area_rows(diagnostic: Diagnostic, before: Diagnostic | None) -> list[dict[str, Any]]:
    rows = []
    for area in Area:
        scores = diagnostic.area_scores.get(area.value)
        if not scores:
            continue
        row: dict[str, Any] = {
            "key": area.value, "label": area.label, "score": _rounded(scores["score"]),
            "error": _rounded(scores["score_se"]), "change": None, "change_size": None,
        }
        earlier = before.area_scores.get(area.value) if before is not None else None
        if earlier:
            row["change"] = round(scores["score"]) - round(earlier["score"])
            row["change_size"] = abs(row["change"])
        rows.append(row)
    return rows


@require_GET
def result(request: HttpRequest, pk: int) -> HttpResponse:
    diagnostic = _sitting(request, pk)
    if isinstance(diagnostic, HttpResponse):
        return diagnostic
    if diagnostic.status != DiagnosticStatus.COMPLETED:
        return _to_page("assessment:take", diagnostic.pk)
    before = selectors.pre_test_of(diagnostic)
    change = None
    if before is not None and before.score is not None and diagnostic.score is not None:
        change = round(diagnostic.score) - round(before.score)
    level = diagnostic.placement_level
    return render(request, "assessment/take/result.html", {
        "diagnostic": diagnostic,
        "score": _rounded(diagnostic.score), "error": _rounded(diagnostic.score_se),
        "areas": _area_rows(diagnostic, before), "before": before, "change": change,
        "change_size": abs(change) if change is not None else None,
        "level": level, "level_label": ItemLevel(level).label if level else "",
        "center": diagnostic.application.course_class.center if diagnostic.application else None,
        # A placement result lists classes at its level in the 시·도 the learner picks.
        "sidos": region_list(level=Region.Level.SIDO) if level else [],
    })
