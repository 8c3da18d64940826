from django.http import HttpRequest, HttpResponse


def manage(request: HttpRequest) -> HttpResponse:
    # Replaced by the learner's application page (management code + phone).
    return HttpResponse(status=404)
