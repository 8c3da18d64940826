"""Survey API: the current questions (public) and submitting a response.

A response comes either from staff (Bearer token; the application must be in
the caller's scope and the caller may take the class's attendance), or from
the learner's link: the token of the SMS link in `X-Survey-Token`.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from enrollment.api import BEARER_OR_PUBLIC, answer, invalid, refusal, staff_caller
from enrollment.models import Application
from surveys.models import AnsweredVia, SurveyKind, SurveyResponse
from surveys.questionnaire import questionnaire_get
from surveys.services import invitation_by_token, survey_submit

router = Router(tags=["surveys"])


class ChoiceOut(Schema):
    value: int | str
    label: str


class QuestionOut(Schema):
    key: str
    type: str
    text: str
    scored: bool
    choices: list[ChoiceOut]


class QuestionnaireOut(Schema):
    kind: str
    version: str
    title: str
    intro: str
    questions: list[QuestionOut]


class ResponseIn(Schema):
    kind: str = SurveyKind.COURSE_END
    application_id: int | None = None
    answers: dict[str, Any]
    comment: str = ""
    # Staff only: "paper" (default) or "tablet". The learner's link is "phone".
    answered_via: str | None = None


class ResponseOut(Schema):
    id: int
    kind: str
    questionnaire_version: str
    score: float | None
    created: bool


@router.get(
    "/surveys/questionnaires/{kind}", response={200: QuestionnaireOut}, auth=None,
    summary="The current questions of a survey",
)
def questionnaire_read(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SurveyKind.values:
        return refusal(_("There is no such survey."), 404)
    questionnaire = questionnaire_get(kind)
    return answer({
        "kind": questionnaire.kind, "version": questionnaire.version,
        "title": str(questionnaire.title), "intro": str(questionnaire.intro),
        "questions": [
            {
                "key": q.key, "type": q.type, "text": str(q.text), "scored": q.scored,
                "choices": [{"value": c.value, "label": str(c.label)} for c in q.choices],
            }
            for q in questionnaire.questions
        ],
    }, 200)


def _not_found() -> HttpResponse:
    return refusal(_("No such application, or it is not yours to see."), 404)


@router.post(
    "/surveys/responses", response={200: ResponseOut, 201: ResponseOut}, auth=None,
    openapi_extra=BEARER_OR_PUBLIC, summary="Submit a survey response",
)
def response_create(request: HttpRequest, payload: ResponseIn) -> HttpResponse:
    """Staff: `Authorization: Bearer …` with `application_id`. Learner: the link's
    token in `X-Survey-Token`. Sending the same answers again answers 200 with the
    first response; different answers for the same survey are refused (422)."""
    staff = staff_caller(request)
    who: dict[str, Any]
    if staff is not None:
        application = (
            Application.objects.for_user(staff).select_related("course_class")
            .filter(pk=payload.application_id or 0).first()
        )
        if application is None:
            return _not_found()
        via = payload.answered_via or AnsweredVia.PAPER
        if via not in (AnsweredVia.PAPER, AnsweredVia.TABLET):
            return refusal(_("Staff enter answers from paper or a tablet."), 422)
        who = {"by": staff}
    else:
        token = request.headers.get("X-Survey-Token", "")
        invitation = invitation_by_token(token) if token else None
        if invitation is None:
            return refusal(
                _("Send a staff API token (Authorization: Bearer …), or the survey link's "
                  "token in the X-Survey-Token header."),
                401,
            )
        if payload.application_id not in (None, invitation.application_id):
            return _not_found()
        application, via = invitation.application, AnsweredVia.PHONE
        who = {"invitation": invitation}
    try:
        submitted = survey_submit(
            application=application, kind=payload.kind, answers=payload.answers,
            comment=payload.comment, answered_via=via, **who,
        )
    except ValidationError as error:
        if error.error_list[0].code == "out_of_scope":
            return _not_found()
        return invalid(error)
    response: SurveyResponse = submitted.response
    return answer({
        "id": response.pk, "kind": response.kind,
        "questionnaire_version": response.questionnaire_version, "score": response.score,
        "created": submitted.created,
    }, 201 if submitted.created else 200)
