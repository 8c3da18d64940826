from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pages.preferences import CONTRASTS, TEXT_SIZES, DisplayPreferences, save_preferences


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@require_POST
def display_preferences_set(request: HttpRequest) -> HttpResponse:
    text_size = request.POST.get("text_size", "normal")
    contrast = request.POST.get("contrast", "normal")
    preferences = DisplayPreferences(
        text_size=text_size if text_size in TEXT_SIZES else "normal",
        contrast=contrast if contrast in CONTRASTS else "normal",
    )
    if getattr(request, "htmx", False):
        response: HttpResponse = HttpResponse(status=204)
        save_preferences(response, preferences)
        return response
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure(),
    ):
        next_url = reverse("pages-home")
    response = HttpResponseRedirect(next_url)
    save_preferences(response, preferences)
    return response
