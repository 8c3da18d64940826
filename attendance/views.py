"""Attendance pages: the class-day screen (tablet), paper days, the class grid,
certificates, and the public certificate check.

Staff pages show learners' names in full to the staff who may take the
class's attendance (`may_take_attendance`), and log each view with
`pii_access_record`; anyone else gets a 404.
"""

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attendance.documents import (
    SheetRow,
    certificates_pdf,
    sign_in_sheet_pdf,
    sign_in_sheet_xlsx,
)
from attendance.models import Certificate, MarkSource, Presence
from attendance.selectors import (
    class_certificates,
    class_for_its_staff,
    class_grid,
    counts,
    roster,
    roster_row,
    session_get,
)
from attendance.services import (
    MARKABLE_STATUSES,
    attendance_mark,
    attendance_mark_all,
    attendance_paper_enter,
    certificate_revoke,
    certificates_issue,
    confirmed_applications,
    may_take_attendance,
    today,
    verification_code_display,
    verification_code_normalize,
)
from classes.models import ClassSession, ClassStatus, CourseClass
from classes.selectors import class_can_manage
from enrollment.locking import BUSY_MESSAGE, EnrollmentBusy
from lib.ratelimit import window_count
from privacy.models import AccessLog
from privacy.services import client_ip, pii_access_record

PRESENCE_SYMBOLS = {
    Presence.PRESENT: "○", Presence.LATE: "△", Presence.ABSENT: "×", "": "·",
}


def _session(request: HttpRequest, pk: int) -> ClassSession:
    session = session_get(user=request.user, pk=pk)
    if session is None or not may_take_attendance(request.user, session.course_class):
        raise Http404
    return session


def _class(request: HttpRequest, pk: int) -> CourseClass:
    course_class = class_for_its_staff(user=request.user, pk=pk)
    if course_class is None:
        raise Http404
    return course_class


def _error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- The class-day screen ----------------------------------------------------------


@login_required
@require_GET
def session_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    rows = roster(session)
    pii_access_record(
        request=request, subjects=[row.application.learner for row in rows],
        action=AccessLog.Action.VIEW,
    )
    course_class = session.course_class
    future = session.date > today()
    running = course_class.status in MARKABLE_STATUSES
    return render(request, "attendance/session.html", {
        "session": session,
        "class": course_class,
        "rows": rows,
        "counts": counts(rows),
        "sessions": course_class.sessions.all(),
        "future": future,
        "running": running,
        "markable": running and not future,
    })


@login_required
@require_POST
def mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: the button posts the state it sets (so a repeated tap changes nothing)."""
    session = _session(request, pk)
    raw = request.POST.get("application", "")
    application = get_object_or_404(
        confirmed_applications(session.course_class_id).select_related("learner"),
        pk=int(raw) if raw.isdigit() and len(raw) < 12 else 0,
    )
    presence = request.POST.get("presence", "")
    error = ""
    try:
        attendance_mark(
            session=session, application=application, presence=presence,
            source=MarkSource.TABLET, by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect(reverse("attendance-session", args=[session.pk]) + f"#row-{application.pk}")
    pii_access_record(request=request, subjects=application.learner, action=AccessLog.Action.VIEW)
    return render(request, "attendance/_mark_response.html", {
        "session": session, "row": roster_row(session, application), "error": error,
        "counts": counts(roster(session)), "markable": True,
    })


@login_required
@require_POST
def mark_all_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        marked = attendance_mark_all(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("%(count)s learners were marked present.") % {"count": marked})
    return redirect("attendance-session", pk=session.pk)


# --- Paper days --------------------------------------------------------------------


def _sheet_rows(session: ClassSession) -> tuple[list[Any], list[SheetRow]]:
    rows = roster(session)
    return rows, [
        SheetRow(number=index, name=row.application.learner.name,
                 birth_year=row.application.learner.birth_year)
        for index, row in enumerate(rows, start=1)
    ]


def _sheet_name(session: ClassSession, extension: str) -> str:
    return (
        f"sign-in-{session.course_class_id}-{session.number:02d}-{session.date:%Y%m%d}"
        f".{extension}"
    )


@login_required
@require_GET
def sheet_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    rows, sheet = _sheet_rows(session)
    pii_access_record(
        request=request, subjects=[row.application.learner for row in rows],
        action=AccessLog.Action.PRINT, purpose="sign-in sheet",
    )
    response = HttpResponse(sign_in_sheet_pdf(session, sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_sheet_name(session, "pdf")}"'
    return response


@login_required
@require_GET
def sheet_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    rows, sheet = _sheet_rows(session)
    pii_access_record(
        request=request, subjects=[row.application.learner for row in rows],
        action=AccessLog.Action.EXPORT, purpose="sign-in sheet",
    )
    response = HttpResponse(
        sign_in_sheet_xlsx(session, sheet),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_sheet_name(session, "xlsx")}"'
    return response


@login_required
def paper_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if request.method == "POST":
        present: set[int] = set()
        for value in request.POST.getlist("present"):
            if value.isdigit():
                present.add(int(value))
        try:
            changed = attendance_paper_enter(
                session=session, present=present, by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("The sign-in sheet was entered (%(count)s changes).") % {"count": changed},
            )
            return redirect("attendance-session", pk=session.pk)
    rows = roster(session)
    pii_access_record(
        request=request, subjects=[row.application.learner for row in rows],
        action=AccessLog.Action.VIEW,
    )
    return render(request, "attendance/paper.html", {
        "session": session, "class": session.course_class, "rows": rows,
    })


# --- The class: sessions, grid, certificates ---------------------------------------


@login_required
@require_GET
def class_view(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _class(request, pk)
    sessions, rows = class_grid(course_class)
    pii_access_record(
        request=request, subjects=[row.application.learner for row in rows],
        action=AccessLog.Action.VIEW,
    )
    can_manage = class_can_manage(user=request.user, course_class=course_class)
    return render(request, "attendance/class.html", {
        "class": course_class,
        "sessions": sessions,
        "rows": [(row, [PRESENCE_SYMBOLS.get(c, "·") for c in row.cells]) for row in rows],
        "completed": sum(1 for row in rows if row.completion.completed),
        "can_issue": can_manage and course_class.status == ClassStatus.FINISHED,
        "can_manage": can_manage,
        "active_certificates": [
            (row.certificate, row.application.learner.name) for row in rows
            if row.certificate and not row.certificate.revoked_at
        ],
        "today": today(),
        "legend": [(PRESENCE_SYMBOLS[p], p.label) for p in Presence]
        + [(PRESENCE_SYMBOLS[""], _("Not marked"))],
    })


@login_required
@require_POST
def certificates_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _class(request, pk)
    try:
        issued = certificates_issue(course_class=course_class, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        _error(request, error)
    except EnrollmentBusy:
        messages.error(request, str(BUSY_MESSAGE))
    else:
        messages.success(
            request, _("%(count)s certificates were issued.") % {"count": len(issued)},
        )
    return redirect("attendance-class", pk=course_class.pk)


def _pdf_response(request: HttpRequest, certificates: list[Certificate], name: str) -> HttpResponse:
    pii_access_record(
        request=request, subjects=[c.application.learner for c in certificates],
        action=AccessLog.Action.PRINT, purpose="certificate",
    )
    response = HttpResponse(certificates_pdf(certificates), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_GET
def certificate_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = (
        Certificate.objects.for_user(request.user)
        .select_related(
            "application__learner", "application__course_class__course",
            "application__course_class__center",
        )
        .filter(pk=pk).first()
    )
    if certificate is None or not may_take_attendance(
        request.user, certificate.application.course_class,
    ):
        raise Http404
    return _pdf_response(request, [certificate], f"certificate-{certificate.number}.pdf")


@login_required
@require_GET
def class_certificates_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _class(request, pk)
    certificates = list(class_certificates(course_class))
    if not certificates:
        raise Http404
    return _pdf_response(request, certificates, f"certificates-class-{course_class.pk}.pdf")


@login_required
@require_POST
def certificate_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.for_user(request.user).select_related("application__course_class"),
        pk=pk,
    )
    course_class = certificate.application.course_class
    if not may_take_attendance(request.user, course_class):
        raise Http404
    try:
        certificate_revoke(
            certificate=certificate, by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request, _("Certificate %(number)s was revoked.") % {"number": certificate.number},
        )
    return redirect("attendance-class", pk=course_class.pk)


# --- The public check --------------------------------------------------------------

CHECK_LIMIT = getattr(settings, "CERTIFICATE_CHECK_LIMIT", 30)
CHECK_WINDOW_SECONDS = 600


def _over_limit(request: HttpRequest) -> bool:
    """At most CHECK_LIMIT look-ups per address per ten minutes (in the cache:
    with several web processes, configure a shared cache for the limit to hold)."""
    window = int(time.time() // CHECK_WINDOW_SECONDS)
    key = f"certificate-check:{client_ip(request) or 'unknown'}:{window}"
    return window_count(key, CHECK_WINDOW_SECONDS) > CHECK_LIMIT


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "attendance/check.html", {"too_many": True}, status=429)
    response["Retry-After"] = str(CHECK_WINDOW_SECONDS)
    return response


@require_GET
def check_view(request: HttpRequest) -> HttpResponse:
    """The form; a submitted code goes on to its own page (as the QR code does)."""
    code = verification_code_normalize(request.GET.get("code", ""))
    if code:
        return redirect("certificates-check-code", code=code)
    error = _("Enter the code printed on the certificate.") if "code" in request.GET else ""
    return render(request, "attendance/check.html", {"error": error})


@require_GET
def check_code_view(request: HttpRequest, code: str) -> HttpResponse:
    if _over_limit(request):
        return _too_many(request)
    normal = verification_code_normalize(code)
    certificate = (
        Certificate.objects.select_related(
            "application__course_class__course", "application__course_class__center",
        )
        .filter(verification_code=normal).first()
        if normal else None
    )
    context: dict[str, Any] = {
        "code": verification_code_display(normal), "certificate": certificate,
        "searched": True,
    }
    if certificate is not None:
        context["class"] = certificate.application.course_class
    return render(
        request, "attendance/check.html", context, status=200 if certificate else 404,
    )
