from django.urls import path

from kiosk import offline, views

urlpatterns = [
    path("practice/", views.scenario_list, name="kiosk-list"),
    path("practice/sw.js", offline.service_worker, name="kiosk-sw"),
    path("practice/attempts/", views.attempt_sync, name="kiosk-attempt-sync"),
    path("practice/my/", views.progress, name="kiosk-progress"),
    path("practice/<slug:slug>/", views.scenario_start, name="kiosk-start"),
    path("practice/<slug:slug>/play/", views.play, name="kiosk-play"),
]
