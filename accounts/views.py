from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.handover import handover_end, handover_state
from accounts.models import User
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


@require_http_methods(["GET", "POST"])
def handover_return(request: HttpRequest) -> HttpResponse:
    """"Back to the staff screen": the staff member's password ends the hand-over."""
    state = handover_state(request)
    if state is None:
        return redirect("accounts-home")
    staff = User.objects.filter(pk=int(state.get("user") or 0)).first()
    error = ""
    if request.method == "POST" and staff is not None:
        # Through authenticate() so that django-axes counts and locks out failures.
        user = authenticate(
            request, username=staff.get_username(), password=request.POST.get("password", ""),
        )
        if user is not None and user.pk == staff.pk:
            return_to = handover_end(request)
            if not url_has_allowed_host_and_scheme(return_to, allowed_hosts=None):
                return_to = "/staff/"
            return redirect(return_to)
        error = _("The password is not right. Please try again.")
    return render(request, "accounts/handover_return.html", {
        "staff": staff, "error": error,
    }, status=422 if error else 200)
