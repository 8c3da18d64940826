from collections.abc import Callable
from importlib import import_module

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kiosk import views


def _service_worker(request: HttpRequest) -> HttpResponse:
    # kiosk.offline (the service worker) is its own module; imported on use.
    view: Callable[[HttpRequest], HttpResponse] = import_module("kiosk.offline").service_worker
    return view(request)


urlpatterns = [
    path("practice/", views.scenario_list, name="kiosk-list"),
    path("practice/sw.js", _service_worker, name="kiosk-sw"),
    path("practice/attempts/", views.attempt_sync, name="kiosk-attempt-sync"),
    path("practice/my/", views.progress, name="kiosk-progress"),
    path("practice/<slug:slug>/", views.scenario_start, name="kiosk-start"),
    path("practice/<slug:slug>/play/", views.play, name="kiosk-play"),
]
