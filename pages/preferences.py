"""Text size and contrast chosen on the page itself and kept in a cookie.

Older users rarely change browser settings (WAI-AGE), so the page offers them.
The cookie is read on the server so that the choice applies before any script
runs, and the switch works without JavaScript.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "display"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2
TEXT_SIZES = ("normal", "large", "xlarge")
CONTRASTS = ("normal", "high")


@dataclass(frozen=True)
class DisplayPreferences:
    text_size: str = "normal"
    contrast: str = "normal"

    @property
    def css_classes(self) -> str:
        return f"text-{self.text_size} contrast-{self.contrast}"

    def to_cookie(self) -> str:
        return f"{self.text_size}.{self.contrast}"


def read_preferences(request: HttpRequest) -> DisplayPreferences:
    text_size, _, contrast = request.COOKIES.get(COOKIE_NAME, "").partition(".")
    return DisplayPreferences(
        text_size=text_size if text_size in TEXT_SIZES else "normal",
        contrast=contrast if contrast in CONTRASTS else "normal",
    )


def save_preferences(response: HttpResponse, preferences: DisplayPreferences) -> None:
    response.set_cookie(
        COOKIE_NAME, preferences.to_cookie(), max_age=COOKIE_MAX_AGE, samesite="Lax",
        httponly=True,
    )
