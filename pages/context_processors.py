from django.conf import settings
from django.http import HttpRequest

from pages.preferences import read_preferences


def display_preferences(request: HttpRequest) -> dict[str, object]:
    return {"display": read_preferences(request), "helpline": settings.HELPLINE_PHONE}
