"""Surveys: submitting answers, sending links, and the daily sends (docs/surveys.md).

Who may submit: the learner through their own link (an invitation), or staff
who may take the class's attendance (paper entry, or the tablet handed to the
learner). Only learners with a confirmed place in the class. One response per
application and kind (a unique constraint backs it); sending the same answers
again returns the first response, different ones are refused.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from attendance.services import completions_for_class, may_take_attendance
from audit.services import audit_record
from classes.models import ClassStatus, CourseClass
from enrollment.models import Application, ApplicationStatus
from notifications.models import MessageKind
from notifications.services import is_mobile, notification_enqueue
from privacy.phone import normalize_phone
from surveys.models import AnsweredVia, SurveyInvitation, SurveyKind, SurveyResponse
from surveys.questionnaire import FREQUENCY, MULTI, SCALE, Questionnaire, questionnaire_get
from surveys.scoring import response_score

COMMENT_MAX = 2000
# How long a link stays open.
LINK_DAYS: dict[str, int] = {SurveyKind.COURSE_END: 14, SurveyKind.FOLLOW_UP: 30}
# The follow-up goes this many days after the class's last session …
FOLLOW_UP_DAYS = 90
# … or up to this many days later when the daily run was missed (a learner is
# invited once: an invitation row exists afterwards).
CATCH_UP_DAYS = 7
# A staff member pressing "send by SMS" again within this time sends nothing new.
RESEND_PAUSE = timedelta(minutes=10)
SMS_KINDS: dict[str, str] = {SurveyKind.COURSE_END: MessageKind.SURVEY,
             SurveyKind.FOLLOW_UP: MessageKind.SURVEY_FOLLOW_UP}
# A survey is open once the class is under way (many answer on the last day).
OPEN_STATUSES: dict[str, tuple[str, ...]] = {
    SurveyKind.COURSE_END: (ClassStatus.RUNNING, ClassStatus.FINISHED),
    SurveyKind.FOLLOW_UP: (ClassStatus.FINISHED,),
}


@dataclass(frozen=True)
class Submitted:
    response: SurveyResponse
    created: bool  # False: the same answers had already been received


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> SurveyInvitation | None:
    """The invitation of a link, whatever its state (expired, used); None if unknown."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyInvitation.objects.select_related(
            "application__course_class__course", "application__course_class__center",
        )
        .filter(token_hash=token_hash(token)).first()
    )


def invitation_expired(invitation: SurveyInvitation) -> bool:
    return invitation.expires_at <= timezone.now()


# --- Validation ----------------------------------------------------------------------


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def answers_clean(questionnaire: Questionnaire, answers: Any) -> dict[str, Any]:
    """The answers, checked against the questionnaire; blanks (None, "", []) dropped."""
    if not isinstance(answers, dict):
        raise _refuse(_("The answers could not be read."), "invalid_answers")
    unknown = sorted(set(answers) - {q.key for q in questionnaire.answerable})
    if unknown:
        raise _refuse(
            _("This questionnaire has no question %(keys)s.") % {"keys": ", ".join(unknown)},
            "unknown_question",
        )
    cleaned: dict[str, Any] = {}
    for question in questionnaire.answerable:
        value = answers.get(question.key)
        if value is None or value == "" or value == []:
            continue
        if question.type in (SCALE, FREQUENCY):
            # Form posts give strings: "5" is read as 5.
            if isinstance(value, str) and value.isdigit():
                value = int(value)
            ok = type(value) is int and value in question.values()
        elif question.type == MULTI:
            ok = isinstance(value, list) and set(value) <= question.values()
            value = sorted(set(value)) if ok else value
        else:  # YES_NO
            ok = value in question.values()
        if not ok:
            raise _refuse(
                _("The answer to “%(question)s” is not one of its choices.")
                % {"question": question.text},
                "invalid_answer",
            )
        cleaned[question.key] = value
    return cleaned


def _require_submitter(
    *, application: Application, kind: str, by: User | None,
    invitation: SurveyInvitation | None,
) -> None:
    if invitation is not None:
        if invitation.application_id != application.pk or invitation.kind != kind:
            raise _refuse(_("This link is not for this survey."), "wrong_link")
        if invitation.used_at is None and invitation_expired(invitation):
            raise _refuse(_("This survey link has expired."), "expired")
        return
    if not may_take_attendance(by, application.course_class):
        raise _refuse(
            _("Only the class's instructor, supporters and centre managers can enter "
              "survey answers."),
            "out_of_scope",
        )


def _fresh(application: Application) -> Application:
    """The application and its class as they are now (the caller's copy may be old)."""
    return Application.objects.select_related("learner", "course_class__course").get(
        pk=application.pk,
    )


def _require_open(application: Application, kind: str) -> None:
    if application.status != ApplicationStatus.CONFIRMED:
        raise _refuse(
            _("Only learners with a confirmed place in the class can answer its survey."),
            "not_confirmed",
        )
    if application.course_class.status not in OPEN_STATUSES[kind]:
        raise _refuse(
            _("This survey opens once the class has started.") if kind == SurveyKind.COURSE_END
            else _("The follow-up survey opens once the class has finished."),
            "not_open",
        )


# --- Submitting --------------------------------------------------------------------


def survey_submit(
    *, application: Application, kind: str, answers: dict[str, Any], comment: str,
    answered_via: str, by: User | None = None, invitation: SurveyInvitation | None = None,
) -> Submitted:
    """Record one learner's answers (all or nothing). See the module's docstring."""
    if kind not in SurveyKind.values:
        raise _refuse(_("There is no such survey."), "unknown_kind")
    if answered_via not in AnsweredVia.values:
        raise _refuse(_("Say how the survey was answered."), "invalid_via")
    questionnaire = questionnaire_get(kind)
    cleaned = answers_clean(questionnaire, answers)
    application = _fresh(application)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise _refuse(
            _("Please keep the comment under %(max)s characters.") % {"max": COMMENT_MAX},
            "comment_too_long",
        )
    if "\x00" in comment:
        raise _refuse(
            _("The comment has a character that cannot be saved. Please type it again."),
            "invalid_comment",
        )
    _require_submitter(application=application, kind=kind, by=by, invitation=invitation)
    _require_open(application, kind)
    existing = SurveyResponse.objects.filter(application=application, kind=kind).first()
    if existing is not None:
        return _repeat(existing, cleaned, comment)
    if not cleaned and not comment:
        raise _refuse(_("Please answer at least one question."), "empty")
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                application=application, kind=kind,
                questionnaire_version=questionnaire.version, answers=cleaned, comment=comment,
                score=response_score(questionnaire, cleaned), answered_via=answered_via,
                entered_by=by if by is not None and by.is_authenticated else None,
            )
            if invitation is not None:
                SurveyInvitation.objects.filter(pk=invitation.pk, used_at=None).update(
                    used_at=timezone.now(),
                )
            # The answers stay out of the audit log: it is read by more people.
            audit_record(
                actor=by, action="surveys.submit", target=response,
                data={"kind": kind, "via": answered_via, "application": application.pk},
            )
    except IntegrityError:  # the same learner submitted twice at once
        existing = SurveyResponse.objects.get(application=application, kind=kind)
        return _repeat(existing, cleaned, comment)
    return Submitted(response=response, created=True)


def _repeat(existing: SurveyResponse, answers: dict[str, Any], comment: str) -> Submitted:
    if existing.answers == answers and existing.comment == comment:
        return Submitted(response=existing, created=False)
    raise _refuse(
        _("This learner has already answered this survey. Each learner answers once."),
        "already_answered",
    )


# --- Links by SMS ------------------------------------------------------------------


def survey_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/survey/{token}/"


def survey_invite(*, application: Application, kind: str, by: User | None = None) -> str:
    """Send the learner a link to the survey by SMS; returns the link's token.

    One invitation per application and kind: sending again replaces the link
    (the old one stops working) unless it was sent in the last ten minutes.
    `by` None is the system (the daily commands).
    """
    if kind not in SurveyKind.values:
        raise _refuse(_("There is no such survey."), "unknown_kind")
    application = _fresh(application)
    if by is not None and not may_take_attendance(by, application.course_class):
        raise _refuse(
            _("Only the class's instructor, supporters and centre managers can send "
              "survey links."),
            "out_of_scope",
        )
    _require_open(application, kind)
    if SurveyResponse.objects.filter(application=application, kind=kind).exists():
        raise _refuse(_("This learner has already answered this survey."), "already_answered")
    if not is_mobile(normalize_phone(application.learner.phone)):
        raise _refuse(
            _("This learner has no mobile number: the survey cannot be sent by text message."),
            "no_mobile",
        )
    with transaction.atomic():
        token = secrets.token_urlsafe(12)
        now = timezone.now()
        previous = (
            SurveyInvitation.objects.select_for_update()
            .filter(application=application, kind=kind).first()
        )
        if previous is not None and previous.created_at > now - RESEND_PAUSE:
            raise _refuse(
                _("The link was sent a few minutes ago. Please wait before sending it again."),
                "sent_recently",
            )
        values = {"token_hash": token_hash(token), "created_at": now, "used_at": None,
                  "expires_at": now + timedelta(days=LINK_DAYS[kind])}
        if previous is None:
            invitation = SurveyInvitation.objects.create(
                application=application, kind=kind, **values,
            )
        else:
            invitation = previous
            for name, value in values.items():
                setattr(invitation, name, value)
            invitation.save(update_fields=list(values))
        course_class = application.course_class
        notification_enqueue(
            kind=SMS_KINDS[kind], phone=application.learner.phone,
            context={"name": application.learner.name, "class_title": course_class.course.title,
                     "url": survey_url(token)},
            application=application, dedupe_key=f"survey:{invitation.token_hash[:40]}",
        )
        audit_record(
            actor=by, action="surveys.invite", target=invitation,
            data={"kind": kind, "application": application.pk, "again": previous is not None},
        )
    return token


def _invite_quietly(application: Application, kind: str) -> bool:
    """survey_invite for the daily commands: a refusal or a race skips the learner."""
    try:
        survey_invite(application=application, kind=kind)
    except (ValidationError, IntegrityError):
        return False
    return True


def _uninvited(kind: str, classes: Any) -> Any:
    return (
        Application.objects.filter(course_class__in=classes, status=ApplicationStatus.CONFIRMED)
        .exclude(survey_invitations__kind=kind)
        .exclude(survey_responses__kind=kind)
        .select_related("learner", "course_class__course")
        .order_by("course_class_id", "id")
    )


def course_end_invitations(*, day: date) -> int:
    """Links to the end-of-course survey for classes whose last session was the day
    before `day` (or up to CATCH_UP_DAYS before, when a run was missed), for each
    confirmed learner without a response or a link yet. Returns how many were sent."""
    classes = CourseClass.objects.filter(
        status__in=OPEN_STATUSES[SurveyKind.COURSE_END],
        last_date__range=(day - timedelta(days=CATCH_UP_DAYS), day - timedelta(days=1)),
    )
    sent = 0
    for application in _uninvited(SurveyKind.COURSE_END, classes):
        if is_mobile(normalize_phone(application.learner.phone)):
            sent += _invite_quietly(application, SurveyKind.COURSE_END)
    return sent


def followup_window(day: date) -> tuple[date, date]:
    """The last-session dates whose classes get the follow-up on `day`."""
    latest = day - timedelta(days=FOLLOW_UP_DAYS)
    return latest - timedelta(days=CATCH_UP_DAYS), latest


def followups_send(*, day: date) -> int:
    """The three-month follow-up link for learners who completed a class whose last
    session was FOLLOW_UP_DAYS (up to FOLLOW_UP_DAYS + CATCH_UP_DAYS) days before
    `day`, with a mobile number, not yet invited. Returns how many were sent."""
    classes = CourseClass.objects.filter(
        status=ClassStatus.FINISHED, last_date__range=followup_window(day),
    ).select_related("course")
    sent = 0
    completions: dict[int, dict[int, Any]] = {}
    for application in _uninvited(SurveyKind.FOLLOW_UP, classes):
        course_class = application.course_class
        if course_class.pk not in completions:
            completions[course_class.pk] = completions_for_class(course_class)
        completion = completions[course_class.pk].get(application.pk)
        if completion is None or not completion.completed:
            continue
        if is_mobile(normalize_phone(application.learner.phone)):
            sent += _invite_quietly(application, SurveyKind.FOLLOW_UP)
    return sent
