from django.urls import path

from kiosk import views

urlpatterns = [
    path("classes/<int:pk>/", views.class_page, name="kiosk-class"),
    path("classes/<int:pk>/handover/<int:application_pk>/", views.class_handover,
         name="kiosk-class-handover"),
]
