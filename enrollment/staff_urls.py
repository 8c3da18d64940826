from django.urls import path

from enrollment import staff_views as views

# Staff pages, mounted under /staff/enrollment/.
urlpatterns = [
    path("new/", views.intake_view, name="enrollment-staff-intake"),
    path("new/lookup/", views.intake_lookup_view, name="enrollment-staff-intake-lookup"),
    path("new/done/<int:pk>/", views.intake_done_view, name="enrollment-staff-intake-done"),
    path("classes/<int:pk>/", views.roster_view, name="enrollment-staff-roster"),
    path("classes/<int:pk>/roster.xlsx", views.roster_export_view,
         name="enrollment-staff-roster-export"),
    path("classes/<int:pk>/capacity/", views.capacity_view, name="enrollment-staff-capacity"),
    path("classes/<int:pk>/contact/<int:application_pk>/", views.contact_view,
         name="enrollment-staff-contact"),
    path("applications/<int:pk>/cancel/", views.cancel_view, name="enrollment-staff-cancel"),
    path("applications/<int:pk>/accept-offer/", views.offer_accept_view,
         name="enrollment-staff-accept-offer"),
]
