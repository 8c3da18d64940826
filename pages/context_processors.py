from django.http import HttpRequest

from pages.preferences import read_preferences


def display_preferences(request: HttpRequest) -> dict[str, object]:
    return {"display": read_preferences(request)}
