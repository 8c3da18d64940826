from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.scoping import role_grants
from centers.models import Center
from enrollment.selectors import enrollment_may_manage


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    centers = Center.objects.for_user(request.user).select_related("region")[:50]
    return render(
        request,
        "accounts/staff_home.html",
        {
            "grants": role_grants(request.user), "centers": centers,
            # Instructors and supporters read rosters but do not take applications.
            "may_take_applications": enrollment_may_manage(request.user),
        },
    )
