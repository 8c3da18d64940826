from django.urls import path

from centers import views

urlpatterns = [
    path("outreach/request/", views.outreach_request_new, name="centers-outreach-request"),
    path(
        "outreach/request/done/", views.outreach_request_done,
        name="centers-outreach-request-done",
    ),
    path("staff/outreach/", views.outreach_request_staff_list, name="centers-outreach-list"),
    path(
        "staff/outreach/<int:pk>/", views.outreach_request_staff_detail,
        name="centers-outreach-detail",
    ),
]
