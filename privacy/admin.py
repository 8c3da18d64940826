from django.contrib import admin
from django.http import HttpRequest

from privacy.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only, even for superusers: the log is evidence, not data to tidy up."""

    list_display = [
        "at", "actor_label", "action", "subject_type", "subject_id", "record_count", "ip",
        "purpose",
    ]
    list_filter = ["action", "subject_type", "at"]
    search_fields = ["actor_label", "subject_id", "ip", "path"]
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False
