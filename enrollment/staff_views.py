"""Staff enrollment screens: phone and walk-in intake, class rosters.

Centre managers, regional officers and national administrators enter and
change applications for the classes in their scope; instructors and
supporters see the rosters of their centre's classes and change nothing.
Every change is one call into enrollment.services (which checks the scope
again); every full showing of a learner's name or phone is logged. A class
locked too long (EnrollmentBusy) becomes the 503 "try again" page in
enrollment.middleware.
"""

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from classes.models import CourseClass
from enrollment.models import Application, ApplicationStatus
from enrollment.selectors import (
    application_get,
    enrollment_can_manage,
    enrollment_may_manage,
    roster_class_get,
    roster_get,
)
from enrollment.services import (
    DuplicateApplication,
    application_cancel,
    application_create,
    class_capacity_set,
    offer_accept,
    waitlist_position,
)
from enrollment.staff_forms import CancelForm, CapacityForm, IntakeForm, PhoneLookupForm
from learners.models import Learner
from learners.services import learners_with_phone
from privacy.crypto import DecryptionError, decrypt, encrypt
from privacy.masking import mask_name
from privacy.models import AccessLog
from privacy.phone import format_phone, normalize_phone
from privacy.services import pii_access_record

RESULT_SESSION_KEY = "enrollment_intake_result"
# The code in the session is encrypted: sessions are rows in the database.
CODE_CONTEXT = "enrollment.session.manage_code"


def _require_manager(request: HttpRequest) -> None:
    if not enrollment_may_manage(request.user):
        raise PermissionDenied


# --- Intake --------------------------------------------------------------------------


def _matches(request: HttpRequest, phone: str) -> list[Learner]:
    """Learners with this phone, nationwide (one person is one learner wherever they
    applied before); shown masked, and the search is logged."""
    found = list(learners_with_phone(phone).order_by("pk")[:20])
    if found:
        pii_access_record(request=request, subjects=found, action=AccessLog.Action.SEARCH,
                          purpose="intake phone lookup")
    return found


@login_required
def intake_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    if request.method != "POST":
        initial = {"course_class": request.GET.get("class", "")}
        return render(request, "enrollment/staff/intake_phone.html",
                      {"form": PhoneLookupForm(initial=initial)})
    step = request.POST.get("step", "")
    if step == "phone":
        lookup = PhoneLookupForm(request.POST)
        if not lookup.is_valid():
            return render(request, "enrollment/staff/intake_phone.html", {"form": lookup})
        phone = lookup.cleaned_data["phone"]
        matches = _matches(request, phone)
        form = IntakeForm(user=request.user, matches=matches, initial={
            "phone": phone, "course_class": lookup.cleaned_data["course_class"],
            "channel": "phone",
        })
        return _details(request, form, phone)
    raw_phone = request.POST.get("phone", "")
    try:
        phone = PhoneLookupForm.base_fields["phone"].clean(raw_phone)
    except ValidationError:
        return render(request, "enrollment/staff/intake_phone.html",
                      {"form": PhoneLookupForm(request.POST)})
    matches = _matches(request, phone)
    form = IntakeForm(request.POST, user=request.user, matches=matches)
    if not form.is_valid() or step not in ("details", "confirm") or "back" in request.POST:
        return _details(request, form, phone)
    if step == "details":
        return render(request, "enrollment/staff/intake_confirm.html", {
            "form": form, "phone": phone, "existing": form.existing,
            "course_class": form.cleaned_data["course_class"],
            "learner_data": form.learner_data(),
        })
    return _intake_save(request, form, phone)


@login_required
@require_POST
def intake_lookup_view(request: HttpRequest) -> HttpResponse:
    """htmx: the learners with the number typed so far, shown under the phone field."""
    _require_manager(request)
    try:
        phone = normalize_phone(request.POST.get("phone", ""))
    except ValidationError:
        return render(request, "enrollment/staff/_matches.html", {"phone": None})
    return render(request, "enrollment/staff/_matches.html", {
        "phone": phone, "matches": _matches(request, phone),
    })


def _details(request: HttpRequest, form: IntakeForm, phone: str) -> HttpResponse:
    return render(request, "enrollment/staff/intake_details.html", {
        "form": form, "phone": phone, "matches": form.matches,
    })


def _intake_save(request: HttpRequest, form: IntakeForm, phone: str) -> HttpResponse:
    course_class = form.cleaned_data["course_class"]
    try:
        applied = application_create(
            course_class=course_class, learner=form.learner_data(), consent=form.consent(),
            channel=form.cleaned_data["channel"], by=request.user,  # type: ignore[arg-type]
        )
    except DuplicateApplication as duplicate:
        form.add_error(None, _(
            "This learner already has an application to this class (%(status)s). "
            "See the class roster.",
        ) % {"status": duplicate.application.get_status_display()})
        return _details(request, form, phone)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _details(request, form, phone)
    # The management code is shown once; the session keeps it for the result page.
    request.session[RESULT_SESSION_KEY] = {
        "pk": applied.application.pk,
        "code": encrypt(applied.manage_code, context=CODE_CONTEXT),
    }
    return redirect("enrollment-staff-intake-done", pk=applied.application.pk)


@login_required
def intake_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404
    kept = request.session.get(RESULT_SESSION_KEY) or {}
    code = None
    if kept.get("pk") == application.pk and kept.get("code"):
        try:
            code = decrypt(kept["code"], context=CODE_CONTEXT)
        except DecryptionError:
            code = None
    return render(request, "enrollment/staff/intake_done.html", {
        "application": application, "code": code,
        "position": waitlist_position(application),
        "course_class": application.course_class,
    })


# --- Roster --------------------------------------------------------------------------


def _roster_class(request: HttpRequest, pk: int) -> CourseClass:
    course_class = roster_class_get(user=request.user, pk=pk)
    if course_class is None:
        raise Http404
    return course_class


def _managed_application(request: HttpRequest, pk: int) -> Application:
    application = application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404
    if not enrollment_can_manage(user=request.user, course_class=application.course_class):
        raise PermissionDenied
    return application


def _roster_page(
    request: HttpRequest, course_class: CourseClass, *, revealed: Application | None = None,
    capacity_form: CapacityForm | None = None, status: int = 200,
) -> HttpResponse:
    roster = roster_get(course_class=course_class)
    can_manage = enrollment_can_manage(user=request.user, course_class=course_class)
    return render(request, "enrollment/staff/roster.html", {
        "class": course_class, "roster": roster, "can_manage": can_manage,
        "revealed": revealed.pk if revealed else None,
        "capacity_form": capacity_form or CapacityForm(initial={"capacity": course_class.capacity}),
        "free": max(course_class.capacity - course_class.seats_taken, 0),
    }, status=status)


@login_required
def roster_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _roster_page(request, _roster_class(request, pk))


@login_required
@require_POST
def contact_view(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """Show one learner's name and phone in full (logged): a fragment for htmx,
    else the roster with that row opened."""
    course_class = _roster_class(request, pk)
    application = (
        Application.objects.filter(course_class=course_class, pk=application_pk)
        .select_related("learner").first()
    )
    if application is None:
        raise Http404
    pii_access_record(request=request, subjects=application.learner,
                      action=AccessLog.Action.VIEW, purpose="roster contact")
    if getattr(request, "htmx", False):
        return render(request, "enrollment/staff/_contact.html", {"a": application})
    return _roster_page(request, course_class, revealed=application)


@login_required
def cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        was_seated = application.status != ApplicationStatus.WAITLISTED
        try:
            application_cancel(application=application, by=request.user,  # type: ignore[arg-type]
                               reason=form.cleaned_data["reason"], channel="staff")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            promoted = ""
            if was_seated:
                promoted = " " + _("If someone was waiting, the first in line got the seat.")
            messages.success(request, _("The application of %(name)s was cancelled.")
                             % {"name": mask_name(application.learner.name)} + promoted)
        return redirect("enrollment-staff-roster", pk=application.course_class_id)
    return render(request, "enrollment/staff/cancel.html", {
        "application": application, "form": form, "course_class": application.course_class,
    })


@login_required
@require_POST
def offer_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    try:
        offer_accept(application=application, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s now has the seat.")
                         % {"name": mask_name(application.learner.name)})
    return redirect("enrollment-staff-roster", pk=application.course_class_id)


@login_required
@require_POST
def capacity_view(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _roster_class(request, pk)
    if not enrollment_can_manage(user=request.user, course_class=course_class):
        raise PermissionDenied
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            promoted = class_capacity_set(course_class=course_class,
                                          capacity=form.cleaned_data["capacity"],
                                          by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.messages:
                form.add_error("capacity", message)
        else:
            messages.success(request, _(
                "The capacity is now %(capacity)d. Learners given a seat from the waiting "
                "list: %(promoted)d.",
            ) % {"capacity": course_class.capacity, "promoted": promoted})
            return redirect("enrollment-staff-roster", pk=course_class.pk)
    return _roster_page(request, course_class, capacity_form=form, status=400)


@login_required
def roster_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster with full names and phones, for calling learners: logged as an export."""
    course_class = _roster_class(request, pk)
    roster = roster_get(course_class=course_class)
    rows: list[tuple[Any, Application]] = [
        *((_("Seat"), a) for a in roster.seated),
        *((_("Waiting %(n)d") % {"n": n}, a) for n, a in enumerate(roster.waiting, start=1)),
    ]
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _("Roster")[:31]
    sheet.append([course_class.course.title, course_class.center.name,
                  f"{course_class.first_date:%Y-%m-%d}"])
    sheet.append([_("Place in line"), _("Name"), _("Phone"), _("Year of birth"), _("Status"),
                  _("Applied through"), _("Applied at")])
    for place, a in rows:
        sheet.append([
            place, a.learner.name, format_phone(a.learner.phone), a.learner.birth_year,
            a.get_status_display(), a.get_channel_display(),
            timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"),
        ])
    pii_access_record(request=request, subjects=[a.learner for _place, a in rows],
                      action=AccessLog.Action.EXPORT, purpose="class roster export")
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="roster-{course_class.pk}.xlsx"'
    return response
