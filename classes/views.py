"""Staff pages for classes: list, detail, create, edit, lifecycle buttons.

Every read starts from CourseClass.objects.for_user; create and edit are
only offered for the user's own centres (classes.selectors).
"""

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classes.forms import ClassForm, TransitionForm
from classes.models import ClassStatus, CourseClass
from classes.selectors import class_can_manage, class_get, class_list, class_manageable_centers
from classes.services import class_create, class_data, class_transition, class_update

PAGE_SIZE = 100

# The buttons a manager sees for each status (the service still decides).
NEXT_STEPS = {
    ClassStatus.PLANNED: [ClassStatus.RECRUITING, ClassStatus.CANCELLED],
    ClassStatus.RECRUITING: [ClassStatus.CLOSED, ClassStatus.RUNNING, ClassStatus.CANCELLED],
    ClassStatus.CLOSED: [ClassStatus.RECRUITING, ClassStatus.RUNNING, ClassStatus.CANCELLED],
    ClassStatus.RUNNING: [ClassStatus.FINISHED],
}


def _managed_class(request: HttpRequest, pk: int) -> CourseClass:
    course_class = class_get(user=request.user, pk=pk)
    if course_class is None or not class_can_manage(user=request.user, course_class=course_class):
        raise Http404
    return course_class


@login_required
def class_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ClassStatus.values:
        status = ""
    classes = class_list(user=request.user, status=status or None)
    return render(request, "classes/list.html", {
        "classes": classes[:PAGE_SIZE],
        "statuses": ClassStatus.choices,
        "status": status,
        "can_create": class_manageable_centers(request.user).exists(),
        "page_size": PAGE_SIZE,
    })


@login_required
def class_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = class_get(user=request.user, pk=pk)
    if course_class is None:
        raise Http404
    can_manage = class_can_manage(user=request.user, course_class=course_class)
    steps = NEXT_STEPS.get(ClassStatus(course_class.status), []) if can_manage else []
    return render(request, "classes/detail.html", {
        "class": course_class,
        "can_manage": can_manage,
        "steps": [(step.value, step.label) for step in steps],
        "cancel": ClassStatus.CANCELLED.value,
    })


@login_required
def class_create_view(request: HttpRequest) -> HttpResponse:
    if not class_manageable_centers(request.user).exists():
        raise PermissionDenied
    form = ClassForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course_class = class_create(data=form.class_data(), by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The class was opened with its sessions."))
            return redirect("classes-detail", pk=course_class.pk)
    return render(request, "classes/form.html", {"form": form, "class": None})


@login_required
def class_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    initial = asdict(class_data(course_class))
    form = ClassForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            class_update(
                course_class=course_class, data=form.class_data(), by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The class was saved."))
            return redirect("classes-detail", pk=course_class.pk)
    return render(request, "classes/form.html", {"form": form, "class": course_class})


@login_required
@require_POST
def class_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        try:
            class_transition(
                course_class=course_class, to=form.cleaned_data["to"],
                by=request.user, reason=form.cleaned_data["reason"],  # type: ignore[arg-type]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The class is now “%(status)s”.")
                % {"status": ClassStatus(form.cleaned_data["to"]).label},
            )
    return redirect("classes-detail", pk=course_class.pk)
