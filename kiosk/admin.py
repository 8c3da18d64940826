from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kiosk.models import Attempt
from lib.admin import ReadOnlyAdmin


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    """Read-only: attempts are written only by the practice page (kiosk.services).

    The list shows no names: the learner is a raw id.
    """

    list_display = (
        "started_at", "scenario", "mode", "barrier_free", "goal_reached", "steps", "wrong_taps",
        "hints", "timeouts", "seconds", "center",
    )
    list_filter = ("scenario", "mode", "goal_reached", "barrier_free", "center")
    date_hierarchy = "started_at"
    list_select_related = ("center",)
    ordering = ("-started_at",)
    raw_id_fields = ("learner", "application", "center")

    def get_queryset(self, request: HttpRequest) -> Any:
        # Staff see the attempts of their own area or centre (accounts.scoping).
        return super().get_queryset(request).for_user(request.user).defer(  # type: ignore[attr-defined]
            "events",
        )

