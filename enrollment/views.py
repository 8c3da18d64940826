"""The learner's own pages: applying online in three screens, and "my application".

Applying (no account): 1. who applies and who will attend → 2. the notice and
the agreement (and "send the code") → 3. the code from the text message →
done. What was typed waits in the session between screens, encrypted like
the personal data it is, never in hidden fields the browser could change;
every step is a plain form that posts and redirects, so it all works
without JavaScript. Nothing is written until the last step, and then in one
transaction (`_submit`).

"My application": the management code and the phone open the page; the code
is posted, never put in an address, and the session remembers which
application was opened. Wrong tries are counted per address.
"""

import json
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.selectors import course_test_due
from classes.models import CourseClass
from classes.search import public_classes
from enrollment.forms import WHO_PROXY, CancelForm, CodeForm, ConsentForm, ManageLoginForm, WhoForm
from enrollment.locking import BUSY_MESSAGE, EnrollmentBusy, locking_transaction
from enrollment.models import ACTIVE_STATUSES, Application, ApplicationStatus
from enrollment.services import (
    DuplicateApplication,
    application_by_code,
    application_cancel,
    application_create,
    application_refusal,
    offer_accept,
    waitlist_position,
)
from kiosk.selectors import competency_evidence
from learners.models import Channel
from learners.services import ConsentGiven, LearnerData, phone_index_of
from learners.verification import (
    phone_verification_check,
    phone_verification_start,
    phone_verification_use,
)
from lib.ratelimit import window_count
from notifications.services import is_mobile
from privacy.crypto import DecryptionError, decrypt, encrypt
from privacy.fields import blind_index
from privacy.masking import mask_name, mask_phone
from privacy.phone import format_phone
from privacy.services import client_ip

DRAFT_CONTEXT = "enrollment.apply_draft"
CODE_CONTEXT = "enrollment.session.manage_code"
APPLIED_KEY = "enrollment-applied"
MANAGE_KEY = "enrollment-manage"
# Wrong code-and-phone tries allowed per address in MANAGE_WINDOW_SECONDS: a
# code has 32^8 values, so this makes guessing one hopeless.
MANAGE_MAX_FAILURES = 10
MANAGE_WINDOW_SECONDS = 15 * 60
# How long an opened application page stays open without the code again.
MANAGE_OPEN_SECONDS = 30 * 60


def verification_on() -> bool:
    return bool(settings.ENROLLMENT_PHONE_VERIFICATION)


# --- The draft between screens -----------------------------------------------------


def _draft_key(pk: int) -> str:
    return f"enrollment-apply-{pk}"


def _draft(request: HttpRequest, pk: int) -> dict[str, Any] | None:
    token = request.session.get(_draft_key(pk))
    if not token:
        return None
    try:
        draft: dict[str, Any] = json.loads(decrypt(token, context=DRAFT_CONTEXT))
    except (DecryptionError, ValueError):
        return None
    return draft


def _draft_save(request: HttpRequest, pk: int, draft: dict[str, Any]) -> None:
    request.session[_draft_key(pk)] = encrypt(json.dumps(draft), context=DRAFT_CONTEXT)


def _draft_drop(request: HttpRequest, pk: int) -> None:
    request.session.pop(_draft_key(pk), None)


def _verify_phone(draft: dict[str, Any]) -> str | None:
    """The mobile phone the code goes to: the learner's, or else the proxy's."""
    if is_mobile(draft["phone"]):
        return str(draft["phone"])
    if draft.get("proxy_phone") and is_mobile(draft["proxy_phone"]):
        return str(draft["proxy_phone"])
    return None


# --- Pages shared by the steps -----------------------------------------------------


def _open_class(pk: int) -> CourseClass:
    return get_object_or_404(
        public_classes().select_related("course", "center", "center__region"), pk=pk,
    )


def _base(course_class: CourseClass, step: int | None = None) -> dict[str, Any]:
    return {
        "class": course_class, "course": course_class.course, "center": course_class.center,
        "step": step, "steps": 3 if verification_on() else 2,
        "seats_left": max(course_class.capacity - course_class.seats_taken, 0),
    }


def _closed(request: HttpRequest, course_class: CourseClass, reason: str) -> HttpResponse:
    return render(request, "enrollment/public/closed.html", {
        **_base(course_class), "reason": reason,
    })


def _busy(request: HttpRequest) -> HttpResponse:
    response = render(request, "enrollment/public/busy.html", {"message": BUSY_MESSAGE}, status=503)
    response["Retry-After"] = "5"
    return response


# --- Screen 1: who ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply_who(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _open_class(pk)
    reason = application_refusal(course_class)
    if reason:
        return _closed(request, course_class, reason)
    draft = _draft(request, pk) or {}
    if request.method == "POST":
        form = WhoForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            fresh = {
                key: data[key] for key in (
                    "who", "proxy_relationship", "proxy_name", "proxy_phone", "learner_agreed",
                    "name", "phone", "birth_year", "sex", "target_groups",
                )
            }
            if verification_on() and _verify_phone(fresh) is None:
                form.add_error("phone", _(
                    "A confirmation code can only be sent to a mobile phone (010 …).",
                ))
            elif not verification_on() and _already_applied(course_class, fresh):
                # With the code on, a duplicate is said only after the code has
                # shown the phone is theirs: else anyone typing a name and a
                # number would learn whether that person applied to this class.
                return redirect("enrollment-apply-duplicate", pk=pk)
            else:
                # Agreement and code belong to the details they were given for.
                _draft_save(request, pk, fresh)
                return redirect("enrollment-apply-consent", pk=pk)
    else:
        initial = dict(draft)
        for key in ("phone", "proxy_phone"):
            if initial.get(key):
                initial[key] = format_phone(initial[key])
        form = WhoForm(initial=initial or None)
    return render(request, "enrollment/public/who.html", {**_base(course_class, 1), "form": form})


def _already_applied(course_class: CourseClass, draft: dict[str, Any]) -> bool:
    """Said before any code is sent; application_create checks again under the lock."""
    return Application.objects.filter(
        course_class=course_class, status__in=ACTIVE_STATUSES,
        learner__phone_index=phone_index_of(draft["phone"]),
        learner__name_index=blind_index(draft["name"], purpose="name"),
        learner__merged_into__isnull=True,
    ).exists()


def _later_step(request: HttpRequest, pk: int) -> tuple[Any, dict[str, Any]] | HttpResponse:
    """The class and the draft for screens 2 and 3, or the page to show instead:
    why the class takes no application, or screen 1 when there is no draft."""
    course_class = _open_class(pk)
    reason = application_refusal(course_class)
    if reason:
        return _closed(request, course_class, reason)
    draft = _draft(request, pk)
    if draft is None:
        return redirect("finder-apply", pk=pk)
    return course_class, draft


# --- Screen 2: agreement ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply_consent(request: HttpRequest, pk: int) -> HttpResponse:
    step = _later_step(request, pk)
    if isinstance(step, HttpResponse):
        return step
    course_class, draft = step
    problem = ""
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            draft.update(
                personal_info=True, sensitive_info=bool(data["sensitive_info"]),
                disability=data["disability"] if data["sensitive_info"] else "",
            )
            if not verification_on():
                _draft_save(request, pk, draft)
                return _submit(request, course_class, draft)
            try:
                verification = phone_verification_start(
                    phone=_verify_phone(draft) or "", client=client_ip(request) or "unknown",
                )
            except ValidationError as error:
                problem = " ".join(error.messages)
            else:
                draft["verification"] = str(verification.id)
                _draft_save(request, pk, draft)
                return redirect("enrollment-apply-code", pk=pk)
    else:
        form = ConsentForm(initial={
            key: draft[key] for key in ("personal_info", "sensitive_info", "disability")
            if key in draft
        } or None)
    return render(request, "enrollment/public/consent.html", {
        **_base(course_class, 2), "form": form, "draft": _shown(draft), "problem": problem,
        "verify_phone": mask_phone(_verify_phone(draft) or ""),
    })


def _shown(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft as the summary on screen 2 shows it back to the person typing."""
    return {
        **draft,
        "phone": format_phone(draft["phone"]),
        "proxy_phone": format_phone(draft.get("proxy_phone") or ""),
        "is_proxy": draft.get("who") == WHO_PROXY,
    }


# --- Screen 3: the code -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply_code(request: HttpRequest, pk: int) -> HttpResponse:
    step = _later_step(request, pk)
    if isinstance(step, HttpResponse):
        return step
    course_class, draft = step
    if not verification_on():
        return redirect("enrollment-apply-consent", pk=pk)
    if not draft.get("verification"):
        return redirect("enrollment-apply-consent", pk=pk)
    phone = _verify_phone(draft) or ""
    form = CodeForm(request.POST or None)
    problem = ""
    if request.method == "POST" and "resend" in request.POST:
        try:
            verification = phone_verification_start(
                phone=phone, client=client_ip(request) or "unknown",
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            draft["verification"] = str(verification.id)
            _draft_save(request, pk, draft)
            messages.success(request, _("We sent a new code. Please use the newest message."))
            return redirect("enrollment-apply-code", pk=pk)
        form = CodeForm()
    elif request.method == "POST" and form.is_valid():
        try:
            phone_verification_check(
                verification_id=draft["verification"], phone=phone,
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return _submit(request, course_class, draft)
    return render(request, "enrollment/public/code.html", {
        **_base(course_class, 3), "form": form, "problem": problem,
        "verify_phone": mask_phone(phone),
        "code_to_learner": draft.get("who") == "proxy" and phone == draft.get("phone"),
    })


# --- The application itself ---------------------------------------------------------


def _submit(request: HttpRequest, course_class: CourseClass, draft: dict[str, Any]) -> HttpResponse:
    """Make the application, spending the phone confirmation in the same transaction."""
    learner = LearnerData(
        name=draft["name"], phone=draft["phone"], birth_year=int(draft["birth_year"]),
        sex=draft.get("sex") or "", target_groups=list(draft.get("target_groups") or []),
    )
    consent = ConsentGiven(
        personal_info=bool(draft.get("personal_info")),
        sensitive_info=bool(draft.get("sensitive_info")),
        disability=draft.get("disability") or "",
        proxy_name=draft.get("proxy_name") or "",
        proxy_phone=draft.get("proxy_phone") or "",
        proxy_relationship=draft.get("proxy_relationship") or "",
    )
    try:
        # One transaction: if the application is refused, the code stays unspent
        # (and if the code was spent already, no application is made).
        with locking_transaction():
            if verification_on():
                phone_verification_use(
                    verification_id=draft["verification"], phone=_verify_phone(draft) or "",
                )
            applied = application_create(
                course_class=course_class.pk, learner=learner, consent=consent,
                channel=Channel.ONLINE,
            )
    except EnrollmentBusy:
        return _busy(request)
    except DuplicateApplication:
        _draft_drop(request, course_class.pk)
        return redirect("enrollment-apply-duplicate", pk=course_class.pk)
    except ValidationError as error:
        if error.code == "closed":
            return _closed(request, course_class, " ".join(error.messages))
        return render(request, "enrollment/public/refused.html", {
            **_base(course_class), "problems": error.messages,
        }, status=400)
    _draft_drop(request, course_class.pk)
    request.session[APPLIED_KEY] = {
        "class": course_class.pk, "application": applied.application.pk,
        # Encrypted like the draft: sessions are rows in the database.
        "code": encrypt(applied.manage_code, context=CODE_CONTEXT),
    }
    return redirect("enrollment-apply-done", pk=course_class.pk)


@require_GET
def apply_done(request: HttpRequest, pk: int) -> HttpResponse:
    applied = request.session.get(APPLIED_KEY)
    if not applied or applied.get("class") != pk:
        return redirect("finder-class", pk=pk)
    application = get_object_or_404(
        Application.objects.select_related("course_class__course", "course_class__center"),
        pk=applied["application"],
    )
    # Shown once: a reload (or the next person at a shared computer) sees no code.
    code = applied.pop("code", "")
    try:
        code = decrypt(code, context=CODE_CONTEXT) if code else ""
    except DecryptionError:
        code = ""
    request.session[APPLIED_KEY] = applied
    course_class = application.course_class
    return render(request, "enrollment/public/done.html", {
        **_base(course_class), "application": application, "code": code,
        "position": waitlist_position(application),
        "first_session": course_class.sessions.order_by("number").first(),
    })


@require_GET
def apply_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _open_class(pk)
    return render(request, "enrollment/public/duplicate.html", _base(course_class))


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "learners/privacy_notice.html")


# --- My application -----------------------------------------------------------------


def _failures_key(request: HttpRequest) -> str:
    return f"enrollment-manage-failures:{client_ip(request) or 'unknown'}"


def _managed(request: HttpRequest) -> Application | None:
    opened = request.session.get(MANAGE_KEY)
    if not isinstance(opened, dict) or opened.get("until", 0) < time.time():
        # Closed, or left open too long (a shared computer at a centre or library).
        request.session.pop(MANAGE_KEY, None)
        return None
    pk = opened.get("application")
    return (
        Application.objects.select_related(
            "course_class__course", "course_class__center", "course_class__center__region",
            "learner",
        ).filter(pk=pk).first()
    )


def managed_application(request: HttpRequest) -> Application | None:
    """The application this browser opened with its code and phone, if still open.

    Other learner pages that act for the application (its pre- and post-test,
    assessment.views) trust the same proof rather than asking again.
    """
    return _managed(request)


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The learner's application: the code and phone open it; then status and actions."""
    if request.method == "GET":
        application = _managed(request)
        if application is not None:
            return _manage_page(request, application)
        return render(request, "enrollment/public/manage_login.html", {"form": ManageLoginForm()})
    form = ManageLoginForm(request.POST)
    if cache.get(_failures_key(request), 0) >= MANAGE_MAX_FAILURES:
        return render(request, "enrollment/public/manage_login.html", {
            "form": ManageLoginForm(), "locked": True,
        }, status=429)
    if form.is_valid():
        application = application_by_code(form.cleaned_data["code"])
        if application is not None and application.learner.phone_index == phone_index_of(
            form.cleaned_data["phone"],
        ):
            request.session.cycle_key()
            request.session[MANAGE_KEY] = {
                "application": application.pk, "until": time.time() + MANAGE_OPEN_SECONDS,
            }
            return redirect("enrollment-manage")
        window_count(_failures_key(request), MANAGE_WINDOW_SECONDS)
        form.add_error(None, _(
            "We could not find an application with this code and phone number. "
            "Please check the text message.",
        ))
    return render(request, "enrollment/public/manage_login.html", {"form": form}, status=400)


def _manage_page(request: HttpRequest, application: Application) -> HttpResponse:
    course_class = application.course_class
    return render(request, "enrollment/public/manage.html", {
        "application": application, "class": course_class, "course": course_class.course,
        "center": course_class.center,
        "learner_name": mask_name(application.learner.name),
        "position": waitlist_position(application),
        "sessions": course_class.sessions.order_by("number"),
        "can_cancel": application.is_active,
        "can_accept": application.status == ApplicationStatus.OFFERED,
        "course_test": course_test_due(application, today=timezone.localdate()),
        "kiosk_evidence": competency_evidence([application.learner_id]).get(
            application.learner_id, [],
        ),
    })


@require_http_methods(["GET", "POST"])
def manage_cancel(request: HttpRequest) -> HttpResponse:
    application = _managed(request)
    if application is None:
        return redirect("enrollment-manage")
    if not application.is_active:
        return redirect("enrollment-manage")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_cancel(
                application=application, by=None, reason=form.cleaned_data["reason"],
                channel=Channel.ONLINE,
            )
        except EnrollmentBusy:
            return _busy(request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your application is cancelled."))
        return redirect("enrollment-manage")
    return render(request, "enrollment/public/manage_cancel.html", {
        "application": application, "class": application.course_class,
        "course": application.course_class.course, "form": form,
    })


@require_POST
def manage_accept(request: HttpRequest) -> HttpResponse:
    application = _managed(request)
    if application is None:
        return redirect("enrollment-manage")
    try:
        offer_accept(application=application)
    except EnrollmentBusy:
        return _busy(request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your seat is confirmed. See you in class!"))
    return redirect("enrollment-manage")


@require_POST
def manage_leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(MANAGE_KEY, None)
    messages.success(request, _("You have closed your application page."))
    return redirect("enrollment-manage")

