"""Staff pages for learners: search, the whole record (logged), merging duplicates.

Staff see a learner through the classes the learner applied to
(`learners.selectors`). Lists show masked names and phones; the learner's
page and the merge comparison show them whole and write the access log.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from classes.models import CourseClass
from courses.models import TargetGroup
from enrollment.selectors import enrollment_may_manage
from learners.forms import MergeForm, PhoneSearchForm
from learners.models import Learner
from learners.selectors import (
    SEARCH_LIMIT,
    learner_applications,
    learner_get,
    learner_search_class,
    learner_search_phone,
    learners_visible,
)
from learners.services import learner_merge
from privacy.models import AccessLog
from privacy.services import pii_access_record

CLASS_CHOICES_LIMIT = 200


def _labelled(learner: Learner) -> Learner:
    labels = dict(TargetGroup.choices)
    learner.target_group_labels = [  # type: ignore[attr-defined]
        labels.get(group, group) for group in learner.target_groups
    ]
    return learner


def _learner(request: HttpRequest, pk: int) -> Learner:
    learner = learner_get(user=request.user, pk=pk)
    if learner is None:
        raise Http404
    return _labelled(learner)


@login_required
def learner_list_view(request: HttpRequest) -> HttpResponse:
    """Search by phone (POST, so the number stays out of addresses and logs) or by class."""
    classes = list(
        CourseClass.objects.for_user(request.user).select_related("course", "center")
        .order_by("-first_date", "pk")[:CLASS_CHOICES_LIMIT],
    )
    form = PhoneSearchForm(request.POST or None)
    learners: list[Learner] | None = None
    chosen = None
    if request.method == "POST":
        if form.is_valid():
            learners = list(learner_search_phone(
                user=request.user, phone=form.cleaned_data["phone"])[:SEARCH_LIMIT])
            if learners:
                pii_access_record(request=request, subjects=learners,
                                  action=AccessLog.Action.SEARCH, purpose="learner phone search")
    elif request.GET.get("class", "").isdigit():
        chosen = CourseClass.objects.for_user(request.user).filter(
            pk=int(request.GET["class"])).first()
        if chosen is None:
            raise Http404
        learners = list(learner_search_class(user=request.user, course_class=chosen)[:SEARCH_LIMIT])
    return render(request, "learners/staff/list.html", {
        "form": form, "learners": learners, "classes": classes, "chosen": chosen,
        "limit": SEARCH_LIMIT,
    })


@login_required
def learner_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _learner(request, pk)
    applications, elsewhere = learner_applications(user=request.user, learner=learner)
    pii_access_record(request=request, subjects=learner, action=AccessLog.Action.VIEW)
    return render(request, "learners/staff/detail.html", {
        "learner": learner, "applications": applications, "elsewhere": elsewhere,
        "can_merge": enrollment_may_manage(request.user) and learner.merged_into_id is None,
    })


@login_required
def learner_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick the duplicate, compare the two records side by side, merge into this one."""
    if not enrollment_may_manage(request.user):
        raise PermissionDenied
    keep = _learner(request, pk)
    if keep.merged_into_id:
        raise Http404
    form = MergeForm(request.POST or request.GET or None)
    duplicate = None
    if form.is_bound and form.is_valid():
        duplicate = learner_get(user=request.user, pk=form.cleaned_data["duplicate"])
        if duplicate is not None:
            _labelled(duplicate)
        if duplicate is None or duplicate.pk == keep.pk or duplicate.merged_into_id:
            form.add_error("duplicate", _(
                "No other learner with this record number is in your scope.",
            ))
            duplicate = None
    if duplicate is not None and request.method == "POST":
        try:
            learner_merge(keep=keep, duplicate=duplicate, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Record %(duplicate)d was merged into this one.")
                             % {"duplicate": duplicate.pk})
            return redirect("learners-detail", pk=keep.pk)
    candidates = list(
        learners_visible(request.user)
        .filter(phone_index=keep.phone_index, merged_into__isnull=True)
        .exclude(pk=keep.pk).order_by("pk")[:20],
    )
    compared = []
    if duplicate is not None:
        pii_access_record(request=request, subjects=[keep, duplicate],
                          action=AccessLog.Action.VIEW, purpose="merge comparison")
        for learner in (keep, duplicate):
            applications, elsewhere = learner_applications(user=request.user, learner=learner)
            compared.append({"learner": learner, "applications": applications,
                             "elsewhere": elsewhere})
    return render(request, "learners/staff/merge.html", {
        "keep": keep, "duplicate": duplicate, "form": form, "candidates": candidates,
        "compared": compared,
    })
