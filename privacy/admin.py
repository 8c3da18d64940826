from django.contrib import admin

from lib.admin import ReadOnlyAdmin
from privacy.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
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

