"""Survey pages: the learner's link (/survey/<token>/) and the class's staff page.

The staff page lists the class's confirmed learners (masked names) with
whether they answered, never what. Its results are aggregates without names;
an instructor or supporter sees them only as surveys.selectors allows (the
small-cell rule, docs/surveys.md). Entering paper answers and handing the
tablet are for staff who may take the class's attendance; anyone else gets 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.handover import handover_start
from attendance.selectors import class_for_its_staff
from attendance.services import confirmed_applications
from classes.models import CourseClass
from enrollment.models import Application
from surveys.models import AnsweredVia, SurveyKind, SurveyResponse
from surveys.questionnaire import MULTI, Questionnaire, questionnaire_get
from surveys.selectors import MIN_CELL, class_survey_results
from surveys.services import (
    OPEN_STATUSES,
    invitation_by_token,
    invitation_expired,
    survey_invite,
    survey_submit,
)

# --- Forms (shared by the link, the tablet and paper entry) -------------------------


def _answers_from_post(questionnaire: Questionnaire, post: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in questionnaire.answerable:
        if question.type == MULTI:
            answers[question.key] = post.getlist(question.key)
        else:
            answers[question.key] = post.get(question.key) or None
    return answers


def _questions(
    questionnaire: Questionnaire, course_class: CourseClass, chosen: dict[str, Any],
) -> list[dict[str, Any]]:
    """The questions with their choices for this course, and what is already chosen."""
    rows = []
    for number, question in enumerate(questionnaire.questions, start=1):
        value = chosen.get(question.key)
        selected = {str(v) for v in value} if isinstance(value, list) else {str(value)}
        rows.append({
            "number": number, "question": question,
            "choices": [
                {"choice": choice, "checked": str(choice.value) in selected}
                for choice in question.choices_for(course_class.course.topic)
            ],
        })
    return rows


def _submit_from_post(
    request: HttpRequest, *, application: Application, kind: str, via: str, **who: Any,
) -> tuple[bool, list[str], dict[str, Any]]:
    questionnaire = questionnaire_get(kind)
    answers = _answers_from_post(questionnaire, request.POST)
    try:
        survey_submit(
            application=application, kind=kind, answers=answers,
            comment=request.POST.get("comment", ""), answered_via=via, **who,
        )
    except ValidationError as error:
        return False, list(error.messages), answers
    return True, [], answers


# --- The learner's link ------------------------------------------------------------


def answer_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(request, "surveys/link_unknown.html", status=404)
    application = invitation.application
    course_class = application.course_class
    if SurveyResponse.objects.filter(application=application, kind=invitation.kind).exists():
        return render(request, "surveys/thanks.html", {"class": course_class})
    if invitation_expired(invitation):
        return render(request, "surveys/link_expired.html", {"class": course_class}, status=410)
    errors: list[str] = []
    chosen: dict[str, Any] = {}
    if request.method == "POST":
        done, errors, chosen = _submit_from_post(
            request, application=application, kind=invitation.kind, via=AnsweredVia.PHONE,
            invitation=invitation,
        )
        if done:
            return redirect("surveys-answer", token=token)
    return _form(request, invitation.kind, course_class, chosen, errors, comment="")


def _form(
    request: HttpRequest, kind: str, course_class: CourseClass, chosen: dict[str, Any],
    errors: list[str], *, comment: str, template: str = "surveys/answer.html",
    **extra: Any,
) -> HttpResponse:
    questionnaire = questionnaire_get(kind)
    return render(request, template, {
        "questionnaire": questionnaire, "class": course_class,
        "questions": _questions(questionnaire, course_class, chosen),
        "errors": errors, "comment": request.POST.get("comment", comment),
        **extra,
    }, status=422 if errors else 200)


# --- Staff ---------------------------------------------------------------------------


def _class(request: HttpRequest, pk: int) -> CourseClass:
    course_class = class_for_its_staff(user=request.user, pk=pk)
    if course_class is None:
        raise Http404
    return course_class


def _application(course_class: CourseClass, application_pk: int) -> Application:
    return get_object_or_404(
        confirmed_applications(course_class).select_related("learner"), pk=application_pk,
    )


def _class_url(course_class: CourseClass, kind: str) -> str:
    return reverse("surveys-class", args=[course_class.pk]) + f"?kind={kind}"


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or SurveyKind.COURSE_END
    if kind not in SurveyKind.values:
        raise Http404
    return kind


def _per_question(questionnaire: Questionnaire, summary: Any) -> list[tuple[Any, Any, Any]]:
    """(question, mean, answers) rows; a mean the user may not see is None."""
    return [
        (question, summary.per_question.get(question.key),
         summary.per_question_n.get(question.key))
        for question in questionnaire.scored
    ]


@login_required
def class_view(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _class(request, pk)
    kind = _kind(request)
    applications = list(confirmed_applications(course_class).select_related("learner"))
    responses = SurveyResponse.objects.filter(application__course_class=course_class, kind=kind)
    labels = dict(AnsweredVia.choices)
    answered = {
        pk: labels[via] for pk, via in responses.values_list("application_id", "answered_via")
    }
    results = class_survey_results(user=request.user, course_class=course_class, kind=kind)
    summary = results.satisfaction
    return render(request, "surveys/class.html", {
        "class": course_class, "kind": kind, "kinds": SurveyKind.choices,
        "rows": [(application, answered.get(application.pk)) for application in applications],
        "n": len(answered), "summary": summary, "min_cell": MIN_CELL,
        "visible": summary is not None or results.follow_up is not None,
        "full": results.full, "opens_on": results.opens_on,
        "per_question": _per_question(questionnaire_get(kind), summary) if summary else [],
        "comments": results.comments,
        "open": course_class.status in OPEN_STATUSES[kind],
        "follow": results.follow_up,
    })


@login_required
def paper_view(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """Entering one learner's paper questionnaire; saved whole or not at all."""
    course_class = _class(request, pk)
    application = _application(course_class, application_pk)
    kind = _kind(request)
    chosen: dict[str, Any] = {}
    errors: list[str] = []
    if request.method == "POST":
        done, errors, chosen = _submit_from_post(
            request, application=application, kind=kind, via=AnsweredVia.PAPER, by=request.user,
        )
        if done:
            messages.success(request, _("The questionnaire was saved."))
            following = _next_unanswered(course_class, kind, after=application.pk)
            if following is not None and "next" in request.POST:
                url = reverse("surveys-paper", args=[course_class.pk, following.pk])
                return redirect(f"{url}?kind={kind}")
            return redirect(_class_url(course_class, kind))
    return _form(
        request, kind, course_class, chosen, errors, comment="",
        template="surveys/paper.html", application=application,
    )


def _next_unanswered(course_class: CourseClass, kind: str, *, after: int) -> Application | None:
    return (
        confirmed_applications(course_class).filter(pk__gt=after)
        .exclude(survey_responses__kind=kind).first()
    )


@login_required
def tablet_view(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """The learner answers on staff's tablet: the page shows nothing of anyone else."""
    course_class = _class(request, pk)
    application = _application(course_class, application_pk)
    kind = _kind(request)
    # Only this page keeps the staff login until the password is given again.
    handover_start(request, return_to=_class_url(course_class, kind), allowed=(request.path,))
    if SurveyResponse.objects.filter(application=application, kind=kind).exists():
        return render(request, "surveys/thanks.html", {"class": course_class, "tablet": True})
    chosen: dict[str, Any] = {}
    errors: list[str] = []
    if request.method == "POST":
        done, errors, chosen = _submit_from_post(
            request, application=application, kind=kind, via=AnsweredVia.TABLET, by=request.user,
        )
        if done:
            return render(request, "surveys/thanks.html", {"class": course_class, "tablet": True})
    return _form(request, kind, course_class, chosen, errors, comment="", tablet=True)


@login_required
@require_POST
def send_view(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    course_class = _class(request, pk)
    application = _application(course_class, application_pk)
    kind = _kind(request)
    try:
        survey_invite(application=application, kind=kind, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The survey link was sent by text message."))
    return redirect(_class_url(course_class, kind))
