"""Practice pages (work in progress: URL plumbing first)."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from kiosk import engine


def _scenario_or_404(slug: str) -> engine.Scenario:
    scenario = engine.scenario_get(slug)
    if scenario is None:
        raise Http404
    return scenario


def scenario_list(request: HttpRequest) -> HttpResponse:
    return render(request, "kiosk/list.html", {"scenarios": engine.scenarios().values()})


def scenario_start(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "kiosk/start.html", {"scenario": _scenario_or_404(slug)})


def play(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = _scenario_or_404(slug)
    return render(request, "kiosk/play.html", {
        "scenario": scenario, "scenario_data": scenario.model_dump(),
        "sync_url": reverse("kiosk-attempt-sync"), "progress_url": reverse("kiosk-progress"),
        "start_url": reverse("kiosk-start", args=[scenario.slug]),
    })


def attempt_sync(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"anonymous": True, "message": ""}, status=403)


def progress(request: HttpRequest) -> HttpResponse:
    return render(request, "kiosk/progress.html", {})


def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def class_handover(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    raise Http404
