"""Applications in the admin: shown, never changed (changes go through enrollment.services,
which keep the seat counts, the waiting list and the audit trail)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.scoping import is_national
from enrollment.models import Application, IdempotencyRecord
from learners.admin import ReadOnlyAdmin


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "course_class", "learner", "status", "channel", "priority",
                    "created_at", "confirmed_at", "cancelled_at"]
    list_filter = ["status", "channel", "created_at"]
    search_fields = ["=id"]
    list_select_related = ["course_class__course", "course_class__center", "learner"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    exclude = ["manage_code_hash"]
    raw_id_fields = ["course_class", "learner", "created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return super().get_queryset(request).for_user(request.user)  # type: ignore[attr-defined]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ["owner", "key", "status_code", "created_at"]
    list_filter = ["status_code"]
    search_fields = ["=key", "=owner"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdempotencyRecord]:
        # Not tied to a region or centre: national administrators only.
        queryset = super().get_queryset(request)
        return queryset if is_national(request.user) else queryset.none()
