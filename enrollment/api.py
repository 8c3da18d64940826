"""Applying to a class through the API, and managing the application.

    POST /api/v1/phone-verifications                 send a one-time code (public)
    POST /api/v1/phone-verifications/{id}/confirm    confirm it (public)
    POST /api/v1/classes/{id}/applications           apply (staff token, or public with
                                                     a confirmed phone); Idempotency-Key
    GET  /api/v1/applications/{id}                   staff in scope, or X-Manage-Code
    POST /api/v1/applications/{id}/cancel            staff in scope, or X-Manage-Code

Every refusal is a 4xx with `{"message": <Korean>}` (and `errors`, field by
field, for invalid data); a class locked for too long is a 503 with
Retry-After. See docs/enrollment-api.md.
"""

import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError

from accounts.models import User
from api.auth import BearerToken
from classes.models import CourseClass
from enrollment.locking import BUSY_MESSAGE, EnrollmentBusy, is_lock_error, locking_transaction
from enrollment.middleware import RETRY_AFTER_SECONDS
from enrollment.models import Application, IdempotencyRecord
from enrollment.services import (
    Applied,
    DuplicateApplication,
    application_by_code,
    application_cancel,
    application_create,
    waitlist_position,
)
from enrollment.views import MANAGE_MAX_FAILURES, MANAGE_WINDOW_SECONDS, _failures_key
from learners.models import Channel
from learners.services import ConsentGiven, LearnerData, consent_clean, learner_data_clean
from learners.verification import (
    phone_verification_check,
    phone_verification_start,
    phone_verification_use,
)
from lib.ratelimit import window_count
from privacy.crypto import decrypt, encrypt
from privacy.masking import mask_name, mask_phone
from privacy.services import client_ip, pii_access_record

router = Router(tags=["enrollment"])

IDEMPOTENCY_KEY_MAX = 200
# The management code is kept only as a hash; the copy a retry needs is encrypted.
MANAGE_CODE_CONTEXT = "enrollment.idempotencyrecord.manage_code"
STAFF_CHANNELS = {Channel.PHONE, Channel.WALK_IN}
# consent_clean's error codes → the request field they are about.
CONSENT_FIELDS = {
    "no_consent": "consent_personal_info",
    "no_sensitive_consent": "consent_sensitive_info",
    "invalid_phone": "proxy_phone",
    "invalid_name": "proxy_name",
    "max_length": "proxy_name",
}


# --- Schemas -----------------------------------------------------------------------


class MessageOut(Schema):
    message: str


class ErrorsOut(Schema):
    message: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Korean messages, field by field",
    )


class DuplicateOut(Schema):
    message: str
    id: int = Field(description="the learner's active application to this class")


class ApplicationIn(Schema):
    # Types are loose on purpose: the checks below answer in Korean, field by field.
    name: str = Field(description="the learner's name, as on their ID (Korean or not)")
    phone: str = Field(description="a Korean phone number in any usual form: 010-1234-5678")
    birth_year: int | str = Field(description="year of birth, 1900 … this year")
    sex: str = Field("", description="female, male, or empty")
    target_groups: list[str] = Field(
        default_factory=list, description="e.g. seniors; disability goes in `disability`",
    )
    consent_personal_info: bool = Field(
        False, description="the learner agreed to the personal-information notice: must be true",
    )
    consent_sensitive_info: bool = Field(
        False, description="the learner agreed to keep their disability status",
    )
    disability: str = Field("", description="registered or none; only with consent_sensitive_info")
    channel: str = Field(
        Channel.ONLINE, description="online | proxy (anyone) · phone | walk_in (staff only)",
    )
    proxy_name: str = Field("", description="who applies on the learner's behalf")
    proxy_phone: str = Field("", description="their phone (gets a copy of the messages)")
    proxy_relationship: str = Field("", description="family | social_worker | carer | other")
    verification_id: str = Field(
        "", description="a confirmed phone verification (public callers, when required)",
    )


class AppliedOut(Schema):
    id: int
    status: str = Field(description="confirmed or waitlisted")
    waitlist_position: int | None
    class_id: int
    manage_code: str = Field(
        description="the learner's secret code to see or cancel the application (also sent by SMS)",
    )


class LearnerOut(Schema):
    name: str = Field(description="masked: 홍*동")
    phone: str = Field(description="masked: 010-****-5678")


class ApplicationOut(Schema):
    id: int
    status: str
    waitlist_position: int | None
    class_id: int
    class_title: str
    center_name: str
    channel: str
    created_at: str
    confirmed_at: str | None
    offer_expires_at: str | None
    cancelled_at: str | None
    learner: LearnerOut


class CancelIn(Schema):
    reason: str = Field("", max_length=200, pattern=r"^[^\x00]*$")


class VerificationIn(Schema):
    phone: str = Field(max_length=40)


class VerificationOut(Schema):
    id: str


class ConfirmIn(Schema):
    phone: str = Field(max_length=40)
    code: str = Field(max_length=20)


class ConfirmedOut(Schema):
    id: str
    confirmed: bool


# --- Answers -----------------------------------------------------------------------


def answer(body: dict[str, Any], status: int, **headers: str) -> HttpResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def refusal(message: Any, status: int = 422) -> HttpResponse:
    return answer({"message": str(message)}, status)


def busy() -> HttpResponse:
    return answer(
        {"message": str(BUSY_MESSAGE)}, 503, Retry_After=str(RETRY_AFTER_SECONDS),
    )


def invalid(error: ValidationError, fields: dict[str, str] | None = None) -> HttpResponse:
    """A 422 naming every problem; a message without a field goes under `message` only."""
    errors: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            errors[field] = [str(message) for e in field_errors for message in e.messages]
    else:
        for e in error.error_list:
            name = (fields or {}).get(e.code or "")
            if name:
                errors.setdefault(name, []).extend(str(m) for m in e.messages)
    messages = [m for ms in errors.values() for m in ms] or [str(m) for m in error.messages]
    return answer({"message": messages[0], "errors": errors}, 422)


def busy_handler(request: HttpRequest, exc: Any) -> HttpResponse:
    return busy()


def operational_error_handler(request: HttpRequest, exc: Any) -> HttpResponse:
    """A lock wait that ran out outside the enrollment services (e.g. SQLite busy)."""
    if is_lock_error(exc):
        return busy()
    raise exc  # a real database failure stays a 500, logged by Django


def http_error_handler(request: HttpRequest, exc: Any) -> HttpResponse:
    """ninja's own refusals (a body that is not JSON) with a Korean `message` too."""
    message = str(exc)
    if exc.status_code == 400:
        message = _("The request body could not be read: send JSON.")
    return answer({"message": message, "detail": str(exc)}, exc.status_code)


def install_exception_handlers(api: NinjaAPI) -> None:
    """Busy answers: JSON 503 with Retry-After, from any endpoint; Korean 400s."""
    api.add_exception_handler(EnrollmentBusy, busy_handler)
    api.add_exception_handler(OperationalError, operational_error_handler)
    api.add_exception_handler(HttpError, http_error_handler)


# --- Callers -----------------------------------------------------------------------


def staff_caller(request: HttpRequest) -> User | None:
    """The staff member of the request's Bearer token; None without a token.

    A token that is sent but not valid is a 401, not a public call: the caller
    meant to act as staff.
    """
    if not request.headers.get("Authorization"):
        return None
    user = BearerToken()(request)
    if user is None:
        raise AuthenticationError()
    return user  # type: ignore[no-any-return]


BEARER_OR_PUBLIC: dict[str, Any] = {"security": [{"BearerToken": []}, {}]}


# --- Idempotency -------------------------------------------------------------------


def key_problem(key: str | None) -> str | None:
    if not key:
        return _("Send an Idempotency-Key header (for example a new UUID for each application).")
    if len(key) > IDEMPOTENCY_KEY_MAX or not all(" " <= char <= "~" for char in key):
        return _(
            "The Idempotency-Key must be 1 to 200 printable ASCII characters "
            "(for example a UUID).",
        )
    return None


def fingerprint(request: HttpRequest) -> str:
    """The request the key stands for: method, path and body (key order ignored)."""
    try:
        body = json.dumps(json.loads(request.body or b"{}"), sort_keys=True, ensure_ascii=False)
    except ValueError:
        body = request.body.decode("utf-8", "replace")
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def stored_body(body: dict[str, Any]) -> dict[str, Any]:
    stored = dict(body)
    if stored.get("manage_code"):
        stored["manage_code"] = encrypt(stored["manage_code"], context=MANAGE_CODE_CONTEXT)
    return stored


def replay(owner: str, key: str, print_: str) -> HttpResponse | None:
    """The stored answer to this key, a 422 when the key was used for another request."""
    record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if record is None:
        return None
    if record.fingerprint != print_:
        return refusal(
            _("This Idempotency-Key was already used for a different request. "
              "Use a new key for a new application."),
        )
    body = dict(record.body)
    if body.get("manage_code"):
        body["manage_code"] = decrypt(body["manage_code"], context=MANAGE_CODE_CONTEXT)
    return answer(body, record.status_code, Idempotent_Replayed="true")


def record_store(
    *, owner: str, key: str, print_: str, status: int, body: dict[str, Any],
) -> None:
    IdempotencyRecord.objects.create(
        owner=owner, key=key, fingerprint=print_, status_code=status, body=stored_body(body),
    )


# --- Applying ----------------------------------------------------------------------


def _clean(
    payload: ApplicationIn, staff: User | None,
) -> tuple[LearnerData, ConsentGiven, str] | HttpResponse:
    """The learner's data, the consents and the channel; or a 4xx saying what is wrong."""
    channel = payload.channel
    if channel not in Channel.values:
        return answer({
            "message": _("Choose the channel: online, phone, walk_in or proxy."),
            "errors": {"channel": [_("Choose the channel: online, phone, walk_in or proxy.")]},
        }, 422)
    if staff is None and channel in STAFF_CHANNELS:
        return refusal(
            _("Only centre staff can enter applications taken by phone or in person."), 403,
        )
    errors: dict[str, list[str]] = {}
    data: LearnerData | None = None
    try:
        data = learner_data_clean(
            name=payload.name, phone=payload.phone, birth_year=payload.birth_year,
            sex=payload.sex, target_groups=payload.target_groups,
        )
    except ValidationError as error:
        errors.update(
            (field, [str(m) for e in es for m in e.messages])
            for field, es in error.error_dict.items()
        )
    consent = ConsentGiven(
        personal_info=payload.consent_personal_info,
        sensitive_info=payload.consent_sensitive_info, disability=payload.disability,
        proxy_name=payload.proxy_name, proxy_phone=payload.proxy_phone,
        proxy_relationship=payload.proxy_relationship,
    )
    if channel == Channel.PROXY and not payload.proxy_name.strip():
        errors["proxy_name"] = [_("Enter the name of the person applying on behalf.")]
    else:
        try:
            consent = consent_clean(consent)
        except ValidationError as error:
            field = next((CONSENT_FIELDS.get(e.code or "") for e in error.error_list), None)
            errors.setdefault(field or "consent", []).extend(str(m) for m in error.messages)
    if errors or data is None:
        first = next(iter(errors.values()))[0]
        return answer({"message": first, "errors": errors}, 422)
    return data, consent, channel


def _needs_verification(staff: User | None) -> bool:
    return staff is None and bool(settings.ENROLLMENT_PHONE_VERIFICATION)


def _applied_body(applied: Applied) -> dict[str, Any]:
    application = applied.application
    return {
        "id": application.pk,
        "status": application.status,
        "waitlist_position": applied.waitlist_position,
        "class_id": application.course_class_id,
        "manage_code": applied.manage_code,
    }


@router.post(
    "/classes/{class_id}/applications",
    response={
        201: AppliedOut, 400: MessageOut, 401: MessageOut, 403: MessageOut, 404: MessageOut,
        409: DuplicateOut, 422: ErrorsOut, 503: MessageOut,
    },
    openapi_extra=BEARER_OR_PUBLIC,
    summary="Apply to a class",
)
def application_create_endpoint(
    request: HttpRequest,
    class_id: int,
    payload: ApplicationIn,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key",
        description="required: one new value (a UUID) per application; resend it on retry",
    ),
) -> HttpResponse:
    """Apply a learner to a class: a seat when one is free, else the waiting list.

    **Who.** Staff with a Bearer token, for the classes of their centres or
    region, through any channel (`phone` and `walk_in` are staff only), with no
    SMS confirmation. Anyone else applies `online` or as a `proxy` and first
    confirms the phone: `POST /phone-verifications`, then `…/confirm` with the
    code from the SMS, then sends its id as `verification_id` (unless the
    deployment turned the confirmation off).

    **Idempotency.** `Idempotency-Key` is required. Sending the same key again
    with the same body returns the first answer (status and body, header
    `Idempotent-Replayed: true`) and changes nothing; the same key with another
    body is a 422. Keys belong to the caller: to the staff member of the token,
    or to all public callers together (use a fresh UUID).

    **Answers.** 201 with `status` `confirmed` or `waitlisted` (and the place in
    the queue) and the learner's `manage_code`; 409 with the `id` of the
    learner's active application to this class; 422 for invalid data, with
    Korean messages per field; 403 for a class outside the staff member's
    scope; 503 with `Retry-After` when many people apply to the class at once:
    retry with the same key.
    """
    problem = key_problem(idempotency_key)
    if problem:
        return refusal(problem, 400)
    key = str(idempotency_key)
    staff = staff_caller(request)
    owner = f"user:{staff.pk}" if staff is not None else "public"
    print_ = fingerprint(request)
    replayed = replay(owner, key, print_)
    if replayed is not None:
        return replayed
    if not CourseClass.objects.filter(pk=class_id).exists():
        return refusal(_("There is no class with this number."), 404)
    cleaned = _clean(payload, staff)
    if isinstance(cleaned, HttpResponse):
        return cleaned
    data, consent, channel = cleaned
    if _needs_verification(staff) and not payload.verification_id:
        return answer({
            "message": _("Please confirm your phone with the code we sent first."),
            "errors": {"verification_id": [
                _("Please confirm your phone with the code we sent first."),
            ]},
        }, 422)
    try:
        # One transaction for the verification, the application and the stored
        # answer: all of them or none. Lock order: the applicant's own
        # verification row, then the class row; nothing locks them the other way.
        with locking_transaction():
            if _needs_verification(staff):
                phone_verification_use(verification_id=payload.verification_id, phone=data.phone)
            applied = application_create(
                course_class=class_id, learner=data, consent=consent, channel=channel, by=staff,
            )
            body = _applied_body(applied)
            record_store(owner=owner, key=key, print_=print_, status=201, body=body)
        return answer(body, 201)
    except DuplicateApplication as duplicate:
        body = {
            "message": _("This person has already applied to this class."),
            "id": duplicate.application.pk,
        }
        try:
            with transaction.atomic():
                record_store(owner=owner, key=key, print_=print_, status=409, body=body)
        except IntegrityError:
            return replay(owner, key, print_) or busy()
        return answer(body, 409)
    except ValidationError as error:
        # A request with the same key may have won meanwhile (and spent the
        # verification): the client gets its answer.
        won = replay(owner, key, print_)
        if won is not None:
            return won
        status = 403 if error.error_list and error.error_list[0].code == "out_of_scope" else 422
        if status == 403:
            return refusal(error.messages[0], 403)
        return invalid(error, {"not_verified": "verification_id"})
    except IntegrityError:
        # Two requests with the same key at once: the first one's answer stands.
        return replay(owner, key, print_) or busy()


# --- Reading and cancelling --------------------------------------------------------


def _application_for(request: HttpRequest, application_id: int) -> tuple[Application, User | None]:
    """The application the caller may see, and the staff member; 404 alike otherwise."""
    staff = staff_caller(request)
    found: Application | None = None
    if staff is not None:
        found = (
            Application.objects.for_user(staff)
            .select_related("learner", "course_class__course", "course_class__center")
            .filter(pk=application_id).first()
        )
    else:
        code = request.headers.get("X-Manage-Code", "")
        if not code:
            raise _NoCredentials()
        # Wrong codes count against the address, as on the "my application" page.
        key = _failures_key(request)
        if cache.get(key, 0) >= MANAGE_MAX_FAILURES:
            raise _TooMany()
        by_code = application_by_code(code)
        if by_code is not None and by_code.pk == application_id:
            found = by_code
        else:
            window_count(key, MANAGE_WINDOW_SECONDS)
    if found is None:
        raise _NotFound()
    return found, staff


class _NotFound(Exception):
    pass


class _NoCredentials(Exception):
    pass


class _TooMany(Exception):
    pass


def too_many() -> HttpResponse:
    return answer(
        {"message": _("Too many wrong codes were tried. Please try again later.")}, 429,
        Retry_After=str(MANAGE_WINDOW_SECONDS),
    )


def no_credentials() -> HttpResponse:
    return refusal(
        _("Send a staff API token (Authorization: Bearer …), or the application's "
          "management code in the X-Manage-Code header."),
        401,
    )


def _application_body(application: Application) -> dict[str, Any]:
    course_class = application.course_class
    learner = application.learner

    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": application.pk,
        "status": application.status,
        "waitlist_position": waitlist_position(application),
        "class_id": course_class.pk,
        "class_title": course_class.course.title,
        "center_name": course_class.center.name,
        "channel": application.channel,
        "created_at": application.created_at.isoformat(),
        "confirmed_at": when(application.confirmed_at),
        "offer_expires_at": when(application.offer_expires_at),
        "cancelled_at": when(application.cancelled_at),
        "learner": {"name": mask_name(learner.name), "phone": mask_phone(learner.phone)},
    }


def _shown(request: HttpRequest, application: Application, staff: User | None) -> HttpResponse:
    if staff is not None:
        pii_access_record(request=request, subjects=application.learner, action="api")
    return answer(_application_body(application), 200)


def not_found() -> HttpResponse:
    return refusal(_("There is no such application, or you may not see it."), 404)


MANAGE_SECURITY: dict[str, Any] = {
    "security": [{"BearerToken": []}, {}],
    "parameters": [{
        "in": "header", "name": "X-Manage-Code", "required": False,
        "schema": {"type": "string"},
        "description": "the learner's management code (instead of a staff token)",
    }],
}


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, 401: MessageOut, 404: MessageOut, 429: MessageOut},
    openapi_extra=MANAGE_SECURITY,
    summary="An application",
)
def application_read(request: HttpRequest, application_id: int) -> HttpResponse:
    """An application, for staff in scope (Bearer) or the learner (`X-Manage-Code`).

    The learner's name and phone are masked. A staff member's read is written
    to the personal-data access log. A wrong code and an application outside
    the staff member's scope are the same 404.
    """
    try:
        application, staff = _application_for(request, application_id)
    except _NotFound:
        return not_found()
    except _NoCredentials:
        return no_credentials()
    except _TooMany:
        return too_many()
    return _shown(request, application, staff)


@router.post(
    "/applications/{application_id}/cancel",
    response={200: ApplicationOut, 401: MessageOut, 404: MessageOut, 422: MessageOut,
              429: MessageOut, 503: MessageOut},
    openapi_extra=MANAGE_SECURITY,
    summary="Cancel an application",
)
def application_cancel_endpoint(
    request: HttpRequest, application_id: int, payload: CancelIn | None = None,
) -> HttpResponse:
    """Cancel an application (staff in scope, or the learner with `X-Manage-Code`).

    A freed seat goes to the first on the waiting list in the same
    transaction. Cancelling twice is a 422 with a Korean message.
    """
    try:
        application, staff = _application_for(request, application_id)
    except _NotFound:
        return not_found()
    except _NoCredentials:
        return no_credentials()
    except _TooMany:
        return too_many()
    try:
        cancelled = application_cancel(
            application=application, by=staff, reason=payload.reason if payload else "",
            channel="api",
        )
    except ValidationError as error:
        return refusal(error.messages[0], 422)
    cancelled = Application.objects.select_related(
        "learner", "course_class__course", "course_class__center",
    ).get(pk=cancelled.pk)
    return _shown(request, cancelled, staff)


# --- Phone verification ------------------------------------------------------------


@router.post(
    "/phone-verifications",
    response={201: VerificationOut, 422: ErrorsOut, 429: MessageOut, 503: MessageOut},
    auth=None, summary="Send a confirmation code to a phone",
)
def phone_verification_create(request: HttpRequest, payload: VerificationIn) -> HttpResponse:
    """Send a six-digit code by SMS to a mobile phone; answers the verification's id.

    The code is valid for 10 minutes and 5 tries; at most 5 codes per phone per
    hour (then 429).
    """
    try:
        verification = phone_verification_start(
            phone=payload.phone, client=client_ip(request) or "unknown",
        )
    except ValidationError as error:
        if error.error_list[0].code == "too_many":
            return refusal(error.messages[0], 429)
        return answer({"message": error.messages[0], "errors": {"phone": error.messages}}, 422)
    return answer({"id": str(verification.id)}, 201)


@router.post(
    "/phone-verifications/{verification_id}/confirm",
    response={200: ConfirmedOut, 422: MessageOut},
    auth=None, summary="Confirm a phone with the code",
)
def phone_verification_confirm(
    request: HttpRequest, verification_id: str, payload: ConfirmIn,
) -> HttpResponse:
    """Check the code from the SMS; then send the id as `verification_id` when applying."""
    try:
        uuid.UUID(verification_id)
        phone_verification_check(
            verification_id=verification_id, phone=payload.phone, code=payload.code,
        )
    except ValueError:
        return refusal(_("The code is not right. Please check the message."))
    except ValidationError as error:
        return refusal(error.messages[0])
    return answer({"id": verification_id, "confirmed": True}, 200)
