"""Staff pages for a class's pre- and post-tests: overview, tablet hand-over,
paper entry, setting a sitting aside, scoring early, the printable fixed form.

Who: `services.may_run_diagnostics` — the class's instructor and supporters,
its centre's managers, officers of its region, national administrators.
Anyone else gets a 404. Learners' names are masked on these pages (a masked
name and the year of birth are enough to hand a tablet to the right person).
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.handover import handover_start
from accounts.scoping import is_national, role_grants
from assessment import selectors
from assessment.documents import answer_key_pdf, form_pdf
from assessment.forms import PaperForm, StartForm, paper_questions
from assessment.models import Area, Diagnostic, DiagnosticStatus, Form, Purpose
from assessment.services import (
    diagnostic_abandon,
    diagnostic_finish,
    diagnostic_paper_enter,
    diagnostic_start,
    may_run_diagnostics,
    progress,
)
from attendance.selectors import class_for_its_staff
from attendance.services import confirmed_applications
from classes.models import CourseClass
from enrollment.models import Application
from kiosk.selectors import competency_evidence

COURSE_PURPOSES = (Purpose.PRE, Purpose.POST)
DEFAULT_FORM = "standard"


def _class(request: HttpRequest, class_id: int) -> CourseClass:
    course_class = class_for_its_staff(user=request.user, pk=class_id)
    if course_class is None:
        raise Http404
    return course_class


def _application(course_class: CourseClass, application_id: int) -> Application:
    return get_object_or_404(
        confirmed_applications(course_class.pk).select_related("learner"), pk=application_id,
    )


def _diagnostic(course_class: CourseClass, diagnostic_id: int) -> Diagnostic:
    return get_object_or_404(
        Diagnostic.objects.select_related("application__learner"),
        pk=diagnostic_id, application__course_class=course_class,
    )


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- The class's diagnostics -------------------------------------------------------


@dataclass
class Sitting:
    """A learner's pre- or post-test as the page shows it."""

    purpose: str
    diagnostic: Diagnostic | None
    answered: int = 0
    planned: int = 0

    @property
    def completed(self) -> bool:
        return self.diagnostic is not None and self.diagnostic.status == DiagnosticStatus.COMPLETED

    @property
    def in_progress(self) -> bool:
        return (
            self.diagnostic is not None
            and self.diagnostic.status == DiagnosticStatus.IN_PROGRESS
        )


@dataclass
class LearnerRow:
    application: Application
    pre: Sitting
    post: Sitting
    areas: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        if self.pre.completed and self.post.completed:
            assert self.pre.diagnostic and self.post.diagnostic
            return (self.post.diagnostic.score or 0) - (self.pre.diagnostic.score or 0)
        return None

    @property
    def sittings(self) -> list[Sitting]:
        return [self.pre, self.post]


def _sitting(purpose: str, diagnostic: Diagnostic | None) -> Sitting:
    sitting = Sitting(purpose=purpose, diagnostic=diagnostic)
    if sitting.in_progress:
        assert diagnostic is not None
        sitting.answered, sitting.planned = progress(diagnostic)
    return sitting


def _area_rows(pre: Sitting, post: Sitting) -> list[tuple[str, Any, Any]]:
    def area_score(sitting: Sitting, area: str) -> Any:
        if not sitting.completed:
            return None
        assert sitting.diagnostic is not None
        return sitting.diagnostic.area_scores.get(area, {}).get("score")

    rows = [
        (str(label), area_score(pre, value), area_score(post, value))
        for value, label in Area.choices
    ]
    return [row for row in rows if row[1] is not None or row[2] is not None]


def class_rows(course_class: CourseClass) -> list[LearnerRow]:
    applications = list(
        confirmed_applications(course_class.pk).select_related("learner").order_by("pk")
    )
    diagnostics: QuerySet[Diagnostic] = Diagnostic.objects.filter(
        application__in=applications, purpose__in=COURSE_PURPOSES,
    ).exclude(status=DiagnosticStatus.ABANDONED)
    found = {(d.application_id, d.purpose): d for d in diagnostics}
    rows = []
    for application in applications:
        pre = _sitting(Purpose.PRE, found.get((application.pk, Purpose.PRE)))
        post = _sitting(Purpose.POST, found.get((application.pk, Purpose.POST)))
        rows.append(LearnerRow(application=application, pre=pre, post=post,
                               areas=_area_rows(pre, post)))
    return rows


def class_counts(rows: list[LearnerRow]) -> dict[str, int]:
    return {
        "both": sum(1 for r in rows if r.pre.completed and r.post.completed),
        "pre_only": sum(1 for r in rows if r.pre.completed and not r.post.completed),
        "post_only": sum(1 for r in rows if r.post.completed and not r.pre.completed),
        "neither": sum(1 for r in rows if not r.pre.completed and not r.post.completed),
    }


@login_required
@require_GET
def class_view(request: HttpRequest, class_id: int) -> HttpResponse:
    course_class = _class(request, class_id)
    rows = class_rows(course_class)
    forms = list(Form.objects.all())
    # Real-life-mode goals on the practice machines (kiosk), by area, as evidence.
    evidence = competency_evidence([row.application.learner_id for row in rows])
    return render(request, "assessment/staff/class.html", {
        "class": course_class,
        "rows": rows,
        "kiosk_evidence": [
            (row.application, evidence[row.application.learner_id]) for row in rows
            if row.application.learner_id in evidence
        ],
        "counts": class_counts(rows),
        "start_form": StartForm(),
        "forms": forms,
        "paper_form": _default_form(forms),
    })


def _default_form(forms: list[Form]) -> Form | None:
    return next((f for f in forms if f.key == DEFAULT_FORM), forms[0] if forms else None)


# --- Tablet hand-over, setting aside, scoring early --------------------------------


@login_required
@require_POST
def start_view(request: HttpRequest, class_id: int, application_id: int) -> HttpResponse:
    """Start (or continue) the learner's sitting on this device, and open its first question."""
    course_class = _class(request, class_id)
    application = _application(course_class, application_id)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the test and the kind of test."))
        return redirect("assessment_staff:class", class_id=course_class.pk)
    mode, fixed = form.mode_and_form()
    try:
        started = diagnostic_start(
            purpose=form.cleaned_data["purpose"], mode=mode, application=application,
            form=fixed, by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("assessment_staff:class", class_id=course_class.pk)
    selectors.session_allow(request, started.diagnostic)
    handover_start(
        request, return_to=reverse("assessment_staff:class", kwargs={"class_id": course_class.pk}),
    )
    return redirect("assessment:take", pk=started.diagnostic.pk)


@login_required
def abandon_view(request: HttpRequest, class_id: int, diagnostic_id: int) -> HttpResponse:
    """Ask first (GET), then set the sitting aside (POST): the learner may start again."""
    course_class = _class(request, class_id)
    diagnostic = _diagnostic(course_class, diagnostic_id)
    if request.method == "POST":
        try:
            diagnostic_abandon(diagnostic=diagnostic, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The test was set aside. The learner can start again."))
        return redirect("assessment_staff:class", class_id=course_class.pk)
    if diagnostic.status != DiagnosticStatus.IN_PROGRESS:
        raise Http404
    answered, _planned = progress(diagnostic)
    return render(request, "assessment/staff/abandon.html", {
        "class": course_class, "diagnostic": diagnostic, "answered": answered,
    })


@login_required
@require_POST
def finish_view(request: HttpRequest, class_id: int, diagnostic_id: int) -> HttpResponse:
    course_class = _class(request, class_id)
    diagnostic = _diagnostic(course_class, diagnostic_id)
    try:
        diagnostic_finish(diagnostic=diagnostic, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The test was scored from the answers so far: %(score)s.")
                         % {"score": f"{diagnostic.score:.0f}"})
    return redirect("assessment_staff:class", class_id=course_class.pk)


# --- Paper entry -------------------------------------------------------------------


@login_required
def paper_view(
    request: HttpRequest, class_id: int, application_id: int, purpose: str,
) -> HttpResponse:
    course_class = _class(request, class_id)
    application = _application(course_class, application_id)
    if purpose not in COURSE_PURPOSES or not may_run_diagnostics(request.user, application):
        raise Http404
    fixed = selectors.form_by_key(request.GET.get("form") or DEFAULT_FORM)
    if fixed is None:
        raise Http404
    questions = paper_questions(fixed)
    form = PaperForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            diagnostic = diagnostic_paper_enter(
                application=application, purpose=purpose, form=fixed,
                choices=form.cleaned_data["choices"], by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _(
                "The answer sheet was saved. Score: %(score)s (± %(se)s)."
            ) % {"score": f"{diagnostic.score:.0f}", "se": f"{diagnostic.score_se:.0f}"})
            return redirect("assessment_staff:class", class_id=course_class.pk)
    return render(request, "assessment/staff/paper.html", {
        "class": course_class, "application": application, "purpose": purpose,
        "purpose_label": Purpose(purpose).label, "fixed": fixed, "form": form,
        "rows": [(q, form[q.field_name]) for q in questions],
    })


# --- The printable fixed form ------------------------------------------------------


def _is_staff(user: Any) -> bool:
    return is_national(user) or bool(role_grants(user))


@login_required
@require_GET
def form_pdf_view(request: HttpRequest, key: str) -> HttpResponse:
    """The fixed form on paper (no personal data: the learner writes their name)."""
    if not _is_staff(request.user):
        raise Http404
    fixed = get_object_or_404(Form, key=key)
    response = HttpResponse(form_pdf(fixed), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diagnostic-{fixed.key}.pdf"'
    return response


@login_required
@require_GET
def form_key_pdf_view(request: HttpRequest, key: str) -> HttpResponse:
    """The fixed form's answer grid, printed apart from the test handed to learners."""
    if not _is_staff(request.user):
        raise Http404
    fixed = get_object_or_404(Form, key=key)
    response = HttpResponse(answer_key_pdf(fixed), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diagnostic-{fixed.key}-answers.pdf"'
    return response
