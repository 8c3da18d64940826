"""Taking a diagnostic through the API, and entering a paper sheet.

    POST /api/v1/diagnostics                      start (placement: public; pre/post: staff)
    GET  /api/v1/diagnostics/{id}/next            the current question, or the result
    POST /api/v1/diagnostics/{id}/answers         answer it: the next question, or the result
    POST /api/v1/diagnostics/paper                a whole paper answer sheet (staff)

A sitting is reached with its resume code (header `X-Resume-Code`, given
once by the start) or by staff in scope (Bearer token); anything else is the
same 404. The correct answer is never sent. Refusals are `{"message": <Korean>,
"code": …}`. See docs/diagnostics.md, "API".
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from accounts.models import User
from assessment import resume_limit
from assessment.models import (
    Diagnostic,
    DiagnosticStatus,
    ItemVersion,
    Mode,
    Purpose,
)
from assessment.selectors import form_by_key
from assessment.services import (
    diagnostic_answer,
    diagnostic_next,
    diagnostic_paper_enter,
    diagnostic_start,
    may_run_diagnostics,
    progress,
    resume_code_matches,
)
from enrollment.api import BEARER_OR_PUBLIC, answer, staff_caller
from enrollment.models import Application

router = Router(tags=["diagnostics"])

# Service error codes → HTTP status; anything else is a 422.
CONFLICTS = {"completed", "already_answered", "ended", "not_current", "already_entered",
             "in_progress"}
RESUME_SECURITY: dict[str, Any] = {
    "security": [{"BearerToken": []}, {}],
    "parameters": [{
        "in": "header", "name": "X-Resume-Code", "required": False,
        "schema": {"type": "string"},
        "description": "the sitting's resume code from the start (instead of a staff token)",
    }],
}


# --- Schemas -----------------------------------------------------------------------


class ErrorOut(Schema):
    message: str
    code: str = ""


class OptionOut(Schema):
    key: str
    text: str


class ItemOut(Schema):
    id: int = Field(description="the item version's id: send it back with the answer")
    area: str
    stem: str
    options: list[OptionOut]
    screen: dict[str, Any] | None = Field(description="a mock screen to show (with `alt` text)")
    position: int = Field(description="this question's number in the sitting, from 1")
    planned: int = Field(description="the form's length, or the adaptive test's most questions")


class ResultOut(Schema):
    status: str
    score: float | None = Field(description="0–100")
    score_se: float | None
    theta: float | None
    theta_se: float | None
    placement_level: str
    areas: dict[str, dict[str, float]] = Field(
        description="per area: score, score_se, theta, theta_se, items",
    )


class NextOut(Schema):
    done: bool
    item: ItemOut | None = None
    result: ResultOut | None = None


class StartIn(Schema):
    purpose: str = Field(description="placement (public), or pre / post (staff)")
    mode: str = Field(Mode.ADAPTIVE, description="adaptive or fixed")
    form: str = Field("", description="the fixed form's key (mode fixed)")
    application_id: int | None = Field(None, description="pre / post: the learner's application")


class StartOut(Schema):
    id: int
    resume_code: str | None = Field(
        description="keep it: send it as X-Resume-Code; null when continuing an open sitting",
    )
    item: ItemOut | None


class AnswerIn(Schema):
    item_version_id: int
    choice: str = Field(max_length=4, description="an option key, or \"\" for 'I don't know'")


class PaperIn(Schema):
    application_id: int
    purpose: str = Field(description="pre or post")
    form: str = Field(description="the fixed form's key, e.g. standard")
    choices: dict[int, str] = Field(
        description="{position: option key or \"\" for no answer}, for every position",
    )


# --- Answers -----------------------------------------------------------------------


def refused(message: Any, status: int, code: str = "") -> HttpResponse:
    return answer({"message": str(message), "code": code}, status)


def not_found() -> HttpResponse:
    return refused(_("There is no such test, or you may not see it."), 404, "not_found")


def service_refusal(error: ValidationError) -> HttpResponse:
    codes = [e.code for e in getattr(error, "error_list", []) if e.code]
    code = codes[0] if codes else "invalid"
    if code == "out_of_scope":
        return not_found()
    return refused(error.messages[0], 409 if code in CONFLICTS else 422, code)


def item_body(diagnostic: Diagnostic, version: ItemVersion) -> dict[str, Any]:
    answered, planned = progress(diagnostic)
    return {
        "id": version.pk,
        "area": version.item.area,
        "stem": version.stem,
        "options": [{"key": o["key"], "text": o["text"]} for o in version.options],
        "screen": version.screen,
        "position": answered + 1,
        "planned": planned,
    }


def result_body(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "status": diagnostic.status,
        "score": diagnostic.score,
        "score_se": diagnostic.score_se,
        "theta": diagnostic.theta,
        "theta_se": diagnostic.theta_se,
        "placement_level": diagnostic.placement_level,
        "areas": diagnostic.area_scores,
    }


def next_body(diagnostic: Diagnostic) -> dict[str, Any]:
    version = diagnostic_next(diagnostic)
    if version is None:
        diagnostic.refresh_from_db()
        return {"done": True, "item": None, "result": result_body(diagnostic)}
    return {"done": False, "item": item_body(diagnostic, version), "result": None}


# --- Who ---------------------------------------------------------------------------


def _sitting_for(request: HttpRequest, diagnostic_id: int) -> Diagnostic | HttpResponse:
    """The sitting, when the caller holds its resume code or runs its class's tests.

    Wrong resume codes count towards the same limit as on the resume page.
    """
    code = request.headers.get("X-Resume-Code", "")
    if code and resume_limit.resume_locked(request, per_session=False):
        return refused(_("Too many wrong codes were tried. Please try again later."),
                       429, "too_many_attempts")
    diagnostic = Diagnostic.objects.filter(pk=diagnostic_id).select_related("application").first()
    if diagnostic is not None and code and resume_code_matches(diagnostic, code):
        return diagnostic
    staff = staff_caller(request)
    if (diagnostic is not None and staff is not None and diagnostic.application is not None
            and may_run_diagnostics(staff, diagnostic.application)):
        return diagnostic
    if code:
        resume_limit.resume_failed(request, per_session=False)
    return not_found()


def _application_for(staff: User | None, application_id: int | None) -> Application | None:
    if staff is None or application_id is None:
        return None
    application = (
        Application.objects.for_user(staff).select_related("course_class")
        .filter(pk=application_id).first()
    )
    if application is None or not may_run_diagnostics(staff, application):
        return None
    return application


# --- Endpoints ---------------------------------------------------------------------


@router.post(
    "/diagnostics",
    response={201: StartOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
              429: ErrorOut},
    openapi_extra=BEARER_OR_PUBLIC,
    summary="Start a diagnostic",
)
def diagnostic_start_endpoint(request: HttpRequest, payload: StartIn) -> HttpResponse:
    """Start a sitting taken on a phone or tablet; answers the first question.

    A **placement** test needs no token (it is anonymous; an address may start
    PLACEMENT_MAX_STARTS an hour, then 429 `too_many_starts`). A **pre**- or
    **post**-test belongs to a confirmed application and needs a staff Bearer
    token of someone who runs the class's tests; starting one that is already
    open returns it (with `resume_code` null: continue with the token).
    Fixed forms: `mode` `fixed` and the form's key.
    """
    if payload.purpose not in Purpose.values:
        return refused(_("Choose the test: pre, post or placement."), 422, "invalid_purpose")
    if payload.mode not in Mode.values:
        return refused(_("Choose the kind of test: adaptive or fixed."), 422, "invalid_mode")
    form = None
    if payload.mode == Mode.FIXED:
        form = form_by_key(payload.form)
        if form is None:
            return refused(_("There is no fixed form with this key."), 422, "invalid_form")
    application = None
    staff = staff_caller(request)
    if payload.purpose != Purpose.PLACEMENT:
        if staff is None:
            return refused(
                _("Pre- and post-tests are started by the class's staff with an API token."),
                401, "no_credentials",
            )
        application = _application_for(staff, payload.application_id)
        if application is None:
            return not_found()
    elif staff is None and not resume_limit.placement_may_start(request):
        return refused(
            _("Many tests were started from this place in the last hour. "
              "Please try again in a while."),
            429, "too_many_starts",
        )
    try:
        started = diagnostic_start(
            purpose=payload.purpose, mode=payload.mode, application=application, form=form,
            by=staff,
        )
    except ValidationError as error:
        return service_refusal(error)
    diagnostic = started.diagnostic
    version = diagnostic_next(diagnostic)
    return answer({
        "id": diagnostic.pk,
        "resume_code": started.resume_code,
        "item": item_body(diagnostic, version) if version else None,
    }, 201)


@router.get(
    "/diagnostics/{diagnostic_id}/next",
    response={200: NextOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    openapi_extra=RESUME_SECURITY,
    summary="The current question",
)
def diagnostic_next_endpoint(request: HttpRequest, diagnostic_id: int) -> HttpResponse:
    """The question to answer now; after the last one, `done` and the result.

    Asking again shows the same question until it is answered.
    """
    diagnostic = _sitting_for(request, diagnostic_id)
    if isinstance(diagnostic, HttpResponse):
        return diagnostic
    if diagnostic.status == DiagnosticStatus.ABANDONED:
        return refused(_("This test was set aside."), 404, "abandoned")
    return answer(next_body(diagnostic), 200)


@router.post(
    "/diagnostics/{diagnostic_id}/answers",
    response={200: NextOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
              429: ErrorOut},
    openapi_extra=RESUME_SECURITY,
    summary="Answer the current question",
)
def diagnostic_answer_endpoint(
    request: HttpRequest, diagnostic_id: int, payload: AnswerIn,
) -> HttpResponse:
    """Save the answer to the current question; answers the next one, or the result.

    Sending the same answer again (a retry) changes nothing and answers as
    the first time did. A different answer to a question already answered,
    or an answer to another question, is a 409.
    """
    diagnostic = _sitting_for(request, diagnostic_id)
    if isinstance(diagnostic, HttpResponse):
        return diagnostic
    version = ItemVersion.objects.select_related("item").filter(
        pk=payload.item_version_id,
    ).first()
    if version is None:
        return refused(
            _("This is not the question being asked now. Please reload the page."),
            409, "not_current",
        )
    try:
        diagnostic_answer(
            diagnostic=diagnostic, item_version=version, choice=payload.choice,
            by=staff_caller(request) if not request.headers.get("X-Resume-Code") else None,
        )
    except ValidationError as error:
        return service_refusal(error)
    return answer(next_body(diagnostic), 200)


@router.post(
    "/diagnostics/paper",
    response={201: ResultOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    openapi_extra={"security": [{"BearerToken": []}]},
    summary="Enter a paper answer sheet",
)
def diagnostic_paper_endpoint(request: HttpRequest, payload: PaperIn) -> HttpResponse:
    """A whole fixed-form sheet at once, by form position: all answers or nothing.

    Every position of the form needs a choice (an option key, or "" for no
    answer); otherwise a 422 names the missing ones and nothing is saved.
    """
    staff = staff_caller(request)
    if staff is None:
        return refused(
            _("A valid API token is needed: send 'Authorization: Bearer <token>'."),
            401, "no_credentials",
        )
    if payload.purpose not in (Purpose.PRE, Purpose.POST):
        return refused(_("Choose the test: pre or post."), 422, "invalid_purpose")
    form = form_by_key(payload.form)
    if form is None:
        return refused(_("There is no fixed form with this key."), 422, "invalid_form")
    application = _application_for(staff, payload.application_id)
    if application is None:
        return not_found()
    try:
        diagnostic = diagnostic_paper_enter(
            application=application, purpose=payload.purpose, form=form,
            choices=payload.choices, by=staff,
        )
    except ValidationError as error:
        return service_refusal(error)
    return answer(result_body(diagnostic), 201)

