from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views
from api.api import api

admin.site.site_header = _("Digital Learning Centre administration")
admin.site.site_title = _("Digital Learning Centre")

urlpatterns = [
    path("", include("pages.urls")),
    path("", include("finder.urls")),
    path("", include("centers.urls")),
    path("", include("enrollment.urls")),
    path("", include("attendance.urls")),
    path("", include("assessment.urls")),
    path("", include("surveys.urls")),
    path("", include("kiosk.urls")),
    # A staff tablet handed to a learner: the staff password unlocks it (accounts/handover.py).
    path("handover/return/", accounts_views.handover_return, name="accounts-handover-return"),
    path("staff/", include("accounts.urls")),
    path("staff/classes/", include("classes.urls")),
    path("staff/enrollment/", include("enrollment.staff_urls")),
    path("staff/learners/", include("learners.urls")),
    path("staff/", include("stats.urls")),
    path("staff/assessment/", include("assessment.staff_urls")),
    path("staff/kiosk/", include("kiosk.staff_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# A database lock wait that ran out in a middleware is a 503 too, not a 500.
handler500 = "enrollment.middleware.server_error"
