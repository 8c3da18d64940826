from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from centers.forms import DecisionForm, OutreachRequestForm
from centers.models import OutreachRequest, OutreachStatus
from centers.selectors import outreach_request_can_decide, outreach_request_list
from centers.services import (
    outreach_request_accept,
    outreach_request_create,
    outreach_request_decline,
    outreach_request_schedule,
)
from privacy.services import pii_access_record


def _form_errors(form: OutreachRequestForm | DecisionForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == "region":
                target = "district" if "district" in form.fields else None
            for item in errors:
                form.add_error(target, item.messages[0])
    else:
        form.add_error(None, error)


def outreach_request_new(request: HttpRequest) -> HttpResponse:
    """The public form where an organisation asks for a class at its own site."""
    form = OutreachRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outreach_request_create(
                organisation=data["organisation"], contact_name=data["contact_name"],
                contact_phone=data["contact_phone"], road_address=data["road_address"],
                region=data["district"], topic=data["topic"],
                preferred_start=data["preferred_start"], preferred_end=data["preferred_end"],
                expected_learners=data["expected_learners"], notes=data["notes"],
                actor=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("centers-outreach-request-done")
    return render(request, "centers/outreach_request_form.html", {"form": form})


def outreach_request_done(request: HttpRequest) -> HttpResponse:
    return render(request, "centers/outreach_request_done.html")


@login_required
def outreach_request_staff_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    requests = outreach_request_list(
        user=request.user, status=status if status in OutreachStatus.values else None,
    )
    return render(request, "centers/outreach_request_list.html", {
        "requests": requests, "status": status, "statuses": OutreachStatus.choices,
    })


@login_required
def outreach_request_staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outreach = get_object_or_404(
        OutreachRequest.objects.for_user(request.user).select_related(
            "hub", "region", "site", "decided_by",
        ),
        pk=pk,
    )
    may_decide = outreach_request_can_decide(user=request.user, outreach_request=outreach)
    if request.method == "POST" and not may_decide:
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        try:
            if decision == DecisionForm.ACCEPT:
                outreach_request_accept(
                    outreach_request=outreach, actor=request.user, reason=reason,
                )
            elif decision == DecisionForm.SCHEDULE:
                outreach_request_schedule(outreach_request=outreach, actor=request.user)
            else:
                outreach_request_decline(
                    outreach_request=outreach, actor=request.user, reason=reason,
                )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The decision is saved."))
            return redirect("centers-outreach-detail", pk=outreach.pk)
    # The contact's name and phone are shown whole here: log who saw them.
    pii_access_record(
        request=request, subjects=outreach, action="view", purpose="outreach request decision",
    )
    return render(request, "centers/outreach_request_detail.html", {
        "outreach": outreach, "form": form,
        "can_decide": may_decide
        and outreach.status in (OutreachStatus.REQUESTED, OutreachStatus.ACCEPTED),
    })
